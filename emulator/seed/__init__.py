"""The objects of a fresh cluster, written into the store at start-up: minikube+Calico, or kind without a CNI
(`emulator.seed.kind`).

`build(store, flavor, faults, timeline, ids, now)` creates them through the store (so they carry uids,
resourceVersions, defaults and managedFields like any other object) and returns the SystemPods
whose readiness `emulator.controllers.lifecycle` advances along the Timeline.
"""
from __future__ import annotations

from ..apiserver.store import Store
from ..base.cluster import Timeline
from ..base.faults import NO_CALICO
from ..base.flavor import KIND, Flavor
from ..base.ids import Ids
from ..controllers.lifecycle import SystemPods
from . import calico, config, kind, nodes, rbac, workloads


def build(store: Store, flavor: Flavor, faults: frozenset[str], timeline: Timeline, ids: Ids,
          now: float) -> SystemPods:
    if flavor.name == KIND:
        return kind.build(store, flavor, faults, timeline, ids, now)
    specs = list(flavor.nodes)
    booted = now - timeline.booted_ago
    with_calico = NO_CALICO not in faults
    config.namespaces(store, booted)
    rbac.policy(store, booted)
    network = calico.Network(specs, ids) if with_calico else calico.HostLocal(specs)
    nodes.create(store, flavor, faults, ids, network, booted)
    config.cluster_config(store, specs, booted, with_calico)
    if with_calico:
        calico.crds(store, booted)
    rbac.apiservices(store, booted)
    system = workloads.create(store, specs, faults, ids, network, booted)
    if with_calico:
        calico.datastore(store, network, ids, booted)
    return system
