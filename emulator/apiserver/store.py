"""The object store of the emulated apiserver, and the in-process API controllers build on.

All calls must run on the server's event loop thread (EmulatedCluster.call() gets you there from
another thread). Objects go in and come out as plain JSON dicts (deep copies). A resource is named
by its key (`pods`, `deployments.apps`, `ippools.crd.projectcalico.org`) or a ResourceType.

    store.get(resource, namespace, name) -> dict                     # ApiError 404
    store.list(resource, namespace=None, match=None) -> (items, resourceVersion)
    store.create(resource, obj, manager="...") -> dict               # 409 AlreadyExists, 422
    store.update(resource, obj, manager="...", subresource=None)     # 409 Conflict on stale rv
    store.patch(resource, namespace, name, kind, body, manager=..., subresource=None, force=False)
        kind: "merge" | "json" | "strategic" | "apply"; returns (obj, created)
    store.patch_status(resource, namespace, name, merge_patch, manager="...") -> dict
    store.delete(resource, namespace, name, grace_seconds=None) -> (obj, deleted_now)
    store.finalize_delete(resource, namespace, name)                 # end a graceful deletion
    unsubscribe = store.subscribe(callback)      # callback(Event) for every change, synchronously
    store.resource(key) / store.resource_types() / store.find(group, version, plural)

Semantics kept from the real apiserver (`staging/src/k8s.io/apiserver/pkg/registry/generic/registry/
store.go` and the per-resource strategies): uid, a global resourceVersion, metadata.generation
bumped on spec changes for resources that track it, creationTimestamp, generateName, defaulting and
validation (`defaults`, `validation`), managedFields (`managedfields`), the status subresource
(main-resource writes keep the old status; status writes keep the old spec), graceful deletion
(pods on a node, objects with finalizers: deletionTimestamp set, removal later), namespaces that
must exist and not be terminating. Watch history is kept for resourceVersion-based starts.
"""
from __future__ import annotations

import copy
import random
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..base import errors
from ..base.ids import NAME_CHARS
from . import defaults, managedfields, validation
from . import patch as patching
from .resources import BUILTIN, ResourceType, from_crd, storage_version

CRD_KEY = "customresourcedefinitions.apiextensions.k8s.io"


def timestamp(at: float | None = None) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() if at is None else at))


@dataclass(frozen=True)
class Event:
    type: str                # ADDED | MODIFIED | DELETED
    resource: ResourceType
    object: dict[str, Any]
    old: dict[str, Any] | None
    resource_version: int


