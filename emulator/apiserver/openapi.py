"""A minimal OpenAPI v3 discovery: enough for kubectl to learn that every PATCH accepts the
`fieldValidation` query parameter (kubectl `resource/query_param_verifier_v3.go`), so `kubectl apply`
and `create` send `fieldValidation=Strict` instead of downloading schemas to validate client-side.

`/openapi/v3` lists one document per group-version (`kube-openapi/pkg/handler3`); each document
holds the PATCH operation of each resource path with its `x-kubernetes-group-version-kind`.
Schemas are not served: kubectl then computes apply patches without them (JSON merge patches for
client-side apply), and `kubectl explain` does not work. `/openapi/v2` is not served.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from ..base.cluster import KUBERNETES_VERSION
from .resources import ResourceType

_PATCH_PARAMETERS = [{"name": name, "in": "query", "schema": {"type": kind, "uniqueItems": True}}
                     for name, kind in (("dryRun", "string"), ("fieldManager", "string"),
                                        ("fieldValidation", "string"), ("force", "boolean"))]


def _prefix(group: str, version: str) -> str:
    return f"api/{version}" if not group else f"apis/{group}/{version}"


def _item_path(resource: ResourceType) -> str:
    base = "/" + _prefix(resource.group, resource.version)
    scope = "/namespaces/{namespace}" if resource.namespaced else ""
    return f"{base}{scope}/{resource.plural}/{{name}}"


def document(types: list[ResourceType], group: str, version: str) -> dict[str, Any] | None:
    chosen = [t for t in types if (t.group, t.version) == (group, version)]
    if not chosen:
        return None
    paths = {_item_path(t): {"patch": {
        "operationId": f"patch{t.kind}", "parameters": _PATCH_PARAMETERS, "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {"group": t.group, "version": t.version, "kind": t.kind},
        "responses": {"200": {"description": "OK"}}}} for t in chosen}
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION}, "paths": paths,
            "components": {"schemas": {}}}


def root(types: list[ResourceType]) -> dict[str, Any]:
    paths = {}
    for group, version in sorted({(t.group, t.version) for t in types}):
        digest = hashlib.sha512(json.dumps(document(types, group, version), sort_keys=True).encode()).hexdigest()
        url = f"/openapi/v3/{_prefix(group, version)}?hash={digest[:128].upper()}"
        paths[_prefix(group, version)] = {"serverRelativeURL": url}
    return {"paths": paths}
