"""The ReplicaSet controller (`pkg/controller/replicaset/replica_set.go`).

Each ReplicaSet keeps `spec.replicas` active pods: missing ones are created from its template
(generateName `<rs>-` + 5 random characters, a controller ownerReference), extra ones deleted in
ActivePods order (unscheduled, pending, not ready, crowded nodes, newest first); orphan pods its
selector matches are adopted. Events SuccessfulCreate "Created pod: X" / SuccessfulDelete
"Deleted pod: X" from replicaset-controller. Status from `workloadstatus.replicaset_status`.
"""
from __future__ import annotations

from typing import Any

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store
from ..base import label_selector
from ..base.errors import ApiError
from ..base.reconcile import Reconciler
from . import workloadstatus
from .controller_utils import active, controlled_by, controller_of, deletion_order, owner_ref, pod_from_template

Obj = dict[str, Any]
COMPONENT = "replicaset-controller"


class ReplicaSetController:
    RESOURCE = "replicasets.apps"
    COMPONENT = COMPONENT

    def __init__(self, store: Store, events: EventRecorder) -> None:
        self.store, self.events = store, events
        self.loop = Reconciler(self.COMPONENT, self._sync)

    def watches(self) -> set[str]:
        return {self.RESOURCE, "pods"}

    @staticmethod
    def selector(owner: Obj) -> Obj | None:
        return owner["spec"].get("selector")

    @staticmethod
    def status_of(owner: Obj, pods: list[Obj]) -> Obj:
        return workloadstatus.replicaset_status(owner, pods)

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        replicasets = self.store.list(self.RESOURCE)[0]
        for rs in replicasets:
            if not rs["metadata"].get("deletionTimestamp"):
                self._sync_one(rs, replicasets)

    def _sync_one(self, rs: Obj, replicasets: list[Obj]) -> None:
        namespace = rs["metadata"]["namespace"]
        self._adopt(rs, self.store.view("pods", namespace))
        pods = self.store.view("pods", namespace)
        mine = [p for p in pods if controlled_by(p, rs) and active(p)]
        wanted = rs["spec"].get("replicas", 1)
        if len(mine) < wanted:
            for _ in range(wanted - len(mine)):
                self._create(rs)
        elif len(mine) > wanted:
            for pod in deletion_order(mine, self._related(rs, replicasets, pods))[:len(mine) - wanted]:
                self._delete(rs, pod)
        pods = self.store.view("pods", namespace)
        status = self.status_of(rs, pods)
        if rs.get("status") != status:
            rs["status"] = status
            self.store.update(self.RESOURCE, rs, manager="kube-controller-manager", subresource="status")

    def _adopt(self, rs: Obj, pods: list[Obj]) -> None:
        for pod in pods:
            if controller_of(pod) is None and active(pod) and \
                    label_selector.matches(self.selector(rs), pod["metadata"].get("labels")):
                refs = (pod["metadata"].get("ownerReferences") or []) + [owner_ref(rs)]
                self.store.patch("pods", pod["metadata"]["namespace"], pod["metadata"]["name"], "merge",
                                 {"metadata": {"ownerReferences": refs}}, manager="kube-controller-manager")

    @staticmethod
    def _related(rs: Obj, replicasets: list[Obj], pods: list[Obj]) -> list[Obj]:
        """Pods of every ReplicaSet under the same Deployment (getPodsRankedByRelatedPodsOnSameNode)."""
        owner = controller_of(rs)
        siblings = [r for r in replicasets if owner and controller_of(r) and controller_of(r)["uid"] == owner["uid"]]
        return [p for p in pods if any(controlled_by(p, r) for r in siblings or [rs])]

    def _create(self, rs: Obj) -> None:
        try:
            pod = self.store.create("pods", pod_from_template(rs["spec"]["template"], rs),
                                    manager="kube-controller-manager")
        except ApiError as error:
            self.events.record(rs, "Warning", "FailedCreate", f"Error creating: {error.message}",
                               component=self.COMPONENT)
            return
        self.events.record(rs, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                           component=self.COMPONENT)

    def _delete(self, rs: Obj, pod: Obj) -> None:
        try:
            self.store.delete("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError:
            return
        self.events.record(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {pod['metadata']['name']}",
                           component=self.COMPONENT)
