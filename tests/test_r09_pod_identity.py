"""R9: "Container name" and "Container IP" on the page: each pod's page shows its own name and IP;
through the Service's port-forward every load shows the same pod, because kubectl resolves the
Service to one pod when the forward starts (that is the answer to the lab's "why")."""
import pytest

from fixtures.cluster import lab_view
from fixtures.cluster.app_page import open_page
from fixtures.cluster.port_forward import service_target
from fixtures.gate.lab_app import APP_PORT

pytestmark = [pytest.mark.requirement("R9"), pytest.mark.order(-2)]   # after the build: see R8

LOADS = 3


def test_each_pod_page_shows_its_own_name_and_ip(app_pods, app_pages, evidence):
    rows, problems = [], []
    app_pages.prefetch(app_pods, APP_PORT)
    for pod in app_pods:
        name, ip = pod["metadata"]["name"], lab_view.pod_ip(pod)
        page = app_pages.page(pod, APP_PORT)
        others = [p["metadata"]["name"] for p in app_pods if p is not pod and page.shows(p["metadata"]["name"])]
        rows.append({"pod": name, "IP": ip, "script": page.bundle_path, "shows its name": page.shows(name),
                     "shows its IP": page.shows(ip), "shows other pods": ", ".join(others)})
        if not (page.shows(name) and page.shows(ip)):
            problems.append(f"the page of pod {name} does not show its own "
                            f"{' and '.join(w for w, ok in (('name', page.shows(name)), (f'IP {ip}', page.shows(ip))) if not ok)}")
        if others:
            problems.append(f"the page of pod {name} shows pod {', '.join(others)}")
    evidence.table("Each pod's page", rows)
    assert not problems, "; ".join(problems)


def test_loads_through_the_service_show_one_pod(kube, service, app_pages, evidence):
    seen = []
    for _ in range(LOADS):  # each load resolves the Service afresh, as a new `kubectl port-forward` does
        pod, port = service_target(kube, service, APP_PORT)
        app_pages.page(pod, port)  # waits for the app's build the first time only
        page = open_page(kube, pod, port)
        shown = [p["metadata"]["name"] for p in lab_view.selected_pods(kube, service) if page.shows(p["metadata"]["name"])]
        seen.append(", ".join(shown) or "no pod")
    evidence.text("Loads through the Service's port-forward",
                  "\n".join(f"load {i + 1}: {s}" for i, s in enumerate(seen)) +
                  "\nkubectl port-forward service/... picks one pod when it starts and forwards to it only, "
                  "so every load shows the same container name and IP.")
    assert len(set(seen)) == 1 and "," not in seen[0] and seen[0] != "no pod", (
        f"loads through Service {service['metadata']['name']} showed {seen}; each load must show one and the same pod")
