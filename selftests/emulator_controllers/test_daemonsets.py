"""The DaemonSet controller keeps one calico-node per node: a deleted one comes back, gets Ready
after calico-node's start-up, and not at all on the second node under calico-node-not-ready."""
from __future__ import annotations

import pytest

from emulator.base.faults import CALICO_NODE_NOT_READY
from selftests.emulator_controllers.lab import ready, wait_for


def _calico_nodes(lab):
    return [p for p in lab.core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items
            if not p.metadata.deletion_timestamp]


def test_a_deleted_calico_node_pod_comes_back_on_its_node(lab):
    lab.wait_for_calico()
    victim = next(p for p in _calico_nodes(lab) if p.spec.node_name == "lab4-m02")
    lab.core.delete_namespaced_pod(victim.metadata.name, "kube-system")
    fresh = wait_for("a new calico-node on lab4-m02", lambda: [
        p for p in _calico_nodes(lab) if p.spec.node_name == "lab4-m02" and p.metadata.name != victim.metadata.name])[0]
    assert fresh.metadata.name.startswith("calico-node-")
    assert fresh.metadata.labels["controller-revision-hash"] == victim.metadata.labels["controller-revision-hash"]
    assert fresh.metadata.owner_references[0].kind == "DaemonSet"
    terms = fresh.spec.affinity.node_affinity.required_during_scheduling_ignored_during_execution.node_selector_terms
    assert terms[0].match_fields[0].values == ["lab4-m02"]
    wait_for("it Ready", lambda: ready(lab.core.read_namespaced_pod(fresh.metadata.name, "kube-system")), timeout=10)
    status = wait_for("DaemonSet 2/2", lambda: (lambda s: s if s.number_ready == 2 else None)(
        lab.apps.read_namespaced_daemon_set("calico-node", "kube-system").status))
    assert status.desired_number_scheduled == status.current_number_scheduled == 2
    assert {e.reason for e in lab.events("kube-system", name="calico-node")} >= {"SuccessfulCreate"}


@pytest.mark.faults(CALICO_NODE_NOT_READY)
def test_under_calico_node_not_ready_the_replacement_stays_unready(lab):
    victim = next(p for p in _calico_nodes(lab) if p.spec.node_name == "lab4-m02")
    lab.core.delete_namespaced_pod(victim.metadata.name, "kube-system")
    fresh = wait_for("a new calico-node on lab4-m02", lambda: [
        p for p in _calico_nodes(lab) if p.spec.node_name == "lab4-m02" and p.metadata.name != victim.metadata.name])[0]
    wait_for("it running", lambda: lab.core.read_namespaced_pod(fresh.metadata.name, "kube-system").status.phase
             == "Running")
    wait_for("calico-node on lab4 Ready",
             lambda: all(ready(p) for p in _calico_nodes(lab) if p.spec.node_name == "lab4"))
    assert not ready(lab.core.read_namespaced_pod(fresh.metadata.name, "kube-system"))


def test_kube_dns_endpoints_follow_coredns_readiness(lab):
    def slices():
        items = lab.cluster.call(lambda: lab.cluster.store.list("endpointslices.discovery.k8s.io", "kube-system")[0])
        return [s for s in items if s["metadata"]["labels"].get("kubernetes.io/service-name") == "kube-dns"]
    [kube_dns] = wait_for("the kube-dns slice", slices)
    coredns = lab.core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-dns").items[0]
    wait_for("CoreDNS Ready", lambda: ready(lab.core.read_namespaced_pod(coredns.metadata.name, "kube-system")))
    [endpoint] = wait_for("a ready endpoint", lambda: [e for s in slices() for e in s["endpoints"]
                                                        if e["conditions"]["ready"]])
    assert endpoint["addresses"] == [coredns.status.pod_ip] and endpoint["targetRef"]["name"] == coredns.metadata.name
    assert {(p["name"], p["port"], p["protocol"]) for p in kube_dns["ports"]} == {
        ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")}
