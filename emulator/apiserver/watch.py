"""Watch streams: newline-delimited JSON `{"type": ..., "object": ...}` over a chunked response.

Semantics of `apiserver/pkg/storage/cacher` and `endpoints/handlers/watch.go`:
- no resourceVersion or "0": synthetic ADDED events for every current object, then changes;
- resourceVersion N: every change after N; compacted away: one ERROR event with a 410 Expired Status;
- sendInitialEvents=true: initial ADDED events then a BOOKMARK annotated
  `k8s.io/initial-events-end: "true"` (watch-list);
- with a label or field selector, an object entering the selection is ADDED, one leaving it is DELETED;
- the stream ends after `timeoutSeconds` (the server's default: 30 to 60 min, here 30 min).
"""
from __future__ import annotations

import asyncio
import json
from typing import Any, Callable

from aiohttp import web

from ..base import errors
from .resources import ResourceType
from .store import Event, Store

DEFAULT_TIMEOUT = 1800.0


def _transition(event: Event, matches: Callable[[dict], bool]) -> str | None:
    now = event.type != "DELETED" and matches(event.object)
    before = event.old is not None and matches(event.old)
    if event.type == "DELETED":
        return "DELETED" if before else None
    if now and before:
        return "MODIFIED"
    if now:
        return "ADDED"
    return "DELETED" if before else None


class WatchStream:
    def __init__(self, store: Store, resource: ResourceType, namespace: str | None,
                 matches: Callable[[dict], bool], render: Callable[[dict], dict], closing: asyncio.Event) -> None:
        self.store, self.resource, self.namespace = store, resource, namespace
        self.matches, self.render, self.closing = matches, render, closing
        self.queue: asyncio.Queue[Event] = asyncio.Queue()

    def _in_scope(self, event: Event) -> bool:
        return event.resource.key == self.resource.key and (
            self.namespace is None or event.object["metadata"].get("namespace") == self.namespace)

    def _offer(self, event: Event) -> None:
        if self._in_scope(event):
            self.queue.put_nowait(event)

    async def serve(self, request: web.Request, resource_version: str | None, timeout: float | None,
                    initial_events: bool) -> web.StreamResponse:
        unsubscribe = self.store.subscribe(self._offer)
        try:
            start = self.store.resource_version
            replay: list[tuple[str, dict]] = []
            error = None
            if not resource_version or resource_version == "0" or initial_events:
                items, _ = self.store.list(self.resource, self.namespace, self.matches)
                replay = [("ADDED", item) for item in items]
            else:
                try:
                    since = int(resource_version)
                except ValueError:
                    raise errors.bad_request(f'invalid resource version: "{resource_version}"') from None
                history = self.store.history_since(since)
                if history is None:
                    error = errors.expired(f"too old resource version: {since} "
                                           f"({self.store.oldest_resource_version()})")
                else:
                    replay = [(kind, e.object) for e in history if self._in_scope(e)
                              and (kind := _transition(e, self.matches))]
            response = web.StreamResponse(headers={"Content-Type": "application/json",
                                                   "Cache-Control": "no-cache, private"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            if error:
                await self._write(response, "ERROR", error.status())
                return response
            for kind, obj in replay:
                await self._write(response, kind, self.render(obj))
            if initial_events:
                await self._write(response, "BOOKMARK", {
                    "kind": self.resource.kind, "apiVersion": self.resource.api_version,
                    "metadata": {"resourceVersion": str(start),
                                 "annotations": {"k8s.io/initial-events-end": "true"}}})
            await self._stream(response, start, timeout or DEFAULT_TIMEOUT)
            return response
        finally:
            unsubscribe()

    async def _stream(self, response: web.StreamResponse, start: int, timeout: float) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        closing = asyncio.ensure_future(self.closing.wait())
        try:
            while (remaining := deadline - asyncio.get_running_loop().time()) > 0:
                getter = asyncio.ensure_future(self.queue.get())
                done, _ = await asyncio.wait({getter, closing}, timeout=remaining,
                                             return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:
                    getter.cancel()
                    return
                event = getter.result()
                if event.resource_version <= start:
                    continue
                kind = _transition(event, self.matches)
                if kind:
                    await self._write(response, kind, self.render(event.object))
        except ConnectionResetError:
            return
        finally:
            closing.cancel()

    @staticmethod
    async def _write(response: web.StreamResponse, kind: str, obj: dict[str, Any]) -> None:
        await response.write(json.dumps({"type": kind, "object": obj}, separators=(",", ":")).encode() + b"\n")
