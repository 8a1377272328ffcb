"""Node objects as minikube's docker driver registers them.

Labels: kubelet well-known labels plus minikube's `applyNodeLabels` (`pkg/minikube/bootstrapper/
kubeadm/kubeadm.go`: minikube.k8s.io/{name,primary,version,commit,updated_at}); control-plane labels
from kubeadm. Conditions and messages: `pkg/kubelet/nodestatus/setters.go`. The node-not-ready fault
gives the second node the kubelet's NotReady for a missing CNI and the node lifecycle controller's
not-ready taints (`pkg/controller/nodelifecycle`).
"""
from __future__ import annotations

import time
from typing import Any, Protocol

from ..apiserver.store import Store, timestamp
from ..base.cluster import KUBERNETES_VERSION, MINIKUBE_COMMIT, MINIKUBE_VERSION, PROFILE, NodeSpec
from ..base.faults import NODE_NOT_READY
from ..base.ids import Ids

DOCKER_VERSION = "docker://29.2.1"
OS_IMAGE = "Debian GNU/Linux 12 (bookworm)"
KERNEL = "6.8.0-106-generic"


class Annotates(Protocol):
    def node_annotations(self, node: NodeSpec) -> dict[str, str]: ...


def _condition(kind: str, status: str, reason: str, message: str, at: str, beat: str) -> dict[str, Any]:
    return {"type": kind, "status": status, "lastHeartbeatTime": beat, "lastTransitionTime": at,
            "reason": reason, "message": message}


def _conditions(ready: bool, at: str, beat: str) -> list[dict[str, Any]]:
    conditions = [
        _condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                   "kubelet has sufficient memory available", at, beat),
        _condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure", at, beat),
        _condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
                   at, beat)]
    if ready:
        conditions.append(_condition("Ready", "True", "KubeletReady", "kubelet is posting ready status", at, beat))
    else:
        conditions.append(_condition(
            "Ready", "False", "KubeletNotReady",
            "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
            "message:docker: network plugin is not ready: cni config uninitialized", at, beat))
    return conditions


def _labels(node: NodeSpec, booted: float) -> dict[str, str]:
    labels = {"beta.kubernetes.io/arch": "amd64", "beta.kubernetes.io/os": "linux",
              "kubernetes.io/arch": "amd64", "kubernetes.io/hostname": node.name, "kubernetes.io/os": "linux",
              "minikube.k8s.io/commit": MINIKUBE_COMMIT, "minikube.k8s.io/name": PROFILE,
              "minikube.k8s.io/primary": "true" if node.primary else "false",
              "minikube.k8s.io/updated_at": time.strftime("%Y_%m_%dT%H_%M_%S_0700", time.gmtime(booted)),
              "minikube.k8s.io/version": MINIKUBE_VERSION}
    if node.primary:
        labels["node-role.kubernetes.io/control-plane"] = ""
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = ""
    return labels


def _resources() -> dict[str, str]:
    return {"cpu": "8", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0",
            "memory": "16336788Ki", "pods": "110"}


def node_object(node: NodeSpec, ids: Ids, network: Annotates, booted: float, ready: bool) -> dict[str, Any]:
    joined = booted + 35 * node.index
    at, beat = timestamp(joined + 12), timestamp(time.time() - 5)
    annotations = {"kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/cri-dockerd.sock",
                   "node.alpha.kubernetes.io/ttl": "0",
                   "volumes.kubernetes.io/controller-managed-attach-detach": "true"}
    annotations.update(network.node_annotations(node))
    spec: dict[str, Any] = {"podCIDR": node.pod_cidr, "podCIDRs": [node.pod_cidr]}
    if not ready:
        spec["taints"] = [{"key": "node.kubernetes.io/not-ready", "effect": "NoSchedule"},
                          {"key": "node.kubernetes.io/not-ready", "effect": "NoExecute", "timeAdded": at}]
    return {
        "metadata": {"name": node.name, "labels": _labels(node, booted), "annotations": annotations},
        "spec": spec,
        "status": {
            "addresses": [{"type": "InternalIP", "address": node.ip}, {"type": "Hostname", "address": node.name}],
            "allocatable": _resources(), "capacity": _resources(), "conditions": _conditions(ready, at, beat),
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {"architecture": "amd64", "bootID": ids.uuid(), "containerRuntimeVersion": DOCKER_VERSION,
                         "kernelVersion": KERNEL, "kubeProxyVersion": "", "kubeletVersion": KUBERNETES_VERSION,
                         "machineID": ids.hex(32), "operatingSystem": "linux", "osImage": OS_IMAGE,
                         "systemUUID": ids.uuid()}}}


def _lease(node: dict[str, Any]) -> dict[str, Any]:
    """The kubelet's heartbeat Lease in kube-node-lease (pkg/kubelet/nodelease), as `describe node` reads it."""
    now = time.time()
    return {"metadata": {"name": node["metadata"]["name"], "namespace": "kube-node-lease", "ownerReferences": [
        {"apiVersion": "v1", "kind": "Node", "name": node["metadata"]["name"], "uid": node["metadata"]["uid"]}]},
        "spec": {"holderIdentity": node["metadata"]["name"], "leaseDurationSeconds": 40,
                 "renewTime": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1e6):06d}Z"}}


def create(store: Store, specs: list[NodeSpec], faults: frozenset[str], ids: Ids, network: Annotates,
           booted: float) -> None:
    for node in specs:
        ready = not (NODE_NOT_READY in faults and node.index == 1)
        created = store.create("nodes", node_object(node, ids, network, booted, ready), manager="kubelet",
                               at=booted + 35 * node.index)
        store.create("leases.coordination.k8s.io", _lease(created), manager="kubelet", at=booted + 35 * node.index)
