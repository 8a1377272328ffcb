"""R7: a Service (any type) whose selector picks exactly the app pods, whose endpoints are their
IPs, and whose target port resolves to the app's 3000."""
import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.waiting import NotYet, wait_until
from fixtures.gate.app_service import resolve_target_port
from fixtures.gate.lab_app import APP_PORT
from fixtures.gate.pod_templates import containers

pytestmark = pytest.mark.requirement("R7")


def test_the_service_selects_exactly_the_app_pods(kube, service, app_pods):
    picked = {p["metadata"]["name"] for p in lab_view.selected_pods(kube, service)}
    app = {p["metadata"]["name"] for p in app_pods if p["metadata"]["namespace"] == service["metadata"]["namespace"]}
    extra, missing = sorted(picked - app), sorted(app - picked)
    assert not extra and not missing, (
        f"Service {service['metadata']['name']} (selector {service['spec'].get('selector')}) "
        + "; ".join(part for part in (f"also selects {', '.join(extra)}" if extra else "",
                                      f"misses {', '.join(missing)}" if missing else "") if part))


def test_the_service_endpoints_are_the_app_pod_ips(kube, service, settings, evidence):
    def endpoints_match():
        pods = [p for p in lab_view.app_pods(kube) if p["metadata"]["namespace"] == service["metadata"]["namespace"]]
        wanted = {lab_view.pod_ip(p) for p in pods if lab_view.pod_ip(p)}
        seen = lab_view.endpoint_ips(kube, service)
        if not wanted or seen != wanted:
            raise NotYet(f"endpoints of {service['metadata']['name']}: {sorted(seen) or 'none'}; "
                         f"app pod IPs: {sorted(wanted) or 'none'}")
        return seen

    try:
        wait_until("the Service's endpoints to be the app pods", endpoints_match, timeout=settings.bound("rollout"),
                   wake=kube.changes("discovery.k8s.io/v1", "EndpointSlice", service["metadata"]["namespace"]))
    finally:
        evidence.table("Endpoints", [{"service": service["metadata"]["name"],
                                      "ready addresses": sorted(lab_view.endpoint_ips(kube, service))}])


def test_the_service_target_port_is_3000(service, app_pods, evidence):
    pod = next(p for p in app_pods if p["metadata"]["namespace"] == service["metadata"]["namespace"])
    rows, reaching = [], []
    for port in service["spec"].get("ports") or []:
        resolved, why = resolve_target_port(port, containers(pod))
        rows.append({"port": port.get("port"), "targetPort": port.get("targetPort", "(= port)"),
                     "reaches": resolved or why})
        if resolved == APP_PORT:
            reaching.append(port)
    evidence.table(f"Ports of Service {service['metadata']['name']}", rows)
    assert reaching, (f"no port of Service {service['metadata']['name']} reaches the app's {APP_PORT}: "
                      + "; ".join(f"{r['port']} -> {r['reaches']}" for r in rows))
