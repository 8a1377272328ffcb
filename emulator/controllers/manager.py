"""What makes the emulated cluster live: the control loops, wired to the store's change feed.

kube-controller-manager (Deployment, ReplicaSet, DaemonSet, ReplicationController, Job,
Endpoints/EndpointSlice, ServiceAccount and ClusterRole-aggregation controllers), kube-apiserver's
APIService registration, kube-scheduler, the kubelets with the CNI (Calico IPAM, or kindnet under
`no-calico`), and calico-node's own start-up and tunnel-address logic. Each runs level-triggered
syncs on the server loop (`emulator.base.reconcile`); every store change is offered to the loops that
watch its resource.
"""
from __future__ import annotations

import asyncio
import ipaddress
import random
from typing import Any, Callable, Protocol

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store
from ..base.cluster import Milestones, Timeline
from ..base.faults import NO_CALICO
from ..base.flavor import Flavor
from ..base.ids import Ids
from ..base.reconcile import Reconciler
from ..calico.calico_node import CalicoNode
from ..calico.cni import Calico, HostLocal
from ..calico.ipam import Ipam
from ..kubelet.kubelet import Kubelet, MainProcess
from ..kubelet.logs import LogBook
from .accounts import APIServiceRegistrar, ClusterRoleAggregator, ServiceAccountsController
from .daemonsets import DaemonSetController
from .deployments import DeploymentController
from .endpoints import EndpointsController
from .jobs import JobController
from .nodelifecycle import NodeLifecycleController
from .replicasets import ReplicaSetController
from .replicationcontrollers import ReplicationManager
from .scheduler import Scheduler


class Controller(Protocol):
    loop: Reconciler

    def watches(self) -> set[str]: ...

    def observe(self, event: Event) -> None: ...


class ControllerManager:
    def __init__(self, store: Store, logs: LogBook, app_log: Callable[[dict, str], str], timeline: Timeline,
                 faults: frozenset[str], milestones: Milestones, ids: Ids, rng: random.Random,
                 flavor: Flavor, main_process: MainProcess | None = None) -> None:
        self.store = store
        self.events = EventRecorder(store)
        self.ipam = Ipam(store, faults)
        self.calico_node = CalicoNode(store, self.ipam, timeline, faults, ids,
                                      ipaddress.ip_network(flavor.node_network).prefixlen)
        cni: Any = HostLocal(store) if NO_CALICO in faults else Calico(store, self.ipam)
        self.scheduler = Scheduler(store, self.events, timeline, faults, milestones, rng)
        self.kubelet = Kubelet(store, cni, self.events, logs, app_log, self.calico_node.felix_and_bird_ready,
                               timeline, faults, milestones, ids, flavor, main_process)
        self.controllers: list[Controller] = [
            DeploymentController(store, self.events, milestones), ReplicaSetController(store, self.events),
            DaemonSetController(store, self.events), ReplicationManager(store, self.events),
            JobController(store, self.events), ServiceAccountsController(store), ClusterRoleAggregator(store),
            APIServiceRegistrar(store), self.scheduler, self.kubelet, EndpointsController(store),
            NodeLifecycleController(store), self.calico_node]
        self._unsubscribe: Callable[[], None] = lambda: None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self.kubelet.adopt_running()
        self.calico_node.remember_running()
        self._unsubscribe = self.store.subscribe(self._dispatch)
        for controller in self.controllers:
            controller.loop.start(loop)

    def stop(self) -> None:
        self._unsubscribe()
        for controller in self.controllers:
            controller.loop.stop()

    def _dispatch(self, event: Event) -> None:
        for controller in self.controllers:
            if event.resource.key in controller.watches():
                controller.observe(event)
