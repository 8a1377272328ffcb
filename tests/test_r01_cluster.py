"""R1: minikube started with the Calico CNI and two nodes."""
import pytest

from fixtures.cluster.calico import calico_node_daemonsets
from fixtures.gate.readiness import node_row

pytestmark = pytest.mark.requirement("R1")


def test_cluster_has_two_nodes(nodes, evidence):
    evidence.table("Nodes", [node_row(n) for n in nodes])
    names = ", ".join(n["metadata"]["name"] for n in nodes) or "none"
    assert len(nodes) == 2, (
        f"the cluster has {len(nodes)} node(s) ({names}); the lab needs 2: "
        f"`minikube start -p lab4 --cni=calico --nodes=2`")


def test_calico_is_the_cni(kube, evidence):
    daemonsets = calico_node_daemonsets(kube)
    pools_served = kube.served("crd.projectcalico.org/v1", "IPPool")
    other_cnis = [f"{ds['metadata']['namespace']}/{ds['metadata']['name']}"
                  for ds in kube.list("apps/v1", "DaemonSet")
                  if any(cni in ds["metadata"]["name"] for cni in ("kindnet", "flannel", "cilium", "weave"))]
    evidence.table("CNI", [{"calico-node DaemonSet": ", ".join(
        f"{d['metadata']['namespace']}/{d['metadata']['name']}" for d in daemonsets) or "absent",
        "IPPool API (crd.projectcalico.org/v1)": "served" if pools_served else "absent",
        "other CNI DaemonSets": ", ".join(other_cnis) or "none"}])
    missing = [what for what, present in (("no calico-node DaemonSet", daemonsets),
                                          ("no Calico IPPool API", pools_served)) if not present]
    assert not missing, (
        f"Calico is not the cluster's CNI: {' and '.join(missing)}"
        f"{'; it runs ' + ', '.join(other_cnis) if other_cnis else ''}. "
        f"Start the cluster with `minikube start -p lab4 --cni=calico --nodes=2`")
