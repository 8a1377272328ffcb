"""Node objects as the platform registers them: minikube's docker driver, or kind's node containers.

Labels: kubelet well-known labels; minikube adds its `applyNodeLabels` (`pkg/minikube/bootstrapper/
kubeadm/kubeadm.go`: minikube.k8s.io/{name,primary,version,commit,updated_at}); kubeadm labels the control
plane; kind adds the config's `labels` (docs/platform.md §9.4). Annotations: kubeadm's cri-socket only on
minikube (kubeadm 1.35 with NodeLocalCRISocket, as kind runs it, no longer writes it). Conditions and messages:
`pkg/kubelet/nodestatus/setters.go`, the NotReady message the container runtime's (`emulator.base.flavor`).
A node registers with kubeadm's taints (kind's control plane keeps `node-role.kubernetes.io/control-plane`);
a NotReady one carries the node lifecycle controller's not-ready taints (`pkg/controller/nodelifecycle`):
NoSchedule, and NoExecute only while another node is Ready. The node-not-ready fault gives minikube's
second node the kubelet's NotReady for a missing CNI.
"""
from __future__ import annotations

import time
from typing import Any, Protocol

from ..apiserver.store import Store, timestamp
from ..base.cluster import MINIKUBE_COMMIT, MINIKUBE_VERSION, PROFILE, NodeSpec
from ..base.faults import NODE_NOT_READY
from ..base.flavor import MINIKUBE, Flavor
from ..base.ids import Ids

OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"     # kicbase and kindest/node alike: debian:bookworm
KERNEL = "6.8.0-106-generic"
NOT_READY_TAINT = "node.kubernetes.io/not-ready"


class Annotates(Protocol):
    def node_annotations(self, node: NodeSpec) -> dict[str, str]: ...


def _condition(kind: str, status: str, reason: str, message: str, at: str, beat: str) -> dict[str, Any]:
    return {"type": kind, "status": status, "lastHeartbeatTime": beat, "lastTransitionTime": at,
            "reason": reason, "message": message}


def _conditions(ready: bool, not_ready_message: str, at: str, beat: str) -> list[dict[str, Any]]:
    conditions = [
        _condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                   "kubelet has sufficient memory available", at, beat),
        _condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", at, beat),
        _condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
                   at, beat)]
    if ready:
        conditions.append(_condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", at, beat))
    else:
        conditions.append(_condition("Ready", "False", "KubeletNotReady", not_ready_message, at, beat))
    return conditions


def _labels(node: NodeSpec, flavor: Flavor, booted: float) -> dict[str, str]:
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux"}
    if flavor.name == MINIKUBE:
        labels.update({
            "minikube.k8s.io/commit": MINIKUBE_COMMIT, "minikube.k8s.io/name": PROFILE,
            "minikube.k8s.io/primary": "true" if node.primary else "false",
            "minikube.k8s.io/updated_at": time.strftime("%Y_%m_%dT%H_%M_%S_0700", time.gmtime(booted)),
            "minikube.k8s.io/version": MINIKUBE_VERSION})
        if node.primary:
            labels["node-role.kubernetes.io/control-plane"] = ""
            labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    labels.update(dict(node.labels))
    return labels


def _taints(node: NodeSpec, ready: bool, others_ready: bool, at: str) -> list[dict[str, str]]:
    taints = [{"key": key, "effect": effect} for key, effect in node.taints]
    if not ready:
        taints.append({"key": NOT_READY_TAINT, "effect": "NoSchedule"})
        if others_ready:
            taints.append({"key": NOT_READY_TAINT, "effect": "NoExecute", "timeAdded": at})
    return taints


def _resources() -> dict[str, str]:
    return {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": "16336788Ki", "pods": "110"}


def node_object(node: NodeSpec, flavor: Flavor, ids: Ids, network: Annotates, booted: float, ready: bool,
                others_ready: bool = True) -> dict[str, Any]:
    joined = booted + 35 * node.index
    at, beat = timestamp(joined + 12), timestamp(time.time() - 5)
    annotations = {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock"} \
        if flavor.name == MINIKUBE else {}
    annotations.update({"node.alpha.kubernetes.io/ttl": "0",
                        "volumes.kubernetes.io/controller-managed-attach-detach": "true"})
    annotations.update(network.node_annotations(node))
    spec: dict[str, Any] = {"podCIDR": node.pod_cidr, "podCIDRs": [node.pod_cidr]}
    if flavor.name != MINIKUBE:      # kubelet --provider-id (kind's kubeadm template)
        spec["providerID"] = f"kind://docker/{flavor.cluster}/{node.name}"
    if taints := _taints(node, ready, others_ready, at):
        spec["taints"] = taints
    return {
        "metadata": {"name": node.name, "labels": _labels(node, flavor, booted), "annotations": annotations},
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": node.ip}, {"type": "Hostname", "address": node.name}],
            "allocatable": _resources(), "capacity": _resources(),
            "conditions": _conditions(ready, flavor.node_network_not_ready(), at, beat),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": ids.uuid(),
                         "containerRuntimeVersion": flavor.runtime_version,
                         "kernelVersion": KERNEL, "kubeProxyVersion": "", "kubeletVersion": flavor.kubernetes_version,
                         "machineID": ids.hex(32), "operatingSystem": "linux", "osImage": OS_IMAGE,
                         "systemUUID": ids.uuid()}}}


def _lease(node: dict[str, Any]) -> dict[str, Any]:
    """The kubelet's heartbeat Lease in kube-node-lease (pkg/kubelet/nodelease), as `describe node` reads it."""
    now = time.time()
    return {"metadata": {"name": node["metadata"]["name"], "namespace": "kube-node-lease", "ownerReferences": [
        {"apiVersion": "v1", "kind": "Node", "name": node["metadata"]["name"], "uid": node["metadata"]["uid"]}]},
        "spec": {"holderIdentity": node["metadata"]["name"], "leaseDurationSeconds": 40,
                 "renewTime": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}Z"}}


def create(store: Store, flavor: Flavor, faults: frozenset[str], ids: Ids, network: Annotates,
           booted: float) -> None:
    readiness = [flavor.cni_installed and not (NODE_NOT_READY in faults and node.index == 1) for node in flavor.nodes]
    for node, ready in zip(flavor.nodes, readiness, strict=True):
        others_ready = any(r for other, r in zip(flavor.nodes, readiness, strict=True) if other is not node)
        created = store.create("nodes", node_object(node, flavor, ids, network, booted, ready, others_ready),
                               manager="kubelet", at=booted + 35 * node.index)
        store.create("leases.coordination.k8s.io", _lease(created), manager="kubelet", at=booted + 35 * node.index)
