"""What kube-apiserver writes at its first start besides the objects of the other seed modules.

- The bootstrap RBAC policy: the ClusterRoles and ClusterRoleBindings of `bootstrap_rbac.json`,
  derived by `derive_rbac` from kubernetes' own golden files of it (docs/platform.md §18.2), the
  aggregated roles (admin, edit, view) with the rules the aggregation controller gives them.
- The APIServices kube-aggregator registers: one per served group/version (docs/platform.md §18.1).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from ..apiserver.store import Store, timestamp
from ..controllers.accounts import APISERVICES, RBAC, aggregated_rules, apiservice

POLICY = Path(__file__).with_name("bootstrap_rbac.json")
BINDINGS = "clusterrolebindings.rbac.authorization.k8s.io"


def aggregated(roles: list[dict]) -> list[dict]:
    """The roles with aggregated rules filled in, to the fixpoint (view feeds edit, edit feeds admin)."""
    roles = copy.deepcopy(roles)
    for _ in roles:
        changed = False
        for role in roles:
            if role.get("aggregationRule") is not None:
                rules = aggregated_rules(role, roles)
                changed |= rules != role["rules"]
                role["rules"] = rules
        if not changed:
            return roles
    return roles


def policy(store: Store, at: float) -> None:
    data = json.loads(POLICY.read_text())
    for role in aggregated(data["clusterRoles"]):
        store.create(RBAC, role, manager="kube-apiserver", at=at)
    for binding in data["clusterRoleBindings"]:
        store.create(BINDINGS, binding, manager="kube-apiserver", at=at)


def apiservices(store: Store, at: float) -> None:
    for resource_type in {(t.group, t.version): t for t in store.resource_types()}.values():
        body = apiservice(resource_type.group, resource_type.version, not resource_type.custom)
        created = store.create(APISERVICES, body, manager="kube-apiserver", at=at)
        store.patch_status(APISERVICES, None, created["metadata"]["name"], {"conditions": [{
            "type": "Available", "status": "True", "lastTransitionTime": timestamp(at),
            "reason": "Local", "message": "Local APIServices are always available"}]}, manager="kube-apiserver")
