"""Discovery documents: `/version`, `/api`, `/api/v1`, `/apis`, `/apis/<group>[/<version>]`.

Shapes of `staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go` (APIVersions, APIGroupList,
APIGroup, APIResourceList) as served by `apiserver/pkg/endpoints/discovery`. Only the legacy
(unaggregated) form is served; kubectl and the client fall back to it when the response is plain
JSON. Custom resource groups come from the CRDs in the store (`Store.resource_types`).
"""
from __future__ import annotations

import base64
import hashlib
from typing import Any

from ..base.cluster import KUBERNETES_VERSION
from .resources import BUILTIN_GROUP_ORDER, ResourceType


def version(build_date: str, kubernetes_version: str = KUBERNETES_VERSION) -> dict[str, Any]:
    major, minor, _ = kubernetes_version.lstrip("v").split(".")
    return {"major": major, "minor": minor, "emulationMajor": major, "emulationMinor": minor,
            "minCompatibilityMajor": major, "minCompatibilityMinor": str(int(minor) - 1),
            "gitVersion": kubernetes_version, "gitCommit": "0" * 40, "gitTreeState": "clean",
            "buildDate": build_date, "goVersion": "go1.25.6", "compiler": "gc", "platform": "linux/amd64"}


def api_versions(server_address: str) -> dict[str, Any]:
    return {"kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}]}


def _storage_hash(resource: ResourceType) -> str:
    """Opaque, stable per resource, like discovery's storageVersionHash (8 bytes, base64)."""
    digest = hashlib.sha256(f"{resource.group}/{resource.version}/{resource.kind}".encode()).digest()
    return base64.b64encode(digest[:8]).decode()


def _entries(resource: ResourceType) -> list[dict[str, Any]]:
    main: dict[str, Any] = {"name": resource.plural, "singularName": resource.singular,
                            "namespaced": resource.namespaced, "kind": resource.kind,
                            "verbs": list(resource.verbs)}
    if resource.short_names:
        main["shortNames"] = list(resource.short_names)
    if resource.categories:
        main["categories"] = list(resource.categories)
    main["storageVersionHash"] = _storage_hash(resource)
    entries = [main]
    for sub in resource.subresources:
        entry: dict[str, Any] = {"name": f"{resource.plural}/{sub.name}", "singularName": "",
                                 "namespaced": resource.namespaced}
        if sub.group is not None:
            entry["group"], entry["version"] = sub.group, sub.version
        entry["kind"], entry["verbs"] = sub.kind, list(sub.verbs)
        entries.append(entry)
    return entries


def resource_list(types: list[ResourceType], group: str, version_name: str) -> dict[str, Any] | None:
    chosen = [t for t in types if (t.group, t.version) == (group, version_name)]
    if not chosen:
        return None
    body: dict[str, Any] = {"kind": "APIResourceList",
                            "groupVersion": f"{group}/{version_name}" if group else version_name,
                            "resources": [e for t in sorted(chosen, key=lambda t: t.plural) for e in _entries(t)]}
    if group:
        body["apiVersion"] = "v1"
    return body


def _groups(types: list[ResourceType]) -> list[dict[str, Any]]:
    versions: dict[str, list[str]] = {}
    for resource in types:
        if resource.group and resource.version not in versions.setdefault(resource.group, []):
            versions[resource.group].append(resource.version)
    order = [g for g in BUILTIN_GROUP_ORDER if g in versions] + \
            sorted(g for g in versions if g not in BUILTIN_GROUP_ORDER)
    groups = []
    for name in order:
        listed = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions[name]]
        groups.append({"name": name, "versions": listed, "preferredVersion": listed[0]})
    return groups


def group_list(types: list[ResourceType]) -> dict[str, Any]:
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": _groups(types)}


def group(types: list[ResourceType], name: str) -> dict[str, Any] | None:
    found = next((g for g in _groups(types) if g["name"] == name), None)
    return None if found is None else {"kind": "APIGroup", "apiVersion": "v1", **found}
