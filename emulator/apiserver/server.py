"""The HTTP face of the emulated apiserver: routing, verbs, Status bodies, discovery, tables.

Handlers follow `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/` (get.go, create.go,
update.go, patch.go, delete.go, watch.go): 201 on create (and on an apply that creates), 200
otherwise; delete answers the object for resources with ReturnDeletedObject (pods, services,
serviceaccounts, namespaces) or while deletion is pending, else a Success Status naming the
resource (`registry/generic/registry/store.go` finalizeDelete). Lists carry `<Kind>List`, apiVersion,
metadata.resourceVersion and `items` (built-in list items without apiVersion/kind, as the typed
encoders write them). Trailing slashes are tolerated.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from dataclasses import dataclass
from typing import Any, Mapping, Protocol

from aiohttp import web
from multidict import CIMultiDict

from ..base import errors
from . import apirequest, discovery, field_validation, openapi, reviews, tables
from . import patch as patching
from .apirequest import Target
from .resources import ResourceType
from .selectors import matcher
from .store import Store
from .watch import WatchStream

HEALTH_PATHS = {"/healthz", "/readyz", "/livez"}
FOLLOW_POLL = 0.2   # seconds between looks at a followed container's log
# Who the request authenticated as, set by the authentication middleware; the reviews answer about it.
REQUEST_USER = web.RequestKey("user", object)


class PodStreams(Protocol):
    """The hook another module provides for exec and port-forward (websocket) requests."""
    async def exec(self, request: web.Request, pod: dict[str, Any]) -> web.StreamResponse: ...
    async def portforward(self, request: web.Request, pod: dict[str, Any]) -> web.StreamResponse: ...
    async def attach(self, request: web.Request, pod: dict[str, Any]) -> web.StreamResponse: ...


class LogSource(Protocol):
    """What `pods/log` reads: a container's log as text (the kubelet's side of `GetContainerLogs`)."""
    def read(self, pod: dict[str, Any], container: str, *, previous: bool = False, tail_lines: int | None = None,
             timestamps: bool = False, limit_bytes: int | None = None) -> str: ...


class Backend(Protocol):
    store: Store
    container_logs: LogSource
    pod_streams: PodStreams | None
    closing: asyncio.Event
    build_date: str
    server_address: str
    kubernetes_version: str


def _json(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    return web.Response(body=json.dumps(body, separators=(",", ":")).encode(), status=status,
                        content_type="application/json", headers=headers)


def error_response(error: errors.ApiError) -> web.Response:
    return _json(error.status(), error.code, error.headers)


def is_discovery(path: str) -> bool:
    path = path.rstrip("/") or "/"
    parts = [p for p in path.split("/") if p]
    return path in HEALTH_PATHS or path == "/version" or path.startswith("/openapi") or \
        parts in (["api"], ["api", "v1"], ["apis"]) or (len(parts) in (2, 3) and parts[0] == "apis")


@dataclass
class Handlers:
    backend: Backend

    @property
    def store(self) -> Store:
        return self.backend.store

    async def dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path.rstrip("/") or "/"
        parts = [p for p in path.split("/") if p]
        if path in HEALTH_PATHS or any(path.startswith(h + "/") for h in HEALTH_PATHS):
            return web.Response(text="ok", content_type="text/plain")
        if path == "/version":
            return _json(discovery.version(self.backend.build_date, self.backend.kubernetes_version))
        if parts == ["api"]:
            return _json(discovery.api_versions(self.backend.server_address))
        if parts[:2] == ["openapi", "v3"]:
            return self._openapi(parts[2:])
        if parts == ["openapi", "v2"]:
            return self._openapi_v2(request.headers.get("Accept", ""))
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        elif parts == ["apis"]:
            return _json(discovery.group_list(self.store.resource_types()))
        elif parts[:1] == ["apis"] and len(parts) == 2:
            return self._found(discovery.group(self.store.resource_types(), parts[1]))
        else:
            return web.Response(status=404, text="404 page not found\n", content_type="text/plain")
        if not rest:
            return self._found(discovery.resource_list(self.store.resource_types(), group, version))
        target = apirequest.parse_target(group, version, rest)
        resource = target and self.store.find(group, version, target.plural)
        if resource is None or (target.namespace is not None and not resource.namespaced):
            raise errors.unknown_resource()
        if not apirequest.acceptable(request):
            raise errors.not_acceptable(list(apirequest.SERVED_TYPES))
        return await self._resource(request, resource, target)

    def _openapi(self, rest: list[str]) -> web.Response:
        types = self.store.resource_types()
        if not rest:
            return _json(openapi.root(types))
        if rest[0] == "api" and len(rest) == 2:
            return self._found(openapi.document(types, "", rest[1]))
        if rest[0] == "apis" and len(rest) == 3:
            return self._found(openapi.document(types, rest[1], rest[2]))
        raise errors.unknown_resource()

    @staticmethod
    def _openapi_v2(accept: str) -> web.Response:
        encoding = openapi.v2_encoding(accept)
        if encoding == "protobuf":
            return web.Response(body=openapi.v2_protobuf(), headers={"Content-Type": openapi.V2_PROTOBUF})
        if encoding == "json":
            return _json(openapi.v2_document())
        return web.Response(status=406, text="", content_type="text/plain")

    @staticmethod
    def _found(body: dict | None) -> web.Response:
        if body is None:
            raise errors.unknown_resource()
        return _json(body)

    async def _resource(self, request: web.Request, resource: ResourceType, target: Target) -> web.StreamResponse:
        method = request.method
        verb = _verb(method, target, apirequest.flag(request, "watch"))
        if not target.subresource and verb and verb not in resource.verbs:
            raise errors.method_not_supported(resource.group, resource.plural, verb)
        if target.subresource:
            return await self._subresource(request, resource, target)
        if target.name is None:
            if method == "GET":
                return await self.list_or_watch(request, resource, target.namespace)
            if resource.namespaced and target.namespace is None:
                raise errors.method_not_supported(resource.group, resource.plural, _action(method))
            if method == "POST":
                return await self.create(request, resource, target.namespace)
            if method == "DELETE":
                return await self.delete_collection(request, resource, target.namespace)
            raise errors.method_not_supported(resource.group, resource.plural, _action(method))
        if resource.namespaced and target.namespace is None:
            raise errors.unknown_resource()
        if method == "GET":
            obj = self.store.get(resource, target.namespace, target.name)
            return self._render_one(request, resource, obj)
        if method == "PUT":
            return await self.update(request, resource, target)
        if method == "PATCH":
            return await self.patch(request, resource, target)
        if method == "DELETE":
            return await self.delete(request, resource, target)
        raise errors.method_not_supported(resource.group, resource.plural, _action(method))

    # --- reads ------------------------------------------------------------------------------------
    def _render_one(self, request: web.Request, resource: ResourceType, obj: dict) -> web.Response:
        if apirequest.wants_table(request):
            return _json(tables.table(resource, [obj], obj["metadata"]["resourceVersion"],
                                      request.query.get("includeObject", "Metadata")))
        return _json(obj)

    async def list_or_watch(self, request: web.Request, resource: ResourceType,
                            namespace: str | None) -> web.StreamResponse:
        matches = matcher(request.query.get("labelSelector"), request.query.get("fieldSelector"), resource.key)
        if apirequest.flag(request, "watch"):
            timeout = apirequest.integer(request, "timeoutSeconds")
            stream = WatchStream(self.store, resource, namespace, matches,
                                 self._watch_renderer(request, resource), self.backend.closing)
            return await stream.serve(request, request.query.get("resourceVersion"),
                                      float(timeout) if timeout else None,
                                      apirequest.flag(request, "sendInitialEvents"))
        items, resource_version = self.store.list(resource, namespace, matches)
        items, meta = _page(items, resource_version, apirequest.integer(request, "limit"),
                            request.query.get("continue"))
        if apirequest.wants_table(request):
            table = tables.table(resource, items, str(resource_version), request.query.get("includeObject", "Metadata"))
            table["metadata"].update({k: v for k, v in meta.items() if k != "resourceVersion"})
            return _json(table)
        if not resource.custom:
            for item in items:
                item.pop("apiVersion", None)
                item.pop("kind", None)
        return _json({"kind": resource.list_kind, "apiVersion": resource.api_version, "metadata": meta,
                      "items": items})

    @staticmethod
    def _watch_renderer(request: web.Request, resource: ResourceType):
        if not apirequest.wants_table(request):
            return lambda obj: obj
        include = request.query.get("includeObject", "Metadata")
        return lambda obj: tables.table(resource, [obj], obj["metadata"]["resourceVersion"], include)

    # --- writes -----------------------------------------------------------------------------------
    async def create(self, request: web.Request, resource: ResourceType, namespace: str | None) -> web.Response:
        body = await apirequest.object_body(request, resource.api_version, resource.kind, protobuf=not resource.custom)
        _check_type(resource, body)
        warned = _field_validation(request, resource, body)
        meta = body.setdefault("metadata", {})
        if resource.namespaced:
            if meta.get("namespace") and meta["namespace"] != namespace:
                raise errors.bad_request("the namespace of the provided object does not match the namespace "
                                         "sent on the request")
            meta["namespace"] = namespace
        if reviews.answers(resource.key):
            return _json(reviews.answer(resource.key, resource.api_version, resource.kind, body,
                                        request.get(REQUEST_USER)), 201)
        if resource.key == "bindings":     # the legacy form of pods/binding (pkg/registry/core/pod/storage)
            return self._bound(namespace, meta.get("name") or "", body)
        created = self.store.create(resource, body, manager=apirequest.manager(request))
        return _json(created, 201, warned)

    async def update(self, request: web.Request, resource: ResourceType, target: Target,
                     subresource: str = "") -> web.Response:
        body = await apirequest.object_body(request, resource.api_version, resource.kind, protobuf=not resource.custom)
        _check_type(resource, body)
        warned = _field_validation(request, resource, body)
        meta = body.setdefault("metadata", {})
        _check_name(meta, target)
        if resource.namespaced:
            meta["namespace"] = target.namespace
        meta["name"] = target.name
        updated = self.store.update(resource, body, manager=apirequest.manager(request), subresource=subresource)
        return _json(updated, headers=warned)

    async def patch(self, request: web.Request, resource: ResourceType, target: Target,
                    subresource: str = "") -> web.Response:
        kind, body = await apirequest.patch_body(request, resource.patch_types)
        force = apirequest.flag(request, "force")
        manager = request.query.get("fieldManager", "")
        if kind == "apply":
            if not manager:
                raise errors.invalid("meta.k8s.io", "PatchOptions", "", [errors.Cause(
                    "fieldManager", "FieldValueRequired", "Required value: is required for apply patch")])
            if not isinstance(body, dict):
                raise errors.bad_request("error decoding YAML: the apply body must be an object")
            _check_type(resource, body, required=True)
            _check_name(body.get("metadata") or {}, target)
        elif "force" in request.query and force:
            raise errors.invalid("meta.k8s.io", "PatchOptions", "", [errors.Cause(
                "force", "FieldValueForbidden", "Forbidden: may not be specified for non-apply patch")])
        if kind == "apply":
            meta = body.setdefault("metadata", {})
            meta["name"] = target.name
            if resource.namespaced:
                meta["namespace"] = target.namespace
            refusal = None if resource.custom else field_validation.apply_refusal(
                resource.group, resource.version, resource.kind, body)
            if refusal:
                raise errors.not_a_status(refusal)
        warned = None
        if kind in ("merge", "strategic") and not subresource and not resource.custom and isinstance(body, dict):
            found = field_validation.check_patch(request.query.get("fieldValidation"), resource.group,
                                                 resource.version, resource.kind, body)
            warned = CIMultiDict(("Warning", w) for w in found) if found else None
        obj, created = self.store.patch(resource, target.namespace, target.name, kind, body,
                                        manager=manager or apirequest.manager(request),
                                        subresource=subresource, force=force)
        return _json(obj, 201 if created else 200, warned)

    async def delete(self, request: web.Request, resource: ResourceType, target: Target) -> web.Response:
        options = await apirequest.optional_body(request)
        grace = apirequest.integer(request, "gracePeriodSeconds")
        if grace is None and options.get("gracePeriodSeconds") is not None:
            grace = int(options["gracePeriodSeconds"])
        preconditions = options.get("preconditions") or {}
        obj, deleted = self.store.delete(resource, target.namespace, target.name, grace_seconds=grace,
                                         uid=preconditions.get("uid"),
                                         resource_version=preconditions.get("resourceVersion"))
        if deleted and not resource.returns_deleted_object:
            details = {"name": obj["metadata"]["name"], **({"group": resource.group} if resource.group else {}),
                       "kind": resource.plural, "uid": obj["metadata"]["uid"]}
            return _json({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                          "details": details})
        return _json(obj)

    async def delete_collection(self, request: web.Request, resource: ResourceType,
                                namespace: str | None) -> web.Response:
        if "deletecollection" not in resource.verbs:
            raise errors.method_not_supported(resource.group, resource.plural, "deletecollection")
        matches = matcher(request.query.get("labelSelector"), request.query.get("fieldSelector"), resource.key)
        items, _ = self.store.list(resource, namespace, matches)
        deleted = [self.store.delete(resource, namespace, i["metadata"]["name"])[0] for i in items]
        return _json({"kind": resource.list_kind, "apiVersion": resource.api_version,
                      "metadata": {"resourceVersion": str(self.store.resource_version)}, "items": deleted})

    # --- subresources -----------------------------------------------------------------------------
    async def _subresource(self, request: web.Request, resource: ResourceType, target: Target) -> web.StreamResponse:
        sub = resource.subresource(target.subresource)
        if sub is None or target.name is None:
            raise errors.unknown_resource()
        method = request.method
        if sub.name == "status":
            if method == "GET":
                return _json(self.store.get(resource, target.namespace, target.name))
            if method == "PUT":
                return await self.update(request, resource, target, "status")
            if method == "PATCH":
                return await self.patch(request, resource, target, "status")
        elif sub.name == "scale":
            return await self._scale(request, resource, target)
        elif sub.name == "log" and method == "GET":
            return await self._log(request, target)
        elif sub.name in ("exec", "portforward", "attach") and method in ("GET", "POST"):
            return await self._stream(request, target, sub.name)
        elif sub.name == "binding" and method == "POST":
            return await self._bind(request, target)
        elif sub.name == "eviction" and method == "POST":
            self.store.delete(resource, target.namespace, target.name)
            return _json({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)
        raise errors.method_not_supported(resource.group, f"{resource.plural}/{sub.name}", _action(method))

    async def _bind(self, request: web.Request, target: Target) -> web.Response:
        """pods/binding: a Binding whose target names the node (what kube-scheduler posts)."""
        body = await apirequest.object_body(request, "v1", "Binding")
        return self._bound(target.namespace, target.name or "", body)

    def _bound(self, namespace: str | None, pod: str, body: dict) -> web.Response:
        node = (body.get("target") or {}).get("name")
        if not node:
            raise errors.invalid("", "Binding", pod, [errors.Cause(
                "target.name", "FieldValueRequired", "Required value")])
        self.store.bind(namespace, pod, node)
        return _json({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}, 201)

    async def _scale(self, request: web.Request, resource: ResourceType, target: Target) -> web.Response:
        obj = self.store.get(resource, target.namespace, target.name)
        if request.method in ("PUT", "PATCH"):
            if request.method == "PUT":
                wanted = await apirequest.object_body(request, "autoscaling/v1", "Scale")
            else:
                kind, body = await apirequest.patch_body(request, resource.patch_types)
                current = _scale_of(obj)
                wanted = patching.json_patch(current, body) if kind == "json" else patching.merge_patch(current, body)
            replicas = (wanted.get("spec") or {}).get("replicas")
            if not isinstance(replicas, int) or replicas < 0:
                raise errors.invalid("autoscaling", "Scale", target.name, [errors.Cause(
                    "spec.replicas", "FieldValueInvalid",
                    f"Invalid value: {replicas}: must be greater than or equal to 0")])
            obj["spec"]["replicas"] = replicas
            obj = self.store.update(resource, obj, manager=apirequest.manager(request))
        return _json(_scale_of(obj))

    async def _log(self, request: web.Request, target: Target) -> web.StreamResponse:
        pod = self.store.get("pods", target.namespace, target.name)
        names = [c["name"] for c in pod["spec"].get("containers") or []]
        container = request.query.get("container")
        if not container:
            if len(names) != 1:
                raise errors.bad_request(f"a container name must be specified for pod {target.name}, "
                                         f"choose one of: [{' '.join(names)}]")
            container = names[0]
        init_names = [c["name"] for c in pod["spec"].get("initContainers") or []]
        if container not in names + init_names:
            raise errors.bad_request(f"container {container} is not valid for pod {target.name}")
        statuses = {s["name"]: s for s in (pod.get("status", {}).get("containerStatuses") or [])
                    + (pod.get("status", {}).get("initContainerStatuses") or [])}
        state = statuses.get(container, {}).get("state", {})
        if not statuses.get(container) or ("waiting" in state and not statuses[container].get("lastState")):
            reason = state.get("waiting", {}).get("reason", "ContainerCreating")
            raise errors.bad_request(f'container "{container}" in pod "{target.name}" is waiting to start: {reason}')
        previous = apirequest.flag(request, "previous")
        if previous and "terminated" not in (statuses[container].get("lastState") or {}):
            raise errors.bad_request(f'previous terminated container "{container}" in pod "{target.name}" not found')
        timestamps = apirequest.flag(request, "timestamps")
        text = self.backend.container_logs.read(
            pod, container, previous=previous,
            tail_lines=apirequest.integer(request, "tailLines"), timestamps=timestamps,
            limit_bytes=apirequest.integer(request, "limitBytes"))
        if previous or not apirequest.flag(request, "follow") or "running" not in state:
            return web.Response(text=text, content_type="text/plain")
        return await self._follow(request, target, pod, container, text, timestamps)

    async def _follow(self, request: web.Request, target: Target, pod: dict, container: str, first: str,
                      timestamps: bool) -> web.StreamResponse:
        """`follow=true` (`kubectl logs -f`): the log so far, then each new line, until the container stops
        running, its pod goes, or the client hangs up (pkg/kubelet/kuberuntime/logs/logs.go ReadLogs
        follows the file until the container is no longer running)."""
        response = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await response.prepare(request)
        await response.write(first.encode())
        sent = self.backend.container_logs.read(pod, container, timestamps=timestamps)
        while request.transport is not None and not request.transport.is_closing():
            await asyncio.sleep(FOLLOW_POLL)
            try:
                pod = self.store.get("pods", target.namespace, target.name)
            except errors.ApiError:
                break
            whole = self.backend.container_logs.read(pod, container, timestamps=timestamps)
            if whole.startswith(sent) and len(whole) > len(sent):
                await response.write(whole[len(sent):].encode())
            sent = whole
            status = next((c for c in pod.get("status", {}).get("containerStatuses") or []
                           if c["name"] == container), {})
            if "running" not in status.get("state", {}):
                break
        with contextlib.suppress(ConnectionResetError):
            await response.write_eof()
        return response

    async def _stream(self, request: web.Request, target: Target, kind: str) -> web.StreamResponse:
        pod = self.store.get("pods", target.namespace, target.name)
        hook = self.backend.pod_streams
        if hook is None:
            node = pod["spec"].get("nodeName")
            if not node:
                raise errors.bad_request(f"pod {target.name} does not have a host assigned")
            host = pod.get("status", {}).get("hostIP", node)
            raise errors.internal(f"error dialing backend: dial tcp {host}:10250: connect: connection refused")
        streams = {"exec": hook.exec, "attach": hook.attach, "portforward": hook.portforward}
        return await streams[kind](request, pod)


def _verb(method: str, target: Target, watch: bool) -> str | None:
    """The discovery verb a request on the main resource needs (apiserver endpoints/installer.go)."""
    if method == "GET":
        return "watch" if watch else "list" if target.name is None else "get"
    if target.name is None:
        return {"POST": "create", "DELETE": "deletecollection"}.get(method)
    return {"PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method)


def _action(method: str) -> str:
    return {"GET": "get", "POST": "create", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(method, method)


def _check_type(resource: ResourceType, body: dict, required: bool = False) -> None:
    """The body's apiVersion/kind must name this resource; built-ins may omit them (defaultGVK)."""
    api_version, kind = body.get("apiVersion"), body.get("kind")
    if (required or resource.custom) and not kind:
        raise errors.bad_request(f"Object 'Kind' is missing in '{json.dumps(body, separators=(',', ':'))}'")
    if api_version and api_version != resource.api_version:
        raise errors.bad_request(f"the API version in the data ({api_version}) does not match the expected "
                                 f"API version ({resource.api_version})")
    if kind and kind != resource.kind:
        raise errors.bad_request(f"the kind in the data ({kind}) does not match the expected kind ({resource.kind})")


