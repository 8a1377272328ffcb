"""R7: a Service (any type) whose selector picks exactly the app pods, whose endpoints are their
IPs, and whose target port resolves to the app's 3000."""
import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.service_reach import selection_problem, target_ports, wait_for_endpoints
from fixtures.gate.lab_app import APP_PORT

pytestmark = pytest.mark.requirement("R7")


def test_the_service_selects_exactly_the_app_pods(kube, service, app_pods):
    problem = selection_problem(kube, service, app_pods)
    assert not problem, problem


def test_the_service_endpoints_are_the_app_pod_ips(kube, service, settings, evidence):
    try:
        wait_for_endpoints(kube, service, settings.bound("rollout"))
    finally:
        evidence.table("Endpoints", [{"service": service["metadata"]["name"],
                                      "ready addresses": sorted(lab_view.endpoint_ips(kube, service))}])


def test_the_service_target_port_is_3000(service, app_pods, evidence):
    rows, reaching = target_ports(service, app_pods)
    evidence.table(f"Ports of Service {service['metadata']['name']}", rows)
    assert reaching, (f"no port of Service {service['metadata']['name']} reaches the app's {APP_PORT}: "
                      + "; ".join(f"{r['port']} -> {r['reaches']}" for r in rows))
