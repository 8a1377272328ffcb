"""R5: Calico IP pools assign pod IPs by the nodes' rack labels.

At least two enabled rack pools with valid, non-overlapping CIDRs and selectors that parse; the
default pool gone (or selecting no node); every app pod's IP inside the pool of its node's rack.
"""
import pytest

from fixtures.cluster.lab_view import app_workloads, node_labels, pool_row
from fixtures.cluster.racks import app_pod_placement, catch_all_problems, pool_problems, wait_for_app_pod_ips
from fixtures.gate.lab_app import LAB_IMAGE

pytestmark = pytest.mark.requirement("R5")


def test_there_are_two_valid_rack_pools(pools, provisioned, evidence):
    evidence.table("IP pools", [pool_row(p) for p in pools])
    problems = pool_problems(pools)
    assert not problems, provisioned.explain("; ".join(problems))


# Not blocking: with the default pool still there, where each app pod's address came from still tells something.
@pytest.mark.requirement("R5", blocking=False)
def test_the_default_pool_is_gone(pools, provisioned):
    catch_all = catch_all_problems(pools)
    kept = f"; provisioning kept it: {provisioned.kept_default_pool}" if provisioned.kept_default_pool else ""
    assert not catch_all, provisioned.explain("; ".join(catch_all) + kept)


# It needs the rack pools (R5's own checks above, and R4) and the app's pods, which only a workload makes.
@pytest.mark.requirement("R5", needs=("R4", "R5"))
def test_each_app_pod_ip_lies_in_its_rack_pool(kube, pools, provisioned, settings, evidence):
    if not app_workloads(kube):
        pytest.skip(f"not checked because no workload runs {LAB_IMAGE}, so no app pod will come (R6 fails for it)")
    pods = wait_for_app_pod_ips(kube, settings.bound("rollout"))
    rows, problems = app_pod_placement(pods, pools, node_labels(kube))
    evidence.table("App pods and their pools", rows)
    assert not problems, provisioned.explain("; ".join(problems))
