"""R8: through a port-forward to the Service, the app's page is served and shows the configured
user and company. The app builds itself inside the pod before it listens, so this waits (--app-timeout)."""
import pytest

from fixtures.gate.lab_app import APP_VARIABLES

# After every check that does not need the app's in-pod build (minutes on a real cluster), so
# that those run while it builds: R8, R9, R13 are the last three, in the lab's order.
pytestmark = [pytest.mark.requirement("R8"), pytest.mark.order(-3)]


def test_the_page_through_the_service_shows_user_and_company(service, service_forward, app_env, expected_values,
                                                              app_pages, evidence):
    pod, port = service_forward
    evidence.table("Port-forward (as kubectl port-forward service/...)", [{
        "service": service["metadata"]["name"], "pod": pod["metadata"]["name"],
        "node": pod["spec"].get("nodeName"), "container port": port}])
    page = app_pages.page(pod, port)
    evidence.table("Page", [{"status": page.status, "title": page.title, "script": page.bundle_path,
                             **{name: ("shown" if page.shows(value) else "missing")
                                for name, value in expected_values.items()}}])
    assert page.status == 200 and page.bundle_path, (
        f"the page of pod {pod['metadata']['name']} is not the lab app's (HTTP {page.status}, title {page.title!r}, "
        f"no /static/js/main.*.js script)")
    missing = {name: value for name, value in expected_values.items() if not page.shows(value)}
    assert not missing, (f"the app's bundle does not show {', '.join(f'{n}={v!r}' for n, v in missing.items())}: "
                         f"the pod was built with other values; restart it after changing them "
                         f"(`kubectl rollout restart deployment`)")
    unset = [name for name in APP_VARIABLES if name not in app_env.variables]
    assert not unset, f"the Deployment does not set {', '.join(unset)} (see R6)"
