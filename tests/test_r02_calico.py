"""R2: Calico works: every node Ready, a Ready calico-node on each node, calico-kube-controllers Ready.

calico-node restarts for minutes after `minikube start` (docs/lab.md mistake 5), so each check waits,
within --calico-timeout, and says what it still waits for.
"""
import pytest

from fixtures.cluster.calico import calico_pods, wait_for_calico_node, wait_for_kube_controllers, wait_for_ready_nodes
from fixtures.gate.readiness import node_ready, node_row, pod_row

pytestmark = pytest.mark.requirement("R2")


def test_every_node_is_ready(kube, settings, evidence):
    try:
        nodes = wait_for_ready_nodes(kube, settings.bound("calico"))
    finally:
        evidence.table("Nodes", [node_row(n) for n in kube.list("v1", "Node")])
    assert all(node_ready(n) for n in nodes)


def test_calico_node_is_ready_on_every_node(kube, settings, evidence):
    try:
        wait_for_calico_node(kube, settings.bound("calico"))
    finally:
        evidence.table("calico-node pods", [pod_row(p) for p in calico_pods(kube, "calico-node")])


def test_calico_kube_controllers_is_ready(kube, settings, evidence):
    try:
        pods = wait_for_kube_controllers(kube, settings.bound("calico"))
    finally:
        evidence.table("calico-kube-controllers",
                       [pod_row(p) for p in calico_pods(kube, "calico-kube-controllers")])
    assert pods
