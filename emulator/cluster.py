"""The shape of the emulated cluster: its nodes, timings and milestones, chosen by the faults.

A fresh `minikube start -p lab4 --cni=calico --nodes=2` (minikube v1.38.1, Kubernetes v1.35.1,
Calico v3.31.3; platform-facts 1.1-1.5): nodes `lab4` (control plane, 192.168.49.2,
podCIDR 10.244.0.0/24) and `lab4-m02` (192.168.49.3, 10.244.1.0/24) on the docker driver's first
network 192.168.49.0/24. The objects themselves are built by `emulator.seed`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

PROFILE = "lab4"
MINIKUBE_VERSION = "v1.38.1"
MINIKUBE_COMMIT = "c93a4cb9311efc66b90d33ea03f75f2c4120e9b0"   # git rev-parse v1.38.1
CALICO_VERSION = "v3.31.3"
POD_SUBNET = "10.244.0.0/16"                  # cni.DefaultPodCIDR, kubeadm podSubnet
SERVICE_SUBNET = "10.96.0.0/12"
NODE_NETWORK_PREFIX = "192.168.49."           # kic defaultFirstSubnetAddr


@dataclass(frozen=True)
class NodeSpec:
    name: str
    index: int

    @property
    def ip(self) -> str:
        return f"{NODE_NETWORK_PREFIX}{self.index + 2}"

    @property
    def pod_cidr(self) -> str:
        return f"10.244.{self.index}.0/24"

    @property
    def primary(self) -> bool:
        return self.index == 0


def node_specs(faults: frozenset[str]) -> list[NodeSpec]:
    count = 1 if "single-node" in faults else 3 if "three-nodes" in faults else 2
    names = [PROFILE] + [f"{PROFILE}-m{i:02d}" for i in range(2, count + 1)]
    return [NodeSpec(name, i) for i, name in enumerate(names)]


@dataclass
class Timeline:
    """Every delay of the emulated cluster, in seconds before `scale` is applied."""
    scale: float = 1.0
    calico_node_ready: float = 1.5          # calico-node passes -felix-ready -bird-ready
    workloads_ready: float = 2.0            # calico-kube-controllers and CoreDNS Ready
    calico_restart_period: float = 3.0      # calico-node-not-ready: liveness restarts
    pod_termination: float = 0.3            # kubelet kills a deleted pod's containers
    namespace_finalize: float = 0.2         # namespace controller empties a terminating namespace
    booted_ago: float = 95.0                # how long ago `minikube start` created the objects

    def seconds(self, delay: float) -> float:
        return delay * self.scale


@dataclass
class Milestones:
    """name -> seconds since the emulator started; later code appends its own."""
    started: float = field(default_factory=time.monotonic)
    reached: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.reached.setdefault(name, round(time.monotonic() - self.started, 3))
