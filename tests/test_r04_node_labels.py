"""R4: the nodes are labelled by rack (any key and values), each node selected by exactly one rack pool."""
import pytest

from fixtures.lab_view import node_labels, pool_row, pools_selecting, rack_pools

pytestmark = pytest.mark.requirement("R4")

SYSTEM_LABELS = ("kubernetes.io", "k8s.io", "minikube.k8s.io")


def student_labels(labels: dict) -> dict:
    return {k: v for k, v in labels.items() if not any(s in k for s in SYSTEM_LABELS)}


def test_each_node_is_selected_by_exactly_one_rack_pool(kube, lab, pools, evidence):
    if lab.steps:
        evidence.table("Provisioning", lab.rows())
    racks = rack_pools(pools)
    labels = node_labels(kube)
    evidence.table("IP pools", [pool_row(p) for p in pools])
    evidence.table("Nodes and the rack pools that select them", [
        {"node": node, "labels": student_labels(lbl),
         "rack pools": ", ".join(p["metadata"]["name"] for p in pools_selecting(racks, lbl)) or "none"}
        for node, lbl in sorted(labels.items())])
    shown = ", ".join(f"{p['metadata']['name']} {p['spec'].get('nodeSelector', 'all()')}" for p in pools)
    assert racks, lab.explain(f"no enabled IP pool selects nodes by label (pools: {shown or 'none'})")
    wanted = "; ".join(f"{p['metadata']['name']} wants {p['spec']['nodeSelector']}" for p in racks)
    problems = []
    for node, lbl in sorted(labels.items()):
        selecting = pools_selecting(racks, lbl)
        if not selecting:
            shown = ", ".join(f"{k}={v}" for k, v in student_labels(lbl).items()) or "no rack label"
            problems.append(f"no rack pool selects node {node} (it carries {shown}; {wanted})")
        elif len(selecting) > 1:
            problems.append(f"node {node} is selected by {len(selecting)} rack pools "
                            f"({', '.join(p['metadata']['name'] for p in selecting)}); it must be exactly one")
    assert not problems, lab.explain("; ".join(problems))


def test_the_nodes_are_in_different_racks(kube, lab, pools):
    racks = rack_pools(pools)
    chosen = {node: tuple(p["metadata"]["name"] for p in pools_selecting(racks, lbl))
              for node, lbl in node_labels(kube).items()}
    by_pool = {}
    for node, names in chosen.items():
        by_pool.setdefault(names, []).append(node)
    shared = {names: nodes for names, nodes in by_pool.items() if len(nodes) > 1}
    assert not shared, "; ".join(
        f"nodes {', '.join(sorted(nodes))} are all in the rack of {', '.join(names) or 'no pool'}: "
        f"label them with different values" for names, nodes in shared.items())
