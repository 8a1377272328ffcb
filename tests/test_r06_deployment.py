"""R6: a Deployment of 2 replicas of the lab image, user and company set, one replica per node."""
import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.waiting import NotYet, wait_until
from fixtures.gate.env_resolution import check_app_variables
from fixtures.gate.lab_app import APP_VARIABLES, LAB_IMAGE, LAB_TAG, REPLICAS, split_image
from fixtures.gate.pod_templates import containers, lab_container_index
from fixtures.gate.readiness import pod_row

pytestmark = pytest.mark.requirement("R6")


def test_the_deployment_rolls_out_the_lab_image(kube, deployment, settings, evidence):
    name = f"{deployment['metadata']['namespace']}/{deployment['metadata']['name']}"
    image = containers(deployment)[lab_container_index(deployment)]["image"]
    assert split_image(image)[1] == LAB_TAG, f"Deployment {name} runs {image}; the lab's image is {LAB_IMAGE}:{LAB_TAG}"
    # Every replica it asks for; whether that is the lab's 2 is the next test's finding.
    wanted = deployment["spec"].get("replicas", 1)

    def rolled_out():
        current = kube.get("apps/v1", "Deployment", deployment["metadata"]["name"], deployment["metadata"]["namespace"])
        if current is None:
            raise NotYet(f"Deployment {name} is gone")
        status = current.get("status") or {}
        pods = [p for p in lab_view.app_pods(kube) if p["metadata"]["namespace"] == deployment["metadata"]["namespace"]]
        ready = status.get("readyReplicas") or 0
        if ready < wanted or (status.get("updatedReplicas") or 0) < wanted or len(pods) != wanted:
            states = ", ".join(f"{r['pod'].split('/')[1]} {r['status']} {r['ready']} ({r['restarts']} restarts)"
                               for r in map(pod_row, pods)) or "no pods"
            raise NotYet(f"{name} ready {ready}/{wanted}: {states}")
        return pods

    try:
        wait_until(f"Deployment {name} to roll out", rolled_out, timeout=settings.bound("rollout"),
                   wake=kube.changes("apps/v1", "Deployment", deployment["metadata"]["namespace"]))
    finally:
        evidence.table("App pods", [pod_row(p) for p in lab_view.app_pods(kube)])


# Not blocking: with another count the Service, the pages and the pings still mean something.
@pytest.mark.requirement("R6", blocking=False)
def test_the_deployment_asks_for_two_replicas(deployment):
    name = f"{deployment['metadata']['namespace']}/{deployment['metadata']['name']}"
    replicas = deployment["spec"].get("replicas", 1)
    assert replicas == REPLICAS, f"Deployment {name} asks for {replicas} replica(s); the lab needs {REPLICAS}"


def test_user_and_company_are_set(deployment, app_env, evidence):
    index = lab_container_index(deployment)
    evidence.table("App variables", [{"variable": name, "value": v.value if (v := app_env.variables.get(name)) else "(unset)",
                                      "from": v.source if v else ""} for name in APP_VARIABLES])
    problems = [f.message for f in check_app_variables(deployment, index, app_env) + app_env.problems if f.is_error]
    assert not problems, "; ".join(problems)


@pytest.mark.requirement("R6", blocking=False)
def test_the_replicas_run_on_different_nodes(kube, deployment, evidence):
    pods = [p for p in lab_view.app_pods(kube) if p["spec"].get("nodeName")]
    evidence.table("App pods", [pod_row(p) for p in pods])
    by_node = {}
    for pod in pods:
        by_node.setdefault(pod["spec"]["nodeName"], []).append(pod["metadata"]["name"])
    crowded = {node: names for node, names in by_node.items() if len(names) > 1}
    assert not crowded, "; ".join(
        f"{'both' if len(names) == 2 else len(names)} replicas run on {node} ({', '.join(names)}): spread them "
        f"(topologySpreadConstraints on kubernetes.io/hostname, or pod anti-affinity)" for node, names in crowded.items())
    assert len(by_node) >= 2, f"the app runs on {len(by_node)} node(s); the lab needs one replica per node"
