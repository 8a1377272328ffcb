"""R13: screenshots of the results: each app pod's page opened in a real browser (headless Chromium)
through a port-forward; the rendered text is read from the DOM and checked, and the PNG goes into
the report."""
import pytest

from fixtures.cluster import lab_view
from fixtures.gate.lab_app import APP_PORT
from fixtures.report.screenshots import Browser, LocalForward, NoBrowser, find_browser

pytestmark = [pytest.mark.requirement("R13"), pytest.mark.order(-1)]  # after the build: see R8


@pytest.fixture
def browser_executable(settings) -> str:
    try:
        return find_browser(settings.browser_path)
    except NoBrowser as exc:
        pytest.skip(f"no browser for the screenshots: {exc}")


def test_each_pod_page_renders_in_a_browser(kube, app_pods, app_pages, expected_values, settings, browser_executable,
                                            evidence):
    for pod in app_pods:  # each pod's in-pod build must be done before the browser looks
        app_pages.page(pod, APP_PORT)
    rows, problems = [], []
    with Browser(browser_executable, timeout=settings.bound("api")) as browser:
        for pod in app_pods:
            name, ip = pod["metadata"]["name"], lab_view.pod_ip(pod)
            with LocalForward(kube, pod["metadata"]["namespace"], name, APP_PORT) as forward:
                shot = browser.shoot(forward.url)
            evidence.png(f"pod {name} in Chromium ({shot.url} → port-forward → {name}:{APP_PORT})", shot.png)
            wanted = {"user": expected_values.get("REACT_APP_USERNAME"),
                      "company": expected_values.get("REACT_APP_COMPANY_NAME"), "name": name, "ip": ip}
            seen = shot.values
            rows.append({"pod": name, **{f"{key} on the page": seen[key] for key in wanted}})
            wrong = [f"{key} {seen[key]!r} (expected {value!r})" for key, value in wanted.items() if seen[key] != value]
            if wrong:
                problems.append(f"the page of pod {name} rendered {', '.join(wrong)}")
    evidence.table("What the browser rendered (read from the DOM)", rows)
    evidence.text("Browser step", f"Chromium {browser_executable}: {len(app_pods)} page(s), "
                                  f"{browser.seconds:.1f} s from start to close")
    assert not problems, "; ".join(problems)
