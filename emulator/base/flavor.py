"""Which platform the emulated cluster is, and what follows from it.

- `minikube` (the default): `minikube start -p lab4 --cni=calico --nodes=2`, minikube v1.38.1 with the docker
  driver (docs/platform.md §1.1, §1.5): Kubernetes v1.35.1, nodes `lab4` and `lab4-m02` on 192.168.49.0/24,
  Docker through cri-dockerd, Calico installed and running, API server on port 8443, kubeconfig entries
  named after the profile.
- `kind`: `kind create cluster` with the suite's two-node config, kind v0.31.0 and its default node image
  kindest/node:v1.35.0 (docs/platform.md §9): nodes `<name>-control-plane` and `<name>-worker` on the docker
  network `kind` (172.18.0.0/16), containerd 2.2.0, no CNI until one is applied (the nodes NotReady with the
  containerd CRI's words), API server on 6443, kubeconfig entries `kind-<name>`. Built from the kind config
  by `emulator.seed.kind_config`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .cluster import KUBERNETES_VERSION, POD_SUBNET, PROFILE, SERVICE_SUBNET, NodeSpec, node_specs

MINIKUBE, KIND = "minikube", "kind"
FLAVORS = (MINIKUBE, KIND)

# The NetworkReady=false message each container runtime gives the kubelet before a CNI config exists:
# cri-dockerd's, and containerd v2.2.0's `internal/cri/server/status.go` with go-cni's ErrCNINotInitialized
# (docs/platform.md §9.4).
DOCKER_NETWORK_NOT_READY = "docker: network plugin is not ready: cni config uninitialized"
CONTAINERD_NETWORK_NOT_READY = "Network plugin returns error: cni plugin not initialized"


@dataclass(frozen=True)
class Flavor:
    name: str
    cluster: str                        # minikube profile / kind cluster name
    nodes: tuple[NodeSpec, ...]
    kubernetes_version: str
    pod_subnet: str
    service_subnet: str
    node_network: str                   # the nodes' network, for prefix lengths (calico's IP autodetection)
    api_port: int
    container_runtime: str              # "docker" (cri-dockerd) or "containerd": container ids, image ids
    runtime_version: str                # node.status.nodeInfo.containerRuntimeVersion
    network_not_ready: str              # the runtime's message while the node has no CNI config
    cni_installed: bool                 # a CNI config is on every node from the start
    kubeconfig_name: str                # cluster, context and user entries of the kubeconfig
    preloaded_images: tuple[str, ...] = ()  # in the node image, so never pulled
    cluster_configuration: str = ""     # kubeadm-config's ClusterConfiguration, when the flavour sets it

    @property
    def control_plane(self) -> NodeSpec:
        return next(n for n in self.nodes if n.control_plane)

    @property
    def server_address(self) -> str:
        return f"{self.control_plane.ip}:{self.api_port}"

    def node_network_not_ready(self) -> str:
        """The node's Ready=False message (kubelet updateRuntimeUp, RuntimeCondition.String())."""
        return ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                f"message:{self.network_not_ready}")


def minikube(faults: frozenset[str]) -> Flavor:
    return Flavor(MINIKUBE, PROFILE, tuple(node_specs(faults)), KUBERNETES_VERSION, POD_SUBNET, SERVICE_SUBNET,
                  "192.168.49.0/24", 8443, "docker", "docker://29.2.1", DOCKER_NETWORK_NOT_READY,
                  cni_installed=True, kubeconfig_name=PROFILE)
