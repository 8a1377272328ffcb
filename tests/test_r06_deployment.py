"""R6: a Deployment of 2 replicas of the lab image, user and company set, one replica per node."""
import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.rollout import crowded_nodes, replicas_by_node, wait_for_rollout
from fixtures.gate.env_resolution import check_app_variables, variable_rows
from fixtures.gate.lab_app import LAB_IMAGE, LAB_TAG, REPLICAS, split_image
from fixtures.gate.pod_templates import containers, lab_container_index
from fixtures.gate.readiness import pod_row

pytestmark = pytest.mark.requirement("R6")


def test_the_deployment_rolls_out_the_lab_image(kube, deployment, settings, evidence):
    name = f"{deployment['metadata']['namespace']}/{deployment['metadata']['name']}"
    image = containers(deployment)[lab_container_index(deployment)]["image"]
    assert split_image(image)[1] == LAB_TAG, f"Deployment {name} runs {image}; the lab's image is {LAB_IMAGE}:{LAB_TAG}"
    try:
        wait_for_rollout(kube, deployment, settings.bound("rollout"))
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
    evidence.table("App variables", variable_rows(app_env))
    problems = [f.message for f in check_app_variables(deployment, index, app_env) + app_env.problems if f.is_error]
    assert not problems, "; ".join(problems)


@pytest.mark.requirement("R6", blocking=False)
def test_the_replicas_run_on_different_nodes(kube, deployment, evidence):
    pods = [p for p in lab_view.app_pods(kube) if p["spec"].get("nodeName")]
    evidence.table("App pods", [pod_row(p) for p in pods])
    by_node = replicas_by_node(pods)
    crowded = crowded_nodes(by_node)
    assert not crowded, "; ".join(crowded)
    assert len(by_node) >= 2, f"the app runs on {len(by_node)} node(s); the lab needs one replica per node"
