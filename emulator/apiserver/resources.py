"""The resource catalogue: what discovery serves and how each resource behaves.

Built-in entries are every resource a default Kubernetes 1.35 API server serves, derived (by
`derive_resources`, into `builtin_resources.json`) from Kubernetes' own OpenAPI and discovery
documents (docs/platform.md §18.1); `SOURCE` names them. A resource served in two versions
(autoscaling v2 and v1 HorizontalPodAutoscalers) is one set of objects. Custom resources are derived from the
CustomResourceDefinition objects in the store (`from_crd`), so a group disappears from discovery
when its CRDs are deleted, as on a real apiserver (apiextensions-apiserver discovery controller).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CRUD = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
READ_ONLY_SUB = ("get", "patch", "update")

# Patch types accepted per resource (apiserver `handlers/patch.go`: custom resources lack strategic).
PATCH_TYPES_BUILTIN = ("application/json-patch+json", "application/merge-patch+json",
                       "application/strategic-merge-patch+json", "application/apply-patch+yaml")
PATCH_TYPES_CUSTOM = ("application/json-patch+json", "application/merge-patch+json",
                      "application/apply-patch+yaml")


@dataclass(frozen=True)
class Subresource:
    name: str
    kind: str
    verbs: tuple[str, ...]
    group: str | None = None     # set when the subresource's kind is in another group (Scale, Eviction)
    version: str | None = None


@dataclass(frozen=True)
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    verbs: tuple[str, ...] = CRUD
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    subresources: tuple[Subresource, ...] = ()
    custom: bool = False
    has_generation: bool = False       # strategies that set metadata.generation
    returns_deleted_object: bool = False   # registry Store.ReturnDeletedObject
    printer_columns: tuple[dict[str, Any], ...] = field(default=(), compare=False)

    @property
    def key(self) -> str:
        """`pods`, `deployments.apps`, `ippools.crd.projectcalico.org`."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def patch_types(self) -> tuple[str, ...]:
        return PATCH_TYPES_CUSTOM if self.custom else PATCH_TYPES_BUILTIN

    def subresource(self, name: str) -> Subresource | None:
        return next((s for s in self.subresources if s.name == name), None)

    @property
    def has_status(self) -> bool:
        return self.subresource("status") is not None


# Registry strategy facts the discovery documents do not carry. Resources whose strategy sets
# metadata.generation (PrepareForCreate/PrepareForUpdate of `pkg/registry/<group>/<resource>/strategy.go`):
HAS_GENERATION = frozenset({
    "pods", "replicationcontrollers", "deployments.apps", "replicasets.apps", "daemonsets.apps",
    "statefulsets.apps", "jobs.batch", "cronjobs.batch", "horizontalpodautoscalers.autoscaling",
    "poddisruptionbudgets.policy", "ingresses.networking.k8s.io", "networkpolicies.networking.k8s.io",
    "validatingadmissionpolicies.admissionregistration.k8s.io", "customresourcedefinitions.apiextensions.k8s.io"})
# Store.ReturnDeletedObject: DELETE answers the object, not a Status (`pkg/registry/core/*/storage`).
RETURNS_DELETED_OBJECT = frozenset({"namespaces", "pods", "services", "serviceaccounts"})
CATALOGUE = Path(__file__).with_name("builtin_resources.json")


def _builtin(row: list[Any]) -> ResourceType:
    group, version, plural, singular, kind, namespaced, verbs, short_names, categories, subresources = row
    key = f"{plural}.{group}" if group else plural
    return ResourceType(group, version, plural, singular, kind, namespaced, tuple(verbs), tuple(short_names),
                        tuple(categories), tuple(Subresource(name, sub_kind, tuple(sub_verbs), sub_group, sub_version)
                                                 for name, sub_kind, sub_group, sub_version, sub_verbs in subresources),
                        has_generation=key in HAS_GENERATION, returns_deleted_object=key in RETURNS_DELETED_OBJECT)


def _load() -> tuple[tuple[ResourceType, ...], tuple[str, ...], dict[str, Any]]:
    """The built-in resources derived from Kubernetes 1.35's API documents (`derive_resources`),
    in `/apis` group order with each group's preferred version first."""
    data = json.loads(CATALOGUE.read_text())
    order = {(group, version): (g, v) for g, (group, versions) in enumerate(data["groups"])
             for v, version in enumerate(versions)}
    types = sorted((_builtin(row) for row in data["resources"]), key=lambda t: (order[(t.group, t.version)], t.plural))
    return tuple(types), tuple(group for group, _ in data["groups"] if group), data["source"]


BUILTIN, BUILTIN_GROUP_ORDER, SOURCE = _load()


def from_crd(crd: dict[str, Any]) -> list[ResourceType]:
    """One ResourceType per served version of a CRD (apiextensions `ValidateCustomResourceDefinition`)."""
    spec = crd.get("spec", {})
    names = spec.get("names", {})
    types = []
    for version in spec.get("versions", []):
        if not version.get("served", True):
            continue
        subresources = []
        if "status" in (version.get("subresources") or {}):
            subresources.append(Subresource("status", names["kind"], READ_ONLY_SUB))
        if "scale" in (version.get("subresources") or {}):
            subresources.append(Subresource("scale", "Scale", READ_ONLY_SUB, "autoscaling", "v1"))
        types.append(ResourceType(
            spec["group"], version["name"], names["plural"],
            names.get("singular") or names["kind"].lower(), names["kind"],
            spec.get("scope") == "Namespaced", CRUD,
            tuple(names.get("shortNames") or ()), tuple(names.get("categories") or ()),
            tuple(subresources), custom=True, has_generation=True,
            printer_columns=tuple(version.get("additionalPrinterColumns") or ())))
    return types


def storage_version(crd: dict[str, Any]) -> str | None:
    return next((v["name"] for v in crd.get("spec", {}).get("versions", []) if v.get("storage")), None)
