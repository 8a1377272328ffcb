"""R13: screenshots of the results: each app pod's page opened in a real browser (headless Chromium)
through a port-forward; the rendered text is read from the DOM and checked, and the PNG goes into
the report."""
import pytest

from fixtures.gate.lab_app import APP_PORT
from fixtures.report.screenshots import Browser, NoBrowser, find_browser, shoot_pods

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
        for shot in shoot_pods(kube, browser, app_pods, expected_values, APP_PORT):
            evidence.png(shot.caption, shot.png)
            rows.append(shot.row)
            if shot.problem:
                problems.append(shot.problem)
    evidence.table("What the browser rendered (read from the DOM)", rows)
    evidence.text("Browser step", f"Chromium {browser_executable}: {len(app_pods)} page(s), "
                                  f"{browser.seconds:.1f} s from start to close")
    assert not problems, "; ".join(problems)
