"""R4: the nodes are labelled by rack (any key and values), each node selected by exactly one rack pool,
the two nodes in different racks."""
import pytest

from fixtures.cluster.lab_view import node_labels, pool_row, rack_pools
from fixtures.cluster.racks import node_rows, selectors_text
from fixtures.gate.ip_pools import check_node_labels

pytestmark = pytest.mark.requirement("R4")


def test_each_node_is_selected_by_exactly_one_rack_pool(kube, provisioned, pools, nodes, evidence):
    if provisioned.steps:
        evidence.table("Provisioning", provisioned.rows())
    racks = rack_pools(pools)
    evidence.table("IP pools", [pool_row(p) for p in pools])
    evidence.table("Nodes and the rack pools that select them", node_rows(racks, node_labels(kube)))
    shown = selectors_text(pools)
    assert racks, provisioned.explain(f"no enabled IP pool selects nodes by label (pools: {shown or 'none'})")
    # Only the rack pools count here: a default pool still selecting everything is R5's finding.
    problems = [f"{f.object}: {f.message}" for f in check_node_labels(racks, nodes) if f.is_error]
    assert not problems, provisioned.explain("; ".join(problems))
