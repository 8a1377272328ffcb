"""How the Kubernetes schemas merge lists, per field: by key, as a set, or atomically.

Strategic merge uses the Go struct tags `patchStrategy:"merge" patchMergeKey:"..."`
(`staging/src/k8s.io/api/core/v1/types.go`, `apps/v1/types.go`, `meta/v1/types.go`); server-side
apply uses the matching OpenAPI `x-kubernetes-list-type: map|set` markers. Custom resources without
list markers merge every list atomically (apiextensions structural schema default).
A path is the tuple of field names from the object's root, list indices left out.
"""
from __future__ import annotations

_CONTAINER_LISTS = {"containers", "initContainers", "ephemeralContainers"}

_KEYED = {
    "env": "name", "volumes": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
    "imagePullSecrets": "name", "conditions": "type", "ownerReferences": "uid", "taints": "key",
    "hostAliases": "ip", "topologySpreadConstraints": "topologyKey", "podIPs": "ip", "hostIPs": "ip",
    "resourceClaims": "name", "schedulingGates": "name", "readinessGates": "conditionType",
}
_SETS = {"finalizers"}

SET = "set"


def merge_key(path: tuple[str, ...], custom: bool) -> str | None:
    """The field that identifies list items at `path`, SET for a set of scalars, or None (atomic)."""
    if custom or not path:
        return None
    name = path[-1]
    parent = path[-2] if len(path) > 1 else ""
    if name in _CONTAINER_LISTS:
        return "name"
    if name == "ports":
        if parent in _CONTAINER_LISTS:
            return "containerPort"
        if path == ("spec", "ports"):
            return "port"
        return None
    if name == "addresses" and parent == "status":
        return "type"
    if name in _SETS and parent == "metadata":
        return SET
    return _KEYED.get(name)
