"""R1: minikube started with the Calico CNI and two nodes."""
import pytest

from fixtures.cluster.calico import calico_cni
from fixtures.gate.readiness import node_row

pytestmark = pytest.mark.requirement("R1")


def test_cluster_has_two_nodes(nodes, evidence):
    evidence.table("Nodes", [node_row(n) for n in nodes])
    names = ", ".join(n["metadata"]["name"] for n in nodes) or "none"
    assert len(nodes) == 2, (
        f"the cluster has {len(nodes)} node(s) ({names}); the lab needs 2: "
        f"`minikube start -p lab4 --cni=calico --nodes=2`")


def test_calico_is_the_cni(kube, evidence):
    cni = calico_cni(kube)
    evidence.table("CNI", [cni.row()])
    assert not cni.missing, (
        f"Calico is not the cluster's CNI: {' and '.join(cni.missing)}"
        f"{'; it runs ' + ', '.join(cni.other_cnis) if cni.other_cnis else ''}. "
        f"Start the cluster with `minikube start -p lab4 --cni=calico --nodes=2`")
