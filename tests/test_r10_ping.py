"""R10: from each app pod, ping a pod on the other node by its DNS name (`kubectl exec` + ping).

The name is the pod's A record `<a-b-c-d>.<namespace>.pod.cluster.local`. CoreDNS serves those with
`pods insecure`, which resolves ANY dashed IP (docs/platform.md §3), so the check also proves
that the name resolved to the peer's own address, not just that ping got replies.
"""
import pytest

from fixtures.cluster.ping_pairs import NoPeer, cross_node_pairs, ping_pairs

pytestmark = pytest.mark.requirement("R10")


def test_each_pod_pings_a_pod_on_another_node_by_its_dns_name(kube, app_pods, settings, evidence):
    try:
        pairs = cross_node_pairs(app_pods)
    except NoPeer as exc:
        pytest.fail(str(exc), pytrace=False)
    results = ping_pairs(kube, pairs, timeout=max(30.0, settings.bound("api")))
    evidence.table("Cross-node ping by DNS name", [row for row, _, _ in results])
    evidence.text("Ping output", "\n\n".join(transcript for _, _, transcript in results))
    problems = [problem for _, problem, _ in results if problem]
    assert not problems, "; ".join(problems)
