"""The shape of the emulated cluster: its nodes, timings and milestones, chosen by the faults.

A fresh `minikube start -p lab4 --cni=calico --nodes=2` (minikube v1.38.1, Kubernetes v1.35.1,
Calico v3.31.3; docs/platform.md §1.1-1.5): nodes `lab4` (control plane, 192.168.49.2,
podCIDR 10.244.0.0/24) and `lab4-m02` (192.168.49.3, 10.244.1.0/24) on the docker driver's first
network 192.168.49.0/24. The objects themselves are built by `emulator.seed`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from .faults import SINGLE_NODE, THREE_NODES

PROFILE = "lab4"
MINIKUBE_VERSION = "v1.38.1"
MINIKUBE_COMMIT = "c93a4cb9311efc66b90d33ea03f75f2c4120e9b0"   # git rev-parse v1.38.1
KUBERNETES_VERSION = "v1.35.1"                # minikube v1.38.1 default (docs/platform.md §1.1)
CALICO_VERSION = "v3.31.3"
POD_SUBNET = "10.244.0.0/16"                  # cni.DefaultPodCIDR, kubeadm podSubnet
SERVICE_SUBNET = "10.96.0.0/12"
NODE_NETWORK_PREFIX = "192.168.49."           # kic defaultFirstSubnetAddr


@dataclass(frozen=True)
class NodeSpec:
    """One node as the platform registers it; `taints` are those it registers with (kubeadm's)."""
    name: str
    index: int
    ip: str
    pod_cidr: str
    control_plane: bool = False
    taints: tuple[tuple[str, str], ...] = ()        # (key, effect)
    labels: tuple[tuple[str, str], ...] = ()        # the platform's own node labels

    @property
    def primary(self) -> bool:
        return self.index == 0


def node_specs(faults: frozenset[str]) -> list[NodeSpec]:
    """minikube's nodes: `lab4`, `lab4-m02`, ... on the docker driver's first network (docs/platform.md §1.5)."""
    count = 1 if SINGLE_NODE in faults else 3 if THREE_NODES in faults else 2
    names = [PROFILE] + [f"{PROFILE}-m{i:02d}" for i in range(2, count + 1)]
    return [NodeSpec(name, i, f"{NODE_NETWORK_PREFIX}{i + 2}", f"10.244.{i}.0/24", control_plane=i == 0)
            for i, name in enumerate(names)]


@dataclass
class Timeline:
    """Every delay of the emulated cluster, in seconds before `scale` is applied.

    The defaults are a quick cluster (a 2-replica rollout of the lab app is Ready in about 1 s
    and listens about 1 s later); `Timeline.realistic()` is a laptop running minikube with the
    docker driver (image pulls and the in-pod React build take tens of seconds).
    """
    scale: float = 1.0
    calico_node_ready: float = 1.5          # calico-node passes -felix-ready -bird-ready
    workloads_ready: float = 2.0            # calico-kube-controllers and CoreDNS Ready
    calico_restart_period: float = 3.0      # calico-node-not-ready: liveness restarts
    pod_termination: float = 0.3            # kubelet kills a deleted pod's containers (capped by its grace)
    namespace_finalize: float = 0.2         # namespace controller empties a terminating namespace
    booted_ago: float = 95.0                # how long ago `minikube start` created the objects
    scheduling: float = 0.02                # kube-scheduler picks a node and binds
    schedule_retry: float = 1.0             # an unschedulable pod is tried again (podInitialBackoff)
    sandbox: float = 0.1                    # the pod sandbox and CNI ADD (Calico IPAM)
    sandbox_retry: float = 1.0              # a failed CNI ADD is retried by the kubelet
    image_pull: float = 0.4                 # pulling an image that is not on the node yet
    container_start: float = 0.1            # docker create + start of one container
    probe_period: float = 0.2               # between two readiness probes
    app_build: float = 1.0                  # the lab app's production build inside the pod
    crash_backoff: float = 0.5              # CrashLoopBackOff, doubled per restart, at most 30x
    pull_refused: float = 0.2               # the registry answers a pull with "not found"
    image_backoff: float = 0.5              # image pull back-off (the real 10 s), doubled per failure, at most 30x
    kubelet_resync: float = 1.0             # the pod worker syncs a pod again after an error
    oom_after: float = 0.4                  # a memory limit under the build's need: OOM-killed (< app_build)
    pool_restore: float = 0.1               # pool-delete-ignored: the default pool comes back
    network_ready: float = 0.2              # a CNI config on the node: containerd reloads, the kubelet sees it

    def seconds(self, delay: float) -> float:
        return delay * self.scale

    @classmethod
    def benchmark(cls, scale: float = 1.0) -> "Timeline":
        """The benchmark's cluster (`python -m bench`): the shape of a real start, in seconds not
        minutes: calico-node Ready 3 s after start, CoreDNS and calico-kube-controllers at 3.5 s; a
        new pod Running about 2.5 s after it is created (sandbox 0.3 s, the lab image pulled in 2 s,
        started in 0.2 s); the app listening 3 s after that (its in-pod build). Ping, DNS and probe
        timings stay real (1 s between pings)."""
        return cls(scale=scale, calico_node_ready=3.0, workloads_ready=3.5, sandbox=0.3, image_pull=2.0,
                   container_start=0.2, probe_period=0.5, app_build=3.0, network_ready=1.0)

    @classmethod
    def realistic(cls, scale: float = 1.0) -> "Timeline":
        """A laptop: calico-node Ready after ~45 s, the lab image (node:14 + sources) pulled in
        ~35 s, its React build ~95 s, the kubelet's real CrashLoopBackOff and image pull back-off
        (10 s doubling to 5 min), its retry of a failed pod sync and its probe period (10 s), the
        default 30 s grace for a process that ignores SIGTERM."""
        return cls(scale=scale, calico_node_ready=45.0, workloads_ready=60.0, calico_restart_period=40.0,
                   pod_termination=30.0, namespace_finalize=5.0, scheduling=0.01, schedule_retry=10.0,
                   sandbox=1.0, sandbox_retry=10.0, image_pull=35.0, container_start=0.7,
                   probe_period=10.0, app_build=95.0, crash_backoff=10.0, image_backoff=10.0, kubelet_resync=10.0,
                   oom_after=25.0, pool_restore=5.0, network_ready=8.0)


# `python -m emulator serve --timeline NAME`: the default quick cluster, the benchmark's, a laptop's.
TIMELINES = {"quick": Timeline, "benchmark": Timeline.benchmark, "realistic": Timeline.realistic}


@dataclass
class Milestones:
    """name -> seconds since the emulator started; later code appends its own."""
    started: float = field(default_factory=time.monotonic)
    reached: dict[str, float] = field(default_factory=dict)

    def mark(self, name: str) -> None:
        self.reached.setdefault(name, round(time.monotonic() - self.started, 3))
