"""R10: from each app pod, ping a pod on the other node by its DNS name (`kubectl exec` + ping).

The name is the pod's A record `<a-b-c-d>.<namespace>.pod.cluster.local`. CoreDNS serves those with
`pods insecure`, which resolves ANY dashed IP (platform-facts section 3), so the check also proves
that the name resolved to the peer's own address, not just that ping got replies.
"""
import concurrent.futures

import pytest

from fixtures.cluster import lab_view
from fixtures.gate import ping
from fixtures.gate.errors import describe_error
from fixtures.gate.pod_templates import containers, lab_container_index

pytestmark = pytest.mark.requirement("R10")

COUNT = 3
PARALLEL = 20  # pairs pinged at once (20 replicas make 20 pairs: one round of `ping -c 3`)


def pod_fqdn(pod: dict) -> str:
    return f"{lab_view.pod_ip(pod).replace('.', '-')}.{pod['metadata']['namespace']}.pod.cluster.local"


def ping_pair(kube, source: dict, peer: dict, timeout: float) -> tuple[dict, str | None, str]:
    name = pod_fqdn(peer)
    container = containers(source)[lab_container_index(source)]["name"]
    try:
        result = kube.exec(source["metadata"]["namespace"], source["metadata"]["name"],
                           ["sh", "-c", f"ping -c {COUNT} -W 2 {name}"], container=container, timeout=timeout)
    except Exception as exc:  # the exec itself failed (timed out, refused): this pair's finding
        why = describe_error(exc)
        return ({"from": source["metadata"]["name"], "to": peer["metadata"]["name"], "name": name,
                 "resolved": "-", "received": "-", "loss": "-"},
                f"`kubectl exec` into {source['metadata']['name']} failed: {why}", why)
    seen = ping.parse(result.stdout + result.stderr)
    row = {"from": f"{source['metadata']['name']} ({source['spec'].get('nodeName')})",
           "to": f"{peer['metadata']['name']} ({peer['spec'].get('nodeName')})", "name": name,
           "resolved": seen.resolved_ip or "-", "received": f"{seen.received}/{seen.transmitted}",
           "loss": f"{seen.loss_percent:g}%" if seen.loss_percent is not None else "-"}
    peer_ip = lab_view.pod_ip(peer)
    if seen.missing:
        problem = f"the image of {source['metadata']['name']} has no ping ({result.stderr.strip() or result.stdout.strip()})"
    elif seen.unresolved or not seen.resolved_ip:
        problem = f"{name} did not resolve in {source['metadata']['name']} ({(result.stderr or result.stdout).strip()})"
    elif seen.resolved_ip != peer_ip:
        problem = f"{name} resolved to {seen.resolved_ip}, not to the peer's IP {peer_ip}"
    elif not seen.replied or result.exit_code != 0:
        problem = (f"ping from {source['metadata']['name']} on {source['spec'].get('nodeName')} to {name} on "
                   f"{peer['spec'].get('nodeName')}: {seen.received}/{seen.transmitted} replies, "
                   f"{row['loss']} loss (exit code {result.exit_code})")
    else:
        problem = None
    return row, problem, result.transcript


def test_each_pod_pings_a_pod_on_another_node_by_its_dns_name(kube, app_pods, settings, evidence):
    placed = [p for p in app_pods if p["spec"].get("nodeName") and lab_view.pod_ip(p)]
    pairs = []
    for source in placed:
        peer = next((p for p in placed if p["spec"]["nodeName"] != source["spec"]["nodeName"]), None)
        if peer is None:
            pytest.fail(f"no app pod runs on another node than {source['spec']['nodeName']} "
                        f"(all replicas on {source['spec']['nodeName']}), so there is no cross-node ping", pytrace=False)
        pairs.append((source, peer))
    timeout = max(30.0, settings.bound("api"))
    with concurrent.futures.ThreadPoolExecutor(max(1, min(PARALLEL, len(pairs)))) as pool:
        results = list(pool.map(lambda pair: ping_pair(kube, *pair, timeout), pairs))
    evidence.table("Cross-node ping by DNS name", [row for row, _, _ in results])
    evidence.text("Ping output", "\n\n".join(transcript for _, _, transcript in results))
    problems = [problem for _, problem, _ in results if problem]
    assert not problems, "; ".join(problems)
