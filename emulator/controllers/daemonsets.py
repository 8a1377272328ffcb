"""The DaemonSet controller (`pkg/controller/daemon/daemon_controller.go`).

One active pod per node that the pod template may run on (nodeSelector / required node affinity,
taints with NoSchedule or NoExecute tolerated): a missing or deleted one is created again
(generateName `<ds>-`, labels controller-revision-hash and pod-template-generation, a required
node affinity on `metadata.name` that the scheduler honours, the DaemonSet's default
tolerations `util.AddOrUpdateDaemonPodTolerations`); pods on nodes that no longer qualify go.
Events SuccessfulCreate / SuccessfulDelete from daemonset-controller; status from
`workloadstatus.daemonset_status`. The seeded pods (bound at boot) are kept as they are.
"""
from __future__ import annotations

import copy
from typing import Any

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store
from ..base.errors import ApiError
from ..base.reconcile import Reconciler
from . import workloadstatus
from .controller_utils import active, controlled_by, pod_from_template, template_hash
from .scheduler import node_matches, tolerates

Obj = dict[str, Any]
COMPONENT = "daemonset-controller"
DEFAULT_TOLERATIONS = (
    {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
    {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"})
HOST_NETWORK_TOLERATION = {"key": "node.kubernetes.io/network-unavailable", "operator": "Exists",
                           "effect": "NoSchedule"}


def _target_node(pod: Obj) -> str | None:
    """The node a daemon pod is for: where it runs, or what its node affinity pins."""
    if pod["spec"].get("nodeName"):
        return pod["spec"]["nodeName"]
    required = (((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    for term in required.get("nodeSelectorTerms") or []:
        for field in term.get("matchFields") or []:
            if field.get("key") == "metadata.name" and field.get("values"):
                return field["values"][0]
    return None


class DaemonSetController:
    def __init__(self, store: Store, events: EventRecorder) -> None:
        self.store, self.events = store, events
        self.loop = Reconciler(COMPONENT, self._sync)

    def watches(self) -> set[str]:
        return {"daemonsets.apps", "pods", "nodes"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        nodes = self.store.list("nodes")[0]
        for ds in self.store.list("daemonsets.apps")[0]:
            if not ds["metadata"].get("deletionTimestamp"):
                self._sync_one(ds, nodes)

    def _wanted_on(self, ds: Obj, node: Obj) -> bool:
        template = ds["spec"]["template"]
        taints = (node.get("spec") or {}).get("taints") or []
        tolerations = self._tolerations(template["spec"])
        return node_matches(template, node) and all(
            tolerates(tolerations, t) for t in taints if t.get("effect") in ("NoSchedule", "NoExecute"))

    @staticmethod
    def _tolerations(spec: Obj) -> list[Obj]:
        tolerations = list(spec.get("tolerations") or [])
        for default in DEFAULT_TOLERATIONS + ((HOST_NETWORK_TOLERATION,) if spec.get("hostNetwork") else ()):
            if default not in tolerations:
                tolerations.append(dict(default))
        return tolerations

    def _sync_one(self, ds: Obj, nodes: list[Obj]) -> None:
        namespace = ds["metadata"]["namespace"]
        pods = self.store.view("pods", namespace)
        mine = [p for p in pods if controlled_by(p, ds) and active(p)]
        wanted = {n["metadata"]["name"] for n in nodes if self._wanted_on(ds, n)}
        by_node: dict[str, list[Obj]] = {}
        for pod in mine:
            by_node.setdefault(_target_node(pod) or "", []).append(pod)
        for node in sorted(wanted - by_node.keys()):
            self._create(ds, node, mine)
        for node, placed in by_node.items():
            for pod in placed[1:] if node in wanted else placed:
                self._delete(ds, pod)
        pods = self.store.view("pods", namespace)
        status = workloadstatus.daemonset_status(ds, pods, len(wanted))
        if ds.get("status") != status:
            ds["status"] = status
            self.store.update("daemonsets.apps", ds, manager="kube-controller-manager", subresource="status")

    def _create(self, ds: Obj, node: str, siblings: list[Obj]) -> None:
        template = copy.deepcopy(ds["spec"]["template"])
        revision = next((p["metadata"]["labels"]["controller-revision-hash"] for p in siblings
                         if "controller-revision-hash" in (p["metadata"].get("labels") or {})), None) \
            or template_hash(template)
        pod = pod_from_template(template, ds, {"controller-revision-hash": revision,
                                               "pod-template-generation": str(ds["metadata"].get("generation", 1))})
        spec = pod["spec"]
        spec["tolerations"] = self._tolerations(spec)
        node_affinity = spec.setdefault("affinity", {}).setdefault("nodeAffinity", {})
        node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {
            "nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}]}
        try:
            created = self.store.create("pods", pod, manager="kube-controller-manager")
        except ApiError as error:
            self.events.record(ds, "Warning", "FailedCreate", f"Error creating: {error.message}", component=COMPONENT)
            return
        self.events.record(ds, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                           component=COMPONENT)

    def _delete(self, ds: Obj, pod: Obj) -> None:
        try:
            self.store.delete("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError:
            return
        self.events.record(ds, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                           component=COMPONENT)
