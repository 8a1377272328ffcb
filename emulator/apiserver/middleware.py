"""aiohttp middlewares: the request journal, authentication and authorization, API faults
(api-slow, api-flaky, apiserver-restart) and Status errors."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from aiohttp import web

from ..base import errors
from ..base.faults import API_FLAKY, API_SLOW, Flakiness
from .authentication import Authenticator, authorize, impersonated, request_info
from .journal import Journal
from .server import REQUEST_USER, error_response, is_discovery

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

SLOW_DELAY = 0.2
DROPPED = 499     # journal status of a connection api-flaky dropped (nothing reaches the client)


def journal(log: Journal):
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as error:
            status = error.status
            raise
        finally:
            log.record(request.method, request.path, request.query_string, status)
    return record


def authentication(authenticator: Authenticator | None):
    """Every request, health checks included, passes authentication then authorization, as in
    kube-apiserver's handler chain; without TLS (--plain-http) nothing is checked, as on the insecure
    port that Kubernetes 1.20 removed."""
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        if authenticator is not None:
            tls = request.transport.get_extra_info("ssl_object") if request.transport else None
            peer = tls.getpeercert(binary_form=True) if tls else None
            user = authenticator.user(peer, request.headers.get("Authorization"))
            user = impersonated(user, request.headers)
            authorize(user, request_info(request.method, request.path, request.query))
            request[REQUEST_USER] = user
        return await handler(request)
    return check


def faults(active: frozenset[str], flakiness: Flakiness, on_exec: Callable[[], None] = lambda: None):
    """api-slow delays every request; api-flaky breaks resource requests and websocket upgrades
    (exec, port-forward), as an overloaded or restarting API server would; never discovery or health.
    `on_exec` is told of every exec request (apiserver-restart picks its moment from it)."""
    @web.middleware
    async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.endswith("/exec"):
            on_exec()
        if API_SLOW in active:
            await asyncio.sleep(SLOW_DELAY)
        if API_FLAKY in active and not is_discovery(request.path):
            failure = flakiness.next_failure()
            if failure == "500":
                raise errors.internal("etcdserver: leader changed")
            if failure == "429":
                raise errors.too_many_requests(1)
            if failure == "drop":
                request.transport.abort()
                return web.Response(status=DROPPED)
        return await handler(request)
    return inject


@web.middleware
async def status_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except errors.ApiError as error:
        return error_response(error)
