"""A minimal OpenAPI v3 discovery: enough for kubectl to learn that every PATCH accepts the
`fieldValidation` query parameter (kubectl `resource/query_param_verifier_v3.go`), so `kubectl apply`
and `create` send `fieldValidation=Strict` instead of downloading schemas to validate client-side.

`/openapi/v3` lists one document per group-version (`kube-openapi/pkg/handler3`); each document
holds the PATCH operation of each resource path with its `x-kubernetes-group-version-kind`.
Schemas are not served: kubectl then computes apply patches without them (JSON merge patches for
client-side apply), and `kubectl explain` does not work.

`/openapi/v2` is a Swagger 2.0 document without paths or definitions, in JSON or in the gnostic protobuf
kubectl asks for (kube-openapi `pkg/handler/handler.go`: Accept `application/json`, or
`com.github.proto-openapi.spec.v2@v1.0+protobuf` / `...v2.v1.0+protobuf`, answered with the dotted type;
none of them: 406). kubectl downloads it when the v3 documents do not name a group-version (a kind the
server does not serve, as `projectcalico.org/v3` on minikube) to validate client-side; a kind without a
schema is skipped (kubectl `pkg/validation/schema.go`), so kubectl goes on to its real error, "no matches
for kind ... ensure CRDs are installed first", instead of failing on a 404 here.
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


V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
_V2_SUBTYPES = {"json": "json", "com.github.proto-openapi.spec.v2@v1.0+protobuf": "protobuf",
                "com.github.proto-openapi.spec.v2.v1.0+protobuf": "protobuf"}


def v2_document() -> dict[str, Any]:
    return {"swagger": "2.0", "info": {"title": "Kubernetes", "version": KUBERNETES_VERSION}, "paths": {},
            "definitions": {}}


def _field(number: int, text: str) -> bytes:
    """A length-delimited protobuf field (wire type 2) shorter than 128 bytes."""
    data = text.encode() if isinstance(text, str) else text
    return bytes([number << 3 | 2, len(data)]) + data


def v2_protobuf() -> bytes:
    """gnostic `openapiv2/OpenAPIv2.proto`: Document {swagger = 1, info = 2 {title = 1, version = 2}}."""
    return _field(1, "2.0") + _field(2, _field(1, "Kubernetes") + _field(2, KUBERNETES_VERSION))


def v2_encoding(accept: str) -> str | None:
    """"json" or "protobuf" for the first Accept clause the handler serves; None: 406."""
    for clause in (accept or "*/*").split(","):
        media = clause.split(";", 1)[0].strip().lower()
        kind, _, subtype = media.partition("/")
        if kind not in ("application", "*"):
            continue
        if subtype == "*" or kind == "*":
            return "json"
        if subtype in _V2_SUBTYPES:
            return _V2_SUBTYPES[subtype]
    return None
