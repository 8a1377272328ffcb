"""R2: Calico works: every node Ready, a Ready calico-node on each node, calico-kube-controllers Ready.

calico-node restarts for minutes after `minikube start` (LAB.md mistake 5), so each check waits,
within --calico-timeout, and says what it still waits for.
"""
import pytest

from fixtures.cluster.calico import calico_pods
from fixtures.cluster.waiting import NotYet, wait_until
from fixtures.gate.readiness import node_ready, node_row, pod_ready, pod_row, ready_containers, restarts

pytestmark = pytest.mark.requirement("R2")


def test_every_node_is_ready(kube, settings, evidence):
    def all_ready():
        nodes = kube.list("v1", "Node")
        not_ready = [n["metadata"]["name"] for n in nodes if not node_ready(n)]
        if not_ready or not nodes:
            raise NotYet(f"node {', '.join(not_ready) or '(none)'} is not Ready "
                         f"({len(nodes) - len(not_ready)}/{len(nodes)} Ready)")
        return nodes

    try:
        nodes = wait_until("every node Ready", all_ready, timeout=settings.bound("calico"),
                           wake=kube.changes("v1", "Node"))
    finally:
        evidence.table("Nodes", [node_row(n) for n in kube.list("v1", "Node")])
    assert all(node_ready(n) for n in nodes)


def test_calico_node_is_ready_on_every_node(kube, settings, evidence):
    def ready_on_every_node():
        nodes = sorted(n["metadata"]["name"] for n in kube.list("v1", "Node"))
        pods = {p["spec"].get("nodeName"): p for p in calico_pods(kube, "calico-node")}
        waiting = []
        for node in nodes:
            pod = pods.get(node)
            if pod is None:
                waiting.append(f"no calico-node pod on {node}")
            elif not pod_ready(pod):
                waiting.append(f"calico-node on {node} is not Ready ({ready_containers(pod)}, "
                               f"{restarts(pod)} restarts)")
        if waiting:
            raise NotYet(f"calico-node Ready {len(nodes) - len(waiting)}/{len(nodes)}; {'; '.join(waiting)}")
        return pods

    try:
        wait_until("calico-node Ready on every node", ready_on_every_node, timeout=settings.bound("calico"),
                   wake=kube.changes("v1", "Pod", "kube-system"))
    finally:
        evidence.table("calico-node pods", [pod_row(p) for p in calico_pods(kube, "calico-node")])


def test_calico_kube_controllers_is_ready(kube, settings, evidence):
    def controllers_ready():
        pods = calico_pods(kube, "calico-kube-controllers")
        if not any(pod_ready(p) for p in pods):
            states = ", ".join(f"{p['metadata']['name']} {ready_containers(p)}" for p in pods) or "no pod"
            raise NotYet(f"calico-kube-controllers is not Ready ({states})")
        return pods

    try:
        pods = wait_until("calico-kube-controllers Ready", controllers_ready, timeout=settings.bound("calico"),
                          wake=kube.changes("v1", "Pod", "kube-system"))
    finally:
        evidence.table("calico-kube-controllers",
                       [pod_row(p) for p in calico_pods(kube, "calico-kube-controllers")])
    assert pods
