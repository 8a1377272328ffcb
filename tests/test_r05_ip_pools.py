"""R5: Calico IP pools assign pod IPs by the nodes' rack labels.

At least two enabled rack pools with valid, non-overlapping CIDRs and selectors that parse; the
default pool gone (or selecting no node); every app pod's IP inside the pool of its node's rack.
"""
import pytest

from fixtures.cluster.lab_view import node_labels, pool_row
from fixtures.cluster.racks import app_pod_placement, catch_all_problems, pool_problems, wait_for_app_pod_ips

pytestmark = pytest.mark.requirement("R5")


def test_there_are_two_valid_rack_pools(pools, provisioned, evidence):
    evidence.table("IP pools", [pool_row(p) for p in pools])
    problems = pool_problems(pools)
    assert not problems, provisioned.explain("; ".join(problems))


def test_the_default_pool_is_gone(pools, provisioned):
    catch_all = catch_all_problems(pools)
    assert not catch_all, provisioned.explain("; ".join(catch_all))


@pytest.mark.requirement("R5", needs=("R4",))
def test_each_app_pod_ip_lies_in_its_rack_pool(kube, pools, provisioned, settings, evidence):
    pods = wait_for_app_pod_ips(kube, settings.bound("rollout"))
    rows, problems = app_pod_placement(pods, pools, node_labels(kube))
    evidence.table("App pods and their pools", rows)
    assert not problems, provisioned.explain("; ".join(problems))
