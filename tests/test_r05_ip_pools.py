"""R5: Calico IP pools assign pod IPs by the nodes' rack labels.

At least two enabled rack pools with valid, non-overlapping CIDRs and selectors that parse; the
default pool gone (or selecting no node); every app pod's IP inside the pool of its node's rack.
"""
import pytest

from fixtures.cluster.lab_view import app_pods, catch_all_pools, node_labels, pod_ip, pool_row, rack_pools
from fixtures.cluster.waiting import NotYet, wait_until
from fixtures.gate.ip_pools import check_pool, check_pool_set, ip_in_pool, is_enabled, pools_selecting
from fixtures.gate.readiness import pod_row

pytestmark = pytest.mark.requirement("R5")


def test_there_are_two_valid_rack_pools(pools, provisioned, evidence):
    evidence.table("IP pools", [pool_row(p) for p in pools])
    racks = rack_pools(pools)
    findings = [f for pool in pools if is_enabled(pool) for f in check_pool(pool)] + check_pool_set(racks)
    problems = [f"{f.object}: {f.message}" if f.object else f.message for f in findings if f.is_error]
    assert not problems, provisioned.explain("; ".join(problems))


def test_the_default_pool_is_gone(pools, provisioned):
    catch_all = catch_all_pools(pools)
    assert not catch_all, provisioned.explain("; ".join(
        f"{p['metadata']['name']} ({p['spec'].get('cidr')}, nodeSelector {p['spec'].get('nodeSelector', 'all()')}) "
        f"is still enabled and selects every node, so pods may keep getting addresses from it: delete it "
        f"(`kubectl delete ippools.crd.projectcalico.org {p['metadata']['name']}`)" for p in catch_all))


@pytest.mark.requirement("R5", needs=("R4",))
def test_each_app_pod_ip_lies_in_its_rack_pool(kube, pools, provisioned, settings, evidence):
    def addressed():
        pods = app_pods(kube)
        if not pods or any(not pod_ip(p) for p in pods):
            raise NotYet(f"app pods with an IP: {sum(1 for p in pods if pod_ip(p))}/{len(pods)}")
        return pods

    pods = wait_until("the app pods to get IPs", addressed, timeout=settings.bound("rollout"),
                      wake=kube.changes("v1", "Pod"))
    labels = node_labels(kube)
    racks = rack_pools(pools)
    rows, problems = [], []
    for pod in pods:
        name, node, ip = pod["metadata"]["name"], pod["spec"].get("nodeName"), pod_ip(pod)
        selecting = pools_selecting(racks, labels.get(node, {}))
        owner = next((p for p in pools if ip_in_pool(ip, p)), None)
        rows.append({**pod_row(pod), "rack pool of node": ", ".join(p["metadata"]["name"] for p in selecting),
                     "pool holding the IP": owner["metadata"]["name"] if owner else "none"})
        if not selecting:
            problems.append(f"pod {name} runs on {node}, which no rack pool selects")
        elif not any(ip_in_pool(ip, p) for p in selecting):
            pool = selecting[0]
            problems.append(f"pod {name} on {node} has {ip}, outside {pool['metadata']['name']} "
                            f"({pool['spec']['cidr']}): it got its address "
                            f"{'from ' + owner['metadata']['name'] if owner else 'elsewhere'}; the pod was created "
                            f"before the pools, or the default pool is still in use: delete the pod")
    evidence.table("App pods and their pools", rows)
    assert not problems, provisioned.explain("; ".join(problems))
