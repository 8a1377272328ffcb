"""The resource catalogue: what discovery serves and how each resource behaves.

Built-in entries copy `kubectl api-resources` / `GET /api/v1`, `/apis/<g>/<v>` of Kubernetes v1.35
(names, shortNames, verbs, categories). Custom resources are derived from the
CustomResourceDefinition objects in the store (`from_crd`), so a group disappears from discovery
when its CRDs are deleted, as on a real apiserver (apiextensions-apiserver discovery controller).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CRUD = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
NO_COLLECTION_DELETE = ("create", "delete", "get", "list", "patch", "update", "watch")
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


def _status(kind: str) -> Subresource:
    return Subresource("status", kind, READ_ONLY_SUB)


def _scale() -> Subresource:
    return Subresource("scale", "Scale", READ_ONLY_SUB, "autoscaling", "v1")


BUILTIN: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "namespaces", "namespace", "Namespace", False,
                 ("create", "delete", "get", "list", "patch", "update", "watch"), ("ns",),
                 subresources=(Subresource("finalize", "Namespace", ("update",)), _status("Namespace")),
                 returns_deleted_object=True),
    ResourceType("", "v1", "nodes", "node", "Node", False, short_names=("no",),
                 subresources=(Subresource("proxy", "NodeProxyOptions",
                                           ("create", "delete", "get", "patch", "update")),
                               _status("Node"))),
    ResourceType("", "v1", "pods", "pod", "Pod", True, short_names=("po",), categories=("all",),
                 subresources=(
                     Subresource("attach", "PodAttachOptions", ("create", "get")),
                     Subresource("binding", "Binding", ("create",)),
                     Subresource("ephemeralcontainers", "Pod", READ_ONLY_SUB),
                     Subresource("eviction", "Eviction", ("create",), "policy", "v1"),
                     Subresource("exec", "PodExecOptions", ("create", "get")),
                     Subresource("log", "Pod", ("get",)),
                     Subresource("portforward", "PodPortForwardOptions", ("create", "get")),
                     Subresource("proxy", "PodProxyOptions", ("create", "delete", "get", "patch", "update")),
                     Subresource("resize", "Pod", READ_ONLY_SUB),
                     _status("Pod")),
                 has_generation=True, returns_deleted_object=True),
    ResourceType("", "v1", "services", "service", "Service", True, short_names=("svc",),
                 categories=("all",), subresources=(
                     Subresource("proxy", "ServiceProxyOptions", ("create", "delete", "get", "patch", "update")),
                     _status("Service")),
                 returns_deleted_object=True),
    ResourceType("", "v1", "endpoints", "endpoints", "Endpoints", True, short_names=("ep",)),
    ResourceType("", "v1", "configmaps", "configmap", "ConfigMap", True, short_names=("cm",)),
    ResourceType("", "v1", "secrets", "secret", "Secret", True),
    ResourceType("", "v1", "events", "event", "Event", True, short_names=("ev",)),
    ResourceType("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", True,
                 short_names=("sa",), subresources=(Subresource("token", "TokenRequest", ("create",),
                                                                "authentication.k8s.io", "v1"),),
                 returns_deleted_object=True),
    ResourceType("apps", "v1", "deployments", "deployment", "Deployment", True,
                 short_names=("deploy",), categories=("all",),
                 subresources=(_scale(), _status("Deployment")), has_generation=True),
    ResourceType("apps", "v1", "replicasets", "replicaset", "ReplicaSet", True,
                 short_names=("rs",), categories=("all",),
                 subresources=(_scale(), _status("ReplicaSet")), has_generation=True),
    ResourceType("apps", "v1", "daemonsets", "daemonset", "DaemonSet", True,
                 short_names=("ds",), categories=("all",),
                 subresources=(_status("DaemonSet"),), has_generation=True),
    ResourceType("apps", "v1", "statefulsets", "statefulset", "StatefulSet", True,
                 short_names=("sts",), categories=("all",),
                 subresources=(_scale(), _status("StatefulSet")), has_generation=True),
    ResourceType("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", True),
    ResourceType("events.k8s.io", "v1", "events", "event", "Event", True, short_names=("ev",)),
    ResourceType("apiextensions.k8s.io", "v1", "customresourcedefinitions",
                 "customresourcedefinition", "CustomResourceDefinition", False,
                 short_names=("crd", "crds"), categories=("api-extensions",),
                 subresources=(_status("CustomResourceDefinition"),), has_generation=True),
    ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", True),
    ResourceType("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget",
                 "PodDisruptionBudget", True, short_names=("pdb",),
                 subresources=(_status("PodDisruptionBudget"),), has_generation=True),
    # Stored, never acted on, as on a minikube without the ingress addon: an Ingress needs a controller.
    # networking.k8s.io's NetworkPolicy is left out: Calico would enforce it, the emulator would not.
    ResourceType("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", False),
    ResourceType("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", True, short_names=("ing",),
                 subresources=(_status("Ingress"),), has_generation=True),
    # Stored for the RBAC that hand-ins ship (calicoctl's ClusterRole and binding); the emulator's API
    # server authorizes every request, so roles change nothing.
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
                 "ClusterRoleBinding", False),
    ResourceType("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", False),
    ResourceType("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", True),
    ResourceType("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", True),
)

# Group order as `GET /apis` lists them on v1.35 (core legacy group is `/api`); networking.k8s.io
# (17200), policy (17100) and rbac.authorization.k8s.io (17000) by the aggregator's group priorities
# (kubernetes pkg/controlplane/apiserver/aggregator.go and the kube-apiserver's own list).
BUILTIN_GROUP_ORDER = ("apps", "events.k8s.io", "networking.k8s.io", "policy", "rbac.authorization.k8s.io",
                       "apiextensions.k8s.io", "coordination.k8s.io", "discovery.k8s.io")


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
