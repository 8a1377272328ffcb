"""Three small control loops of a fresh cluster a student can see at work.

- ServiceAccountsController (kubernetes `pkg/controller/serviceaccount/serviceaccounts_controller.go`):
  every namespace that is not terminating has a ServiceAccount `default`; one deleted comes back.
- ClusterRoleAggregator (`pkg/controller/clusterroleaggregation/clusterroleaggregation_controller.go`):
  a ClusterRole with an aggregationRule gets the rules of every ClusterRole its selectors match,
  in name order, each rule once (so `admin`, `edit`, `view` carry real rules).
- APIServiceRegistrar (kube-aggregator `autoregister`, kubernetes `pkg/controlplane/controller/crdregistration`):
  one local APIService `<version>.<group>` per served group/version, built-in or from a CRD,
  Available=True reason Local; one whose group/version is no longer served goes away.
"""
from __future__ import annotations

from typing import Any

from ..apiserver.store import Event, Store, timestamp
from ..base import label_selector
from ..base.errors import ApiError
from ..base.reconcile import Reconciler

Obj = dict[str, Any]
MANAGER = "kube-controller-manager"
AGGREGATOR = "kube-apiserver"
RBAC = "clusterroles.rbac.authorization.k8s.io"
APISERVICES = "apiservices.apiregistration.k8s.io"


class ServiceAccountsController:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = Reconciler("serviceaccount-controller", self._sync)

    def watches(self) -> set[str]:
        return {"namespaces", "serviceaccounts"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        have = {sa["metadata"]["namespace"] for sa in self.store.view("serviceaccounts")
                if sa["metadata"]["name"] == "default"}
        for namespace in self.store.view("namespaces"):
            name = namespace["metadata"]["name"]
            if name in have or namespace["metadata"].get("deletionTimestamp"):
                continue
            try:
                self.store.create("serviceaccounts", {"metadata": {"name": "default", "namespace": name}},
                                  manager=MANAGER)
            except ApiError:   # the namespace went away or is terminating meanwhile
                pass


def aggregated_rules(role: Obj, roles: list[Obj]) -> list[Obj]:
    selectors = (role.get("aggregationRule") or {}).get("clusterRoleSelectors") or []
    rules: list[Obj] = []
    for other in sorted(roles, key=lambda r: r["metadata"]["name"]):
        if other["metadata"]["name"] == role["metadata"]["name"]:
            continue
        if any(label_selector.matches(s, other["metadata"].get("labels")) for s in selectors):
            rules += [r for r in other.get("rules") or [] if r not in rules]
    return rules


class ClusterRoleAggregator:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = Reconciler("clusterrole-aggregation-controller", self._sync)

    def watches(self) -> set[str]:
        return {RBAC}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        roles = self.store.list(RBAC)[0]
        for role in roles:
            if role.get("aggregationRule") is None:
                continue
            rules = aggregated_rules(role, roles)
            if (role.get("rules") or []) != rules:
                self.store.patch(RBAC, None, role["metadata"]["name"], "merge", {"rules": rules},
                                 manager="clusterrole-aggregation-controller")


# groupPriorityMinimum, versionPriority of the built-in group/versions (kubernetes
# cmd/kube-apiserver/app/aggregator.go over pkg/controlplane/apiserver/aggregator.go; docs/platform.md §18.1).
PRIORITIES = {
    ("", "v1"): (18000, 1), ("apps", "v1"): (17800, 15), ("events.k8s.io", "v1"): (17750, 15),
    ("authentication.k8s.io", "v1"): (17700, 15), ("authorization.k8s.io", "v1"): (17600, 15),
    ("autoscaling", "v2"): (17500, 30), ("autoscaling", "v1"): (17500, 15), ("batch", "v1"): (17400, 15),
    ("certificates.k8s.io", "v1"): (17300, 15), ("networking.k8s.io", "v1"): (17200, 15),
    ("policy", "v1"): (17100, 15), ("rbac.authorization.k8s.io", "v1"): (17000, 15),
    ("storage.k8s.io", "v1"): (16800, 15), ("admissionregistration.k8s.io", "v1"): (16700, 15),
    ("apiextensions.k8s.io", "v1"): (16700, 15), ("scheduling.k8s.io", "v1"): (16600, 15),
    ("coordination.k8s.io", "v1"): (16500, 15), ("node.k8s.io", "v1"): (16300, 15),
    ("discovery.k8s.io", "v1"): (16200, 15), ("resource.k8s.io", "v1"): (16200, 15),
    ("flowcontrol.apiserver.k8s.io", "v1"): (16100, 21), ("apiregistration.k8s.io", "v1"): (18000, 1)}
# crdregistration: CRD groups sort low, their versions kube-like among themselves
CRD_PRIORITY = (1000, 100)
AUTOMANAGED = "kube-aggregator.kubernetes.io/automanaged"


def apiservice(group: str, version: str, builtin: bool) -> Obj:
    """autoregister's APIService: `onstart` for what the server registers at start, `true` for CRDs."""
    priority = PRIORITIES.get((group, version), CRD_PRIORITY) if builtin else CRD_PRIORITY
    return {"metadata": {"name": f"{version}.{group}", "labels": {AUTOMANAGED: "onstart" if builtin else "true"}},
            "spec": {"group": group, "version": version, "groupPriorityMinimum": priority[0],
                     "versionPriority": priority[1]}}


class APIServiceRegistrar:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = Reconciler("apiservice-registration", self._sync)

    def watches(self) -> set[str]:
        return {"customresourcedefinitions.apiextensions.k8s.io", APISERVICES}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def served(self) -> dict[tuple[str, str], bool]:
        """Every served group/version, and whether it is built in."""
        wanted: dict[tuple[str, str], bool] = {}
        for resource in self.store.resource_types():
            wanted[(resource.group, resource.version)] = not resource.custom
        return wanted

    def _sync(self) -> None:
        wanted = self.served()
        present = {(a["spec"]["group"], a["spec"]["version"]): a for a in self.store.view(APISERVICES)
                   if not a["spec"].get("service")}
        for (group, version), builtin in wanted.items():
            if (group, version) not in present:
                created = self.store.create(APISERVICES, apiservice(group, version, builtin), manager=AGGREGATOR)
                self.store.patch_status(APISERVICES, None, created["metadata"]["name"], {"conditions": [{
                    "type": "Available", "status": "True", "lastTransitionTime": timestamp(),
                    "reason": "Local", "message": "Local APIServices are always available"}]},
                    manager=AGGREGATOR)
        for key, service in present.items():
            if key not in wanted:
                self.store.delete(APISERVICES, None, service["metadata"]["name"])
