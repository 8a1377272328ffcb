"""Fixtures of the live checks: fresh views of the cluster and of the lab's objects on it."""
from __future__ import annotations

import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.app_page import PageWaits
from fixtures.cluster.port_forward import NoTarget, service_target
from fixtures.gate.env_resolution import EnvResolution, expected_page_values, resolve_env
from fixtures.gate.lab_app import APP_PORT, LAB_IMAGE, LAB_TAG
from fixtures.gate.pod_templates import lab_container_index


@pytest.fixture(scope="session")
def app_pages(kube, settings) -> PageWaits:
    """The app's pages, waited for once per pod for the whole run (--app-timeout)."""
    return PageWaits(kube, settings.bound("app"))


@pytest.fixture
def nodes(kube) -> list[dict]:
    return sorted(kube.list("v1", "Node"), key=lambda n: n["metadata"]["name"])


@pytest.fixture
def pools(kube) -> list[dict]:
    return lab_view.ip_pools(kube)


@pytest.fixture
def deployment(kube, provisioned) -> dict:
    """The one Deployment that runs the lab image, in whatever namespace."""
    deployments = lab_view.app_deployments(kube)
    if not deployments:
        others = lab_view.other_app_workloads(kube)
        pytest.fail(provisioned.explain(
            f"the lab image runs in {', '.join(others)}: the lab asks for a Deployment" if others else
            f"no Deployment runs {LAB_IMAGE}:{LAB_TAG} in any namespace"), pytrace=False)
    if len(deployments) > 1:
        pytest.fail(f"{len(deployments)} Deployments run the lab image "
                    f"({', '.join(d['metadata']['name'] for d in deployments)}); keep one", pytrace=False)
    return deployments[0]


@pytest.fixture
def app_pods(kube, provisioned) -> list[dict]:
    pods = lab_view.app_pods(kube)
    if not pods:
        pytest.fail(provisioned.explain(f"no pod runs {LAB_IMAGE}"), pytrace=False)
    return pods


@pytest.fixture
def service(kube, app_pods, evidence) -> dict:
    """The Service in front of the app: the first whose selector picks an app pod."""
    beside = lab_view.services_beside(kube, app_pods)
    services = lab_view.app_services(beside, app_pods)
    evidence.table("Services beside the app", [lab_view.service_row(s) for s in beside])
    if not services:
        labels = app_pods[0]["metadata"].get("labels") or {}
        shown = "; ".join(f"{s['metadata']['name']} selects {s['spec'].get('selector') or 'nothing'}"
                          for s in beside) or "there is no Service"
        pytest.fail(f"no Service selects the app pods (they carry {labels}): {shown}", pytrace=False)
    return services[0]


@pytest.fixture
def app_env(kube, deployment) -> EnvResolution:
    """The lab container's variables as the kubelet builds them from the live ConfigMaps and Secrets
    (a value read from a Secret stays hidden: env_resolution.HIDDEN)."""
    namespace = deployment["metadata"]["namespace"]
    return resolve_env(deployment, lab_container_index(deployment), kube.list("v1", "ConfigMap", namespace),
                       kube.list("v1", "Secret", namespace))


@pytest.fixture
def expected_values(app_env) -> dict[str, str]:
    """REACT_APP_USERNAME and REACT_APP_COMPANY_NAME as the page must show them; a value from a Secret
    is not compared (the suite never shows one)."""
    return expected_page_values(app_env)


@pytest.fixture
def service_forward(kube, service) -> tuple[dict, int]:
    """What `kubectl port-forward service/NAME` would connect to: (pod, its container port for 3000)."""
    try:
        return service_target(kube, service, APP_PORT)
    except NoTarget as exc:
        pytest.fail(str(exc), pytrace=False)