def _field_validation(request: web.Request, resource: ResourceType, body: dict) -> CIMultiDict | None:
    """Built-in kinds only: custom resources' schemas are not checked (docs/platform.md §19.6)."""
    if resource.custom:
        return None
    found = field_validation.check(request.query.get("fieldValidation"), resource.group, resource.version,
                                   resource.kind, body)
    return CIMultiDict(("Warning", w) for w in found) if found else None


def _check_name(meta: dict, target: Target) -> None:
    if meta.get("name") and meta["name"] != target.name:
        raise errors.bad_request(f"the name of the object ({meta['name']}) does not match the name on the URL "
                                 f"({target.name})")


def _scale_of(obj: dict) -> dict:
    selector = obj["spec"].get("selector", {}).get("matchLabels") or {}
    meta = {k: obj["metadata"][k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in obj["metadata"]}
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": meta,
            "spec": {"replicas": obj["spec"].get("replicas", 1)},
            "status": {"replicas": obj.get("status", {}).get("replicas", 0),
                       "selector": ",".join(f"{k}={v}" for k, v in sorted(selector.items()))}}


def _page(items: list[dict], resource_version: int, limit: int | None,
          token: str | None) -> tuple[list[dict], dict[str, Any]]:
    """limit/continue: an opaque token holding the list's resourceVersion and the next offset."""
    start = 0
    if token:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode()))
            start, resource_version = int(decoded["start"]), int(decoded["rv"])
        except (ValueError, KeyError, TypeError):
            raise errors.bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                                     "(version meta.k8s.io/v1)") from None
    meta: dict[str, Any] = {"resourceVersion": str(resource_version)}
    if limit and limit > 0 and start + limit < len(items):
        meta["continue"] = base64.urlsafe_b64encode(json.dumps(
            {"rv": resource_version, "start": start + limit}).encode()).decode()
        meta["remainingItemCount"] = len(items) - start - limit
        return items[start:start + limit], meta
    return items[start:], meta
