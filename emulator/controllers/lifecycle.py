"""What happens on its own in the emulated cluster after start-up, on the server's event loop.

- Seeded system pods get Ready along the Timeline: calico-node once Felix and BIRD are up, then
  calico-kube-controllers and CoreDNS (which wait for pod networking); the workload controllers
  (`emulator.controllers`) carry that into DaemonSet, ReplicaSet, Deployment status and the
  kube-dns endpoints.
- calico-node-not-ready fault: calico-node on the second node fails its probes for ever; the
  kubelet restarts it every `calico_restart_period` and records Unhealthy/Killing events
  (`pkg/kubelet/prober`, `pkg/kubelet/kuberuntime`).
- A terminating namespace is emptied and removed (namespace controller,
  `pkg/controller/namespace/deletion`); pods themselves are ended by `emulator.kubelet`.
- Garbage collection: objects whose owner was deleted are deleted too (background propagation,
  `pkg/controller/garbagecollector`).
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from ..apiserver.store import Event, Store, timestamp
from ..base.cluster import Milestones, Timeline
from ..base.errors import ApiError
from ..base.faults import CALICO_NODE_NOT_READY, NODE_NOT_READY
from ..base.ids import Ids
from ..kubelet import pod_status

_PROBE_FAILURE = ("calico/node is not ready: BIRD is not ready: BGP not established with {peer}")


@dataclass
class SystemPods:
    """Seeded pods whose readiness the lifecycle advances: (namespace, name) per group."""
    calico_node: dict[str, str] = field(default_factory=dict)     # node -> pod name
    late_ready: list[str] = field(default_factory=list)           # kube-system pods Ready after CNI
    coredns: str = ""


class Lifecycle:
    def __init__(self, store: Store, timeline: Timeline, faults: frozenset[str], system: SystemPods,
                 milestones: Milestones, ids: Ids) -> None:
        self.store, self.timeline, self.faults, self.system = store, timeline, faults, system
        self.milestones, self.ids = milestones, ids
        self._handles: list[asyncio.TimerHandle] = []
        self._event_names: dict[tuple[str, str, str], str] = {}
        self._unsubscribe = lambda: None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._unsubscribe = self.store.subscribe(self._on_event)
        self._later(self.timeline.calico_node_ready, self._calico_nodes_ready)
        self._later(self.timeline.workloads_ready, self._workloads_ready)
        if CALICO_NODE_NOT_READY in self.faults and self._faulty_calico_node():
            self._later(self.timeline.calico_restart_period, self._restart_faulty_calico_node)

    def stop(self) -> None:
        self._unsubscribe()
        for handle in self._handles:
            handle.cancel()

    def _later(self, delay: float, callback: Any, *args: Any) -> None:
        self._handles.append(self._loop.call_later(self.timeline.seconds(delay), callback, *args))

    # --- readiness --------------------------------------------------------------------------------
    def _nodes(self) -> list[str]:
        return [n["metadata"]["name"] for n in self.store.list("nodes")[0]]

    def _faulty_calico_node(self) -> str | None:
        nodes = self._nodes()
        return self.system.calico_node.get(nodes[1]) if len(nodes) > 1 else None

    def _set_ready(self, name: str) -> None:
        try:
            pod = self.store.get("pods", "kube-system", name)
        except ApiError:
            return
        pod_status.set_ready(pod["status"], True, timestamp())
        self.store.update("pods", pod, manager="kubelet", subresource="status")

    def _calico_nodes_ready(self) -> None:
        blocked = {self._faulty_calico_node()} if self.faults & {CALICO_NODE_NOT_READY, NODE_NOT_READY} else set()
        for name in self.system.calico_node.values():
            if name not in blocked:
                self._set_ready(name)
        if self.system.calico_node and not blocked:
            self.milestones.mark("calico-node-ready")

    def _workloads_ready(self) -> None:
        for name in self.system.late_ready:
            self._set_ready(name)
        self.milestones.mark("kube-system-ready")

    # --- calico-node-not-ready --------------------------------------------------------------------
    def _restart_faulty_calico_node(self) -> None:
        name = self._faulty_calico_node()
        try:
            pod = self.store.get("pods", "kube-system", name)
        except ApiError:
            return
        now = timestamp()
        container = pod["status"]["containerStatuses"][0]
        container["lastState"] = {"terminated": {
            "exitCode": 1, "reason": "Error", "startedAt": container["state"].get("running", {}).get("startedAt", now),
            "finishedAt": now, "containerID": container["containerID"]}}
        container["containerID"] = f"docker://{self.ids.hex(64)}"
        container["state"] = {"running": {"startedAt": now}}
        container["restartCount"] += 1
        self.store.update("pods", pod, manager="kubelet", subresource="status")
        peer = self.store.get("nodes", None, self._nodes()[0])["status"]["addresses"][0]["address"]
        self._event(pod, "Unhealthy", "Warning", "Readiness probe failed: " + _PROBE_FAILURE.format(peer=peer))
        self._event(pod, "Unhealthy", "Warning", "Liveness probe failed: " + _PROBE_FAILURE.format(peer=peer))
        self._event(pod, "Killing", "Normal", "Container calico-node failed liveness probe, will be restarted")
        self._later(self.timeline.calico_restart_period, self._restart_faulty_calico_node)

    def _event(self, pod: dict[str, Any], reason: str, kind: str, message: str) -> None:
        """One Event per (pod, reason, message), its count bumped on repeats (client-go EventCorrelator)."""
        key = (pod["metadata"]["name"], reason, message)
        now = timestamp()
        if key in self._event_names:
            try:
                event = self.store.get("events", "kube-system", self._event_names[key])
                event["count"] += 1
                event["lastTimestamp"] = now
                self.store.update("events", event, manager="kubelet")
                return
            except ApiError:
                pass
        name = self._event_names[key] = f"{pod['metadata']['name']}.{time.time_ns():x}"
        self.store.create("events", {
            "metadata": {"name": name, "namespace": "kube-system"},
            "involvedObject": {"kind": "Pod", "namespace": "kube-system", "name": pod["metadata"]["name"],
                               "uid": pod["metadata"]["uid"], "apiVersion": "v1",
                               "resourceVersion": pod["metadata"]["resourceVersion"],
                               "fieldPath": "spec.containers{calico-node}"},
            "reason": reason, "message": message, "type": kind, "count": 1,
            "source": {"component": "kubelet", "host": pod["spec"]["nodeName"]},
            "firstTimestamp": now, "lastTimestamp": now, "eventTime": None,
            "reportingComponent": "kubelet", "reportingInstance": pod["spec"]["nodeName"]},
            manager="kubelet")

    # --- deletion ---------------------------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        meta = event.object["metadata"]
        if event.type == "DELETED":
            self._loop.call_soon(self._collect_dependents, meta["uid"])
        elif meta.get("deletionTimestamp") and not (event.old or {}).get("metadata", {}).get("deletionTimestamp") \
                and event.resource.key == "namespaces":
            self._later(self.timeline.namespace_finalize, self._finalize_namespace, meta["name"])

    def _collect_dependents(self, uid: str) -> None:
        for resource, namespace, name in self.store.dependents(uid):
            try:
                self.store.delete(resource, namespace, name)
            except ApiError:
                pass

    def _finalize_namespace(self, namespace: str) -> None:
        for resource in self.store.resource_types():
            if resource.namespaced:
                for obj in self.store.list(resource, namespace)[0]:
                    self.store.delete(resource, namespace, obj["metadata"]["name"], grace_seconds=0)
        self.store.finalize_delete("namespaces", None, namespace)
