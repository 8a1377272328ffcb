"""The node lifecycle controller's not-ready taints (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`).

- TaintNodesByCondition (doNoScheduleTaintingPass): a node whose Ready condition is not True carries
  `node.kubernetes.io/not-ready:NoSchedule`; a Ready node does not.
- Taint-based eviction (processTaintBaseEviction): a NotReady node also gets `node.kubernetes.io/not-ready:NoExecute`
  (with timeAdded), except while every node is NotReady: handleDisruption then enters "master disruption mode"
  and markNodeAsReachable takes the NoExecute taints off (docs/platform.md §9.4). A fresh kind cluster without a CNI
  is in that state: its nodes show the NoSchedule taint only.
Other taints (kubeadm's control-plane taint, a user's) are left as they are.
"""
from __future__ import annotations

from typing import Any

from ..apiserver.store import Event, Store, timestamp
from ..base.errors import ApiError
from ..base.reconcile import Reconciler

Obj = dict[str, Any]
NOT_READY = "node.kubernetes.io/not-ready"


def _ready(node: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


def wanted_taints(node: Obj, others_ready: bool, now: str) -> list[Obj]:
    """The node's taints with the not-ready ones as the controller keeps them."""
    kept = [t for t in (node.get("spec") or {}).get("taints") or [] if t.get("key") != NOT_READY]
    if _ready(node):
        return kept
    current = {t.get("effect"): t for t in (node.get("spec") or {}).get("taints") or [] if t.get("key") == NOT_READY}
    wanted = [current.get("NoSchedule") or {"key": NOT_READY, "effect": "NoSchedule"}]
    if others_ready:
        wanted.append(current.get("NoExecute") or {"key": NOT_READY, "effect": "NoExecute", "timeAdded": now})
    return kept + wanted


class NodeLifecycleController:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = Reconciler("node-lifecycle-controller", self._sync)

    def watches(self) -> set[str]:
        return {"nodes"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        nodes = self.store.list("nodes")[0]
        now = timestamp()
        for node in nodes:
            others_ready = any(_ready(other) for other in nodes if other is not node)
            taints = wanted_taints(node, others_ready, now)
            if taints != ((node.get("spec") or {}).get("taints") or []):
                self._write(node, taints)

    def _write(self, node: Obj, taints: list[Obj]) -> None:
        node.setdefault("spec", {})["taints"] = taints
        if not taints:
            node["spec"].pop("taints")
        try:
            self.store.update("nodes", node, manager="kube-controller-manager")
        except ApiError:
            self.loop.kick()
