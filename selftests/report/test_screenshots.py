"""R13's browser step on its own: a local HTTP server stands in for the pod's port 3000, reached
through LocalForward as a port-forward would, and a real Chromium renders the app's page."""
import contextlib
import http.server
import re
import socket
import threading
import time
import urllib.request

import pytest

import fixtures.report.screenshots as screenshots
from emulator.runtime.react_app import BuiltApp
from fixtures.cluster.kube import Forward
from fixtures.report.screenshots import Browser, LocalForward, NoBrowser, find_browser, page_values

APP = BuiltApp(username="Ivan Petrov", company="ITMO University", hostname="react-app-7c9f8d6b5-x2x4k",
               ip="192.168.0.66", built_at=0.0)


class AppHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        if self.path == APP.bundle_path:
            body, kind = APP.bundle_js(), "application/javascript; charset=UTF-8"
        else:
            body, kind = APP.index_html(), "text/html; charset=UTF-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class FakeKube:
    """kube.port_forward as Kube has it, reaching a local server instead of a pod."""
    request_timeout = 5.0

    def __init__(self, address):
        self.address = address
        self.forwards = 0

    @contextlib.contextmanager
    def port_forward(self, namespace, pod, port):
        self.forwards += 1
        sock = socket.create_connection(self.address, timeout=5)
        try:
            yield Forward(sock, lambda: None)
        finally:
            sock.close()


@pytest.fixture
def app_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), AppHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address
    server.shutdown()
    server.server_close()
    thread.join()


def forward_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("lab4-forward-")]


def test_the_local_forward_relays_http_and_leaves_nothing_running(app_server):
    kube = FakeKube(app_server)
    with LocalForward(kube, "default", "pod-a", 3000) as forward:
        for _ in range(2):  # two connections, two port-forwards
            with urllib.request.urlopen(forward.url, timeout=5) as response:
                assert b"<title>React App</title>" in response.read()
        url = forward.url
    assert kube.forwards == 2 and forward.connections == 2 and forward.errors == []
    assert forward_threads() == []
    with pytest.raises(OSError):
        urllib.request.urlopen(url, timeout=2)


def test_page_values_are_read_from_rendered_lines():
    text = ("Hi there!\nContainer was started by user: Ivan Petrov\nContainer was started by company: ITMO\n"
            "Container name is: pod-a\nContainer was started with IP: 192.168.0.66\n")
    assert page_values(text) == {"user": "Ivan Petrov", "company": "ITMO", "name": "pod-a", "ip": "192.168.0.66"}
    assert page_values("Hi there!")["ip"] == ""


def test_a_missing_browser_path_says_how_to_get_one(tmp_path):
    with pytest.raises(NoBrowser, match="apt-get install chromium.*playwright install chromium"):
        find_browser(str(tmp_path / "no-chromium"))


def test_chromium_renders_the_page_through_the_forward(app_server):
    try:
        executable = find_browser(None)
    except NoBrowser as exc:
        pytest.skip(str(exc))
    started = time.monotonic()
    with Browser(executable, timeout=30) as browser, \
            LocalForward(FakeKube(app_server), "default", "pod-a", 3000) as fwd:
        shot = browser.shoot(fwd.url)
    assert shot.values == {"user": "Ivan Petrov", "company": "ITMO University",
                           "name": "react-app-7c9f8d6b5-x2x4k", "ip": "192.168.0.66"}
    assert shot.png.startswith(b"\x89PNG\r\n\x1a\n") and len(shot.png) > 1000
    assert 0 < browser.seconds <= time.monotonic() - started
    assert forward_threads() == []


def test_a_short_page_bound_does_not_cut_the_browser_start():
    """The suite's waits shrink with --timeout-factor (0.03 makes the api bound 1.8 s); Chromium's own
    start is a local process and keeps its bound. Before LAUNCH_BOUND a loaded CI runner timed out in
    BrowserType.launch under the fault catalogue's factor; here a page bound of 1 ms must still launch."""
    try:
        executable = find_browser(None)
    except NoBrowser as exc:
        pytest.skip(str(exc))
    with Browser(executable, timeout=0.001) as browser:
        assert browser.launch_timeout_ms == screenshots.LAUNCH_BOUND * 1000
    assert browser.seconds > 0


class FlakyKube(FakeKube):
    """Refuses the first `refusals` port-forwards, as the emulator's api-flaky fault does now and then."""

    def __init__(self, address, refusals):
        super().__init__(address)
        self.refusals = refusals

    @contextlib.contextmanager
    def port_forward(self, namespace, pod, port):
        if self.refusals:
            self.refusals -= 1
            raise ConnectionResetError("dropped by the API server")
        with super().port_forward(namespace, pod, port) as forward:
            yield forward


def test_a_port_forward_that_never_opens_is_reported(app_server):
    kube = FlakyKube(app_server, refusals=100)
    with LocalForward(kube, "default", "pod-a", 3000) as forward:
        with pytest.raises(OSError):
            urllib.request.urlopen(forward.url, timeout=10)
    assert forward.errors == ["port-forward to pod-a:3000 failed: dropped by the API server"]
    assert forward_threads() == []


class StalledKube(FakeKube):
    """A port-forward whose stream takes the request and never answers, as under the emulator's
    stream-stall fault (a silent kubelet stream stays open for hours: docs/platform.md §4.5)."""

    @contextlib.contextmanager
    def port_forward(self, namespace, pod, port):
        self.forwards += 1
        ours, theirs = socket.socketpair()
        try:
            yield Forward(ours, lambda: None, f"port-forward stream to pod {namespace}/{pod} port {port}")
        finally:
            ours.close()
            theirs.close()


def test_a_stalled_port_forward_is_named_and_ends_within_its_bounds(monkeypatch):
    """On the main this issue starts from, nothing names the stall: the browser's error is all R13 says."""
    monkeypatch.setattr(screenshots, "QUIET", 0.5)
    kube = StalledKube(None)
    started = time.monotonic()
    with LocalForward(kube, "default", "pod-a", 3000) as forward:
        with pytest.raises(OSError):    # the browser's side gives up (a timeout)
            urllib.request.urlopen(forward.url, timeout=1.5)
    assert time.monotonic() - started < 1.5 + 2 * screenshots.POLL + kube.request_timeout
    assert len(forward.errors) == 1 and re.fullmatch(
        r"the port-forward stream to pod default/pod-a port 3000 sent nothing for \d+ s after the browser's "
        r"request: it stalled", forward.errors[0]), forward.errors
    assert forward_threads() == []


def test_without_any_chromium_the_reason_says_how_to_get_one(monkeypatch, tmp_path):
    monkeypatch.setattr(screenshots, "SYSTEM_CHROMIUM", tmp_path / "no-chromium")
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    with pytest.raises(NoBrowser, match="apt-get install chromium.*python -m playwright install chromium"):
        find_browser(None)
