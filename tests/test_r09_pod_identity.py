"""R9: "Container name" and "Container IP" on the page: each pod's page shows its own name and IP;
through the Service's port-forward every load shows the same pod, because kubectl resolves the
Service to one pod when the forward starts (that is the answer to the lab's "why")."""
import pytest

from fixtures.cluster.pod_identity import own_identity, pods_shown_by_loads

pytestmark = [pytest.mark.requirement("R9"), pytest.mark.order(-2)]   # after the build: see R8

LOADS = 3


def test_each_pod_page_shows_its_own_name_and_ip(app_pods, app_pages, evidence):
    rows, problems = own_identity(app_pods, app_pages)
    evidence.table("Each pod's page", rows)
    assert not problems, "; ".join(problems)


@pytest.mark.requirement("R9", needs=("R7",))    # the loads go through the Service
def test_loads_through_the_service_show_one_pod(kube, service, app_pages, evidence):
    seen = pods_shown_by_loads(kube, service, app_pages, LOADS)
    evidence.text("Loads through the Service's port-forward",
                  "\n".join(f"load {i + 1}: {s}" for i, s in enumerate(seen)) +
                  "\nkubectl port-forward service/... picks one pod when it starts and forwards to it only, "
                  "so every load shows the same container name and IP.")
    assert len(set(seen)) == 1 and "," not in seen[0] and seen[0] != "no pod", (
        f"loads through Service {service['metadata']['name']} showed {seen}; each load must show one and the same pod")