class Store:
    HISTORY = 20000

    def __init__(self, rng: random.Random | None = None) -> None:
        self.rng = rng or random.Random()
        self.allocator = defaults.ServiceAllocator(self.rng)
        self._objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
        self._rv = 100
        self._history: deque[Event] = deque(maxlen=self.HISTORY)
        self._watch_cache_start = 0
        self._subscribers: list[Callable[[Event], None]] = []
        # one storage per resource: a resource served in two versions (autoscaling v2 and v1) is
        # stored under its preferred version's type
        self._builtin: dict[str, ResourceType] = {}
        for resource in BUILTIN:
            self._builtin.setdefault(resource.key, resource)
        self._custom: dict[str, ResourceType] = {}
        self._served = {(t.group, t.version, t.plural): t for t in BUILTIN}

    # --- catalogue -------------------------------------------------------------------------------
    def resource_types(self) -> list[ResourceType]:
        """Every served group/version/resource: built-ins in `/apis` order, then custom resources."""
        return list(self._served.values())

    def resource(self, key: str | ResourceType) -> ResourceType:
        if isinstance(key, ResourceType):
            return key
        found = self._builtin.get(key) or self._custom.get(key)
        if found is None:
            raise KeyError(f"unknown resource {key!r}")
        return found

    def find(self, group: str, version: str, plural: str) -> ResourceType | None:
        return self._served.get((group, version, plural))

    def _refresh_custom(self) -> None:
        self._custom = {}
        served = []
        for crd in self._objects.get(CRD_KEY, {}).values():
            for resource in from_crd(crd):
                served.append(resource)
                if resource.key not in self._custom or resource.version == storage_version(crd):
                    self._custom[resource.key] = resource
        self._served = {(t.group, t.version, t.plural): t for t in (*BUILTIN, *served)}

    # --- reads -----------------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        return self._rv

    def get(self, resource: str | ResourceType, namespace: str | None, name: str) -> dict[str, Any]:
        return copy.deepcopy(self._get(self.resource(resource), namespace, name))

    def _get(self, resource: ResourceType, namespace: str | None, name: str) -> dict[str, Any]:
        obj = self._objects.get(resource.key, {}).get(self._id(resource, namespace, name))
        if obj is None:
            raise errors.not_found(resource.group, resource.plural, name)
        return obj

    def list(self, resource: str | ResourceType, namespace: str | None = None,
             match: Callable[[dict], bool] | None = None) -> tuple[list[dict[str, Any]], int]:
        resource = self.resource(resource)
        items = [copy.deepcopy(o) for (ns, _), o in sorted(self._objects.get(resource.key, {}).items())
                 if (namespace is None or ns == namespace) and (match is None or match(o))]
        return items, self._rv

    def view(self, resource: str | ResourceType, namespace: str | None = None) -> list[dict[str, Any]]:
        """The stored objects themselves, in list order, for readers that never change them (the
        controllers' scans): no copies. Mutating one corrupts the store; `get` a copy to change it."""
        resource = self.resource(resource)
        return [o for (ns, _), o in sorted(self._objects.get(resource.key, {}).items())
                if namespace is None or ns == namespace]

    def history_since(self, resource_version: int) -> Iterable[Event] | None:
        """Events after `resource_version`, or None when that version is compacted away."""
        if resource_version < self._watch_cache_start:
            return None
        if self._history and resource_version < self._history[0].resource_version - 1:
            return None
        return [e for e in self._history if e.resource_version > resource_version]

    def oldest_resource_version(self) -> int:
        return max(self._watch_cache_start, self._history[0].resource_version if self._history else self._rv)

    def restart_watch_cache(self) -> None:
        """A restarted API server's watch cache starts from a list at the current resourceVersion: a
        watch from an older one is 410 "too old resource version" (apiserver pkg/storage/cacher/
        watch_cache.go getAllEventsSinceLocked; docs/platform.md §18.4); resourceVersions themselves go
        on (etcd keeps them)."""
        self._history.clear()
        self._watch_cache_start = self._rv

    def dependents(self, uid: str) -> list[tuple[ResourceType, str | None, str]]:
        """Objects with an ownerReference to `uid` (what the garbage collector deletes with it)."""
        found = []
        for key, objects in self._objects.items():
            if key not in self._builtin and key not in self._custom:
                continue
            resource = self.resource(key)
            for (namespace, name), obj in objects.items():
                if any(ref.get("uid") == uid for ref in obj["metadata"].get("ownerReferences") or []):
                    found.append((resource, namespace or None, name))
        return found

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    # --- writes ----------------------------------------------------------------------------------
    def create(self, resource: str | ResourceType, obj: dict[str, Any], *, manager: str = "emulator",
               at: float | None = None, operation: str = "Update") -> dict[str, Any]:
        resource = self.resource(resource)
        obj = copy.deepcopy(obj)
        meta = obj.setdefault("metadata", {})
        namespace = meta.get("namespace") if resource.namespaced else None
        if resource.namespaced:
            if not namespace:
                raise errors.bad_request("the namespace of the object must be set")
            self._check_namespace(resource, namespace, meta.get("name") or meta.get("generateName", ""))
        else:
            meta.pop("namespace", None)
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + "".join(self.rng.choice(NAME_CHARS) for _ in range(5))
        obj["apiVersion"], obj["kind"] = resource.api_version, resource.kind
        for field in ("resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"):
            meta.pop(field, None)
        if resource.has_status and resource.key != "nodes":    # create strategies reset status
            obj.pop("status", None)
        meta["uid"] = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        meta["creationTimestamp"] = timestamp(at)
        if resource.has_generation:
            meta["generation"] = 1
        else:
            meta.pop("generation", None)
        self._default(resource, obj, creating=True)
        validation.validate_create(resource, obj)
        if self._id(resource, namespace, meta["name"]) in self._objects.get(resource.key, {}):
            raise errors.already_exists(resource.group, resource.plural, meta["name"])
        if operation == "Update":
            managedfields.record_update(None, obj, self._actor(resource, manager, "", "Update"), resource.custom)
        return self._put(resource, obj, None)

    def update(self, resource: str | ResourceType, obj: dict[str, Any], *, manager: str = "emulator",
               subresource: str = "") -> dict[str, Any]:
        resource = self.resource(resource)
        meta = obj.get("metadata") or {}
        old = self._get(resource, meta.get("namespace") if resource.namespaced else None, meta.get("name", ""))
        if meta.get("resourceVersion") and meta["resourceVersion"] != old["metadata"]["resourceVersion"]:
            raise errors.conflict(resource.group, resource.plural, meta["name"], errors.STALE_OBJECT)
        new = self._prepare_update(resource, old, obj, subresource)
        managedfields.record_update(old, new, self._actor(resource, manager, subresource, "Update"),
                                    resource.custom)
        return self._commit_update(resource, old, new)

    def patch(self, resource: str | ResourceType, namespace: str | None, name: str, kind: str,
              body: Any, *, manager: str = "emulator", subresource: str = "",
              force: bool = False) -> tuple[dict[str, Any], bool]:
        resource = self.resource(resource)
        namespace = namespace if resource.namespaced else None
        if kind == "apply":
            return self._apply(resource, namespace, name, body, manager, subresource, force)
        old = self._get(resource, namespace, name)
        try:
            if kind == "merge":
                patched = patching.merge_patch(old, body)
            elif kind == "json":
                patched = patching.json_patch(old, body)
            else:
                patched = patching.strategic_merge(old, body)
        except patching.PatchError as error:
            raise errors.ApiError(422, "Invalid", str(error)) from None
        if not isinstance(patched, dict):
            raise errors.bad_request("the patched object is not a JSON object")
        meta = body.get("metadata") if isinstance(body, dict) else None
        if not (meta and meta.get("resourceVersion")):
            patched.setdefault("metadata", {})["resourceVersion"] = old["metadata"]["resourceVersion"]
        elif meta["resourceVersion"] != old["metadata"]["resourceVersion"]:
            raise errors.conflict(resource.group, resource.plural, name, errors.STALE_OBJECT)
        new = self._prepare_update(resource, old, patched, subresource)
        managedfields.record_update(old, new, self._actor(resource, manager, subresource, "Update"),
                                    resource.custom)
        return self._commit_update(resource, old, new), False

    def patch_status(self, resource: str | ResourceType, namespace: str | None, name: str,
                     merge: dict[str, Any], *, manager: str = "emulator") -> dict[str, Any]:
        return self.patch(resource, namespace, name, "merge", merge, manager=manager, subresource="status")[0]

    def bind(self, namespace: str, name: str, node: str) -> dict[str, Any]:
        """pods/binding (`pkg/registry/core/pod/storage/storage.go` BindingREST.assignPod): set
        spec.nodeName and PodScheduled=True; 409 when the pod is bound already or being deleted."""
        resource = self.resource("pods")
        old = self._get(resource, namespace, name)
        if old["metadata"].get("deletionTimestamp"):
            raise errors.conflict("", "pods/binding", name,
                                  f"pod {name} is being deleted, cannot be assigned to a host")
        if old["spec"].get("nodeName"):
            raise errors.conflict("", "pods/binding", name,
                                  f'pod {name} is already assigned to node "{old["spec"]["nodeName"]}"')
        new = copy.deepcopy(old)
        new["spec"]["nodeName"] = node
        status = new.setdefault("status", {})
        status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"] + [
            {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": timestamp()}]
        return self._commit_update(resource, old, new, bump_generation=False)

    def delete(self, resource: str | ResourceType, namespace: str | None, name: str, *,
               grace_seconds: int | None = None, uid: str | None = None,
               resource_version: str | None = None) -> tuple[dict[str, Any], bool]:
        resource = self.resource(resource)
        namespace = namespace if resource.namespaced else None
        old = self._get(resource, namespace, name)
        if uid and uid != old["metadata"]["uid"]:
            raise errors.conflict(resource.group, resource.plural, name,
                                  f"Precondition failed: UID in precondition: {uid}, UID in object meta: "
                                  f"{old['metadata']['uid']}")
        if resource_version and resource_version != old["metadata"]["resourceVersion"]:
            raise errors.conflict(resource.group, resource.plural, name,
                                  f"Precondition failed: ResourceVersion in precondition: {resource_version}, "
                                  f"ResourceVersion in object meta: {old['metadata']['resourceVersion']}")
        grace = self._grace(resource, old, grace_seconds)
        if grace is None:
            return self._remove(resource, old), True
        if old["metadata"].get("deletionTimestamp"):
            return copy.deepcopy(old), False
        new = copy.deepcopy(old)
        new["metadata"]["deletionTimestamp"] = timestamp(time.time() + grace)
        if resource.key == "pods":
            new["metadata"]["deletionGracePeriodSeconds"] = grace
        if resource.key == "namespaces":
            new["status"]["phase"] = "Terminating"
        return self._commit_update(resource, old, new, bump_generation=resource.has_generation), False

    def finalize_delete(self, resource: str | ResourceType, namespace: str | None, name: str) -> None:
        """Remove an object whose graceful deletion is over (the kubelet's or a controller's job)."""
        resource = self.resource(resource)
        try:
            old = self._get(resource, namespace if resource.namespaced else None, name)
        except errors.ApiError:
            return
        if not old["metadata"].get("finalizers"):
            self._remove(resource, old)

    # --- internals -------------------------------------------------------------------------------
    @staticmethod
    def _id(resource: ResourceType, namespace: str | None, name: str) -> tuple[str, str]:
        return (namespace or "") if resource.namespaced else "", name

    def _check_namespace(self, resource: ResourceType, namespace: str, name: str) -> None:
        ns = self._objects.get("namespaces", {}).get(("", namespace))
        if ns is None:
            raise errors.not_found("", "namespaces", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise errors.ApiError(403, "Forbidden",
                                  f'{errors.qualified(resource.group, resource.plural)} "{name}" is forbidden: '
                                  f"unable to create new content in namespace {namespace} because it is "
                                  "being terminated",
                                  {"name": name, **({"group": resource.group} if resource.group else {}),
                                   "kind": resource.plural, "causes": [{
                                       "reason": "NamespaceTerminating",
                                       "message": f"namespace {namespace} is being terminated",
                                       "field": "metadata.namespace"}]})

    def _actor(self, resource: ResourceType, manager: str, subresource: str, operation: str) -> managedfields.Manager:
        return managedfields.Manager(manager, operation, resource.api_version, set(), timestamp(),
                                     subresource if subresource == "status" else "")

    def _default(self, resource: ResourceType, obj: dict[str, Any], creating: bool) -> None:
        if resource.key == "services":
            defaults.service(obj, self.allocator, creating)
        elif resource.key in defaults.DEFAULTERS:
            defaults.DEFAULTERS[resource.key](obj, self.rng, creating)

    def _prepare_update(self, resource: ResourceType, old: dict, obj: dict, subresource: str) -> dict:
        new = copy.deepcopy(obj)
        new["apiVersion"], new["kind"] = resource.api_version, resource.kind
        meta = new.setdefault("metadata", {})
        for field in ("uid", "creationTimestamp", "namespace", "name", "generation",
                      "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields"):
            if field in old["metadata"]:
                meta[field] = copy.deepcopy(old["metadata"][field])
            else:
                meta.pop(field, None)
        if subresource == "status":
            kept = copy.deepcopy(old)
            kept["status"] = new.get("status", {})
            if resource.key in ("pods", "nodes"):     # their status strategies keep label/annotation writes
                for field in ("labels", "annotations"):
                    if field in meta:
                        kept["metadata"][field] = meta[field]
                    else:
                        kept["metadata"].pop(field, None)
            new = kept
        elif resource.has_status and "status" in old:
            new["status"] = copy.deepcopy(old["status"])
        elif resource.has_status:
            new.pop("status", None)
        self._default(resource, new, creating=False)
        validation.validate_update(resource, old, new)
        return new

    def _commit_update(self, resource: ResourceType, old: dict, new: dict,
                       bump_generation: bool = True) -> dict[str, Any]:
        if resource.has_generation and bump_generation and _spec_of(resource, old) != _spec_of(resource, new):
            new["metadata"]["generation"] = old["metadata"].get("generation", 1) + 1
        if _same(old, new):
            return copy.deepcopy(old)
        if new["metadata"].get("deletionTimestamp") and not new["metadata"].get("finalizers") \
                and old["metadata"].get("finalizers") and resource.key != "pods":
            return self._remove(resource, new)
        return self._put(resource, new, old)

    def _apply(self, resource: ResourceType, namespace: str | None, name: str, body: dict,
               manager: str, subresource: str, force: bool) -> tuple[dict[str, Any], bool]:
        applier = self._actor(resource, manager, subresource, "Apply")
        try:
            old = self._get(resource, namespace, name)
        except errors.ApiError:
            if subresource:
                raise
            if (body.get("metadata") or {}).get("uid"):
                raise errors.conflict(resource.group, resource.plural, name,
                                      f"uid mismatch: the provided object specified uid "
                                      f"{body['metadata']['uid']}, and no existing object was found") from None
            created = managedfields.apply(None, body, applier, force, resource.custom,
                                          resource.has_status, False)
            return self.create(resource, created, manager=manager, operation="Apply"), True
        wanted_rv = (body.get("metadata") or {}).get("resourceVersion")
        if wanted_rv and wanted_rv != old["metadata"]["resourceVersion"]:
            raise errors.conflict(resource.group, resource.plural, name, errors.STALE_OBJECT)
        merged = managedfields.apply(old, body, applier, force, resource.custom, resource.has_status,
                                     subresource == "status")
        managed = merged["metadata"].get("managedFields")
        new = self._prepare_update(resource, old, merged, subresource)
        if managed:
            new["metadata"]["managedFields"] = managed
        else:
            new["metadata"].pop("managedFields", None)
        return self._commit_update(resource, old, new), False

    @staticmethod
    def _grace(resource: ResourceType, obj: dict, requested: int | None) -> int | None:
        """Seconds of graceful deletion, or None to remove now (registry/rest/delete.go)."""
        if resource.key == "namespaces" or obj["metadata"].get("finalizers"):
            return requested or 0
        if resource.key == "pods" and obj.get("spec", {}).get("nodeName") \
                and obj.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
            grace = obj["spec"].get("terminationGracePeriodSeconds", 30) if requested is None else requested
            return grace if grace > 0 else None
        return None

    def _put(self, resource: ResourceType, obj: dict, old: dict | None) -> dict[str, Any]:
        self._rv += 1
        obj["metadata"]["resourceVersion"] = str(self._rv)
        namespace = obj["metadata"].get("namespace") if resource.namespaced else None
        self._objects.setdefault(resource.key, {})[self._id(resource, namespace, obj["metadata"]["name"])] = obj
        self._emit("ADDED" if old is None else "MODIFIED", resource, obj, old)
        return copy.deepcopy(obj)

    def _remove(self, resource: ResourceType, obj: dict) -> dict[str, Any]:
        namespace = obj["metadata"].get("namespace") if resource.namespaced else None
        self._objects.get(resource.key, {}).pop(self._id(resource, namespace, obj["metadata"]["name"]), None)
        self._rv += 1
        gone = copy.deepcopy(obj)
        gone["metadata"]["resourceVersion"] = str(self._rv)
        self._emit("DELETED", resource, gone, obj)
        if resource.key == CRD_KEY:
            self._drop_custom_objects(obj)
        return copy.deepcopy(gone)

    def _drop_custom_objects(self, crd: dict) -> None:
        """A deleted CRD takes its objects with it (apiextensions customresourcecleanup finalizer)."""
        key = f"{crd['spec']['names']['plural']}.{crd['spec']['group']}"
        doomed = self._objects.pop(key, {})
        types = from_crd(crd)
        for obj in doomed.values():
            self._rv += 1
            obj["metadata"]["resourceVersion"] = str(self._rv)
            if types:
                self._emit("DELETED", types[0], obj, obj)

    def _emit(self, kind: str, resource: ResourceType, obj: dict, old: dict | None) -> None:
        if resource.key == CRD_KEY:
            self._refresh_custom()
        event = Event(kind, resource, copy.deepcopy(obj), old, self._rv)
        self._history.append(event)
        for callback in list(self._subscribers):
            callback(event)


def _spec_of(resource: ResourceType, obj: dict) -> dict:
    """What a generation bump compares: everything but metadata (and status when it is a subresource)."""
    skip = {"metadata", "apiVersion", "kind"} | ({"status"} if resource.has_status or not resource.custom else set())
    return {k: v for k, v in obj.items() if k not in skip}


def _same(old: dict, new: dict) -> bool:
    """A no-op write keeps the resourceVersion (apiserver: GuaranteedUpdate skips identical objects)."""
    def strip(o: dict) -> dict:
        return {**o, "metadata": {k: v for k, v in o["metadata"].items()
                                  if k not in ("resourceVersion", "managedFields")}}
    return strip(old) == strip(new) and _managers_equal(old, new)


def _managers_equal(old: dict, new: dict) -> bool:
    def fields(o: dict) -> list[tuple]:
        return [(e.get("manager"), e.get("operation"), e.get("subresource"), e.get("fieldsV1"))
                for e in o["metadata"].get("managedFields") or []]
    return fields(old) == fields(new)
