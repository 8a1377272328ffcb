"""The real `kubectl port-forward` (1.31+: SPDY/3.1 in a websocket tunnel; with
KUBECTL_PORT_FORWARD_WEBSOCKETS=false a raw SPDY upgrade) against the runtime, as a student runs it
(docs/platform.md §12.1). Before emulator/runtime/spdy_portforward.py every one of these failed with
"error upgrading connection: ... SPDY (kubectl port-forward) is not supported".

What kubectl prints comes from client-go `tools/portforward/portforward.go` ("Forwarding from",
"Handling connection for", "an error occurred forwarding L -> R: <the error stream>", then
ErrLostConnectionToPod "lost connection to pod"); the error stream's text is the kubelet's
(`pkg/kubelet/cri/streaming/portforward/httpstream.go` "error forwarding port %d to pod %s, uid %v: %v")
around cri-dockerd's socat failure (emulator/runtime/pod_runtime.py `_refusal`)."""
from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from emulator import EmulatedCluster, Timeline
from emulator.base.faults import PORTFORWARD_REFUSED, STREAM_STALL

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on this machine")
MANIFESTS = Path(__file__).resolve().parents[2] / "manifests"
FORWARDING = re.compile(r"Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)")


class Forward:
    """A running `kubectl port-forward`: its local port and, once ended, its exit code and output."""

    def __init__(self, process: subprocess.Popen, port: int, seen: list[str]):
        self.process, self.port, self.seen = process, port, seen
        self.returncode: int | None = None
        self.output = ""

    def get(self, path: str = "/", timeout: float = 10) -> tuple[int, str]:
        """One HTTP GET over its own local connection (kubectl opens one stream pair per connection)."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request("GET", path, headers={"Connection": "close"})
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def wait(self, timeout: float) -> int:
        try:
            rest, _ = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            rest, _ = self.process.communicate()
            pytest.fail(f"kubectl port-forward still running {timeout} s later; it printed:\n"
                        + "".join(self.seen) + rest)
        self.output, self.returncode = "".join(self.seen) + rest, self.process.returncode
        return self.returncode

    def interrupt(self, timeout: float = 10) -> int:
        """Ctrl-C, as a student ends it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait(timeout)


@contextmanager
def port_forward(kubeconfig: Path, target: str, remote: int, *, websockets: bool = True,
                 ready_within: float = 30) -> Iterator[Forward]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "HOME": str(kubeconfig.parent),
           "KUBECTL_PORT_FORWARD_WEBSOCKETS": "true" if websockets else "false"}
    process = subprocess.Popen([KUBECTL, "port-forward", target, f"0:{remote}"], env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seen: list[str] = []
    deadline = time.monotonic() + ready_within
    port = None
    # kubectl prints "Forwarding from 127.0.0.1:<port>" once it listens; a failure ends it instead
    while port is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if match := FORWARDING.search(line):
            port = int(match.group(1))
    if port is None:
        process.kill()
        rest, _ = process.communicate()
        pytest.fail("kubectl port-forward did not start forwarding; it printed:\n" + "".join(seen) + rest)
    forward = Forward(process, port, seen)
    try:
        yield forward
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def assert_page(status: int, body: str) -> None:
    assert status == 200, body[:300]
    assert "<title>React App</title>" in body


# ---------------------------------------------------------------- a pod of the small served runtime

@pytest.fixture
def built(cluster):
    cluster.finish_builds()
    return cluster


@pytest.mark.parametrize("websockets", [True, False], ids=["websocket-tunnel", "raw-spdy-upgrade"])
def test_two_gets_over_two_connections_then_ctrl_c(built, websockets):
    with port_forward(built.kubeconfig, "pod/react-a", 3000, websockets=websockets) as forward:
        assert_page(*forward.get("/"))
        assert_page(*forward.get("/"))
        assert forward.interrupt() == 0, forward.output
    assert forward.output.count("Handling connection for") == 2
    assert "error" not in forward.output.lower(), forward.output


def test_the_app_s_bundle_names_the_pod(built):
    with port_forward(built.kubeconfig, "pod/react-b", 3000) as forward:
        status, html = forward.get("/")
        bundle = re.search(r'src="([^"]+)"', html).group(1)
        status, js = forward.get(bundle)
        assert status == 200 and '"Container name is: ","react-b"' in js
        assert forward.interrupt() == 0


@pytest.mark.parametrize("websockets", [True, False], ids=["websocket-tunnel", "raw-spdy-upgrade"])
def test_a_port_nothing_listens_on_gives_the_kubelet_s_error(built, websockets):
    with port_forward(built.kubeconfig, "pod/react-a", 8080, websockets=websockets) as forward:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
            forward.get("/")
        assert forward.wait(10) == 1
    assert re.search(r"an error occurred forwarding \d+ -> 8080: error forwarding port 8080 to pod [0-9a-f]{64}, "
                     r"uid : exit status 1: .* socat\[\d+\] E connect\(5, AF=2 127\.0\.0\.1:8080, 16\): "
                     r"Connection refused", forward.output), forward.output
    assert "error: lost connection to pod" in forward.output


def refused_forward_output(kubeconfig, target: str, port: int) -> str:
    """What kubectl printed for a forward whose first GET the pod refused (kubectl then exits 1)."""
    with port_forward(kubeconfig, target, port) as forward:
        with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
            forward.get("/")
        assert forward.wait(10) == 1
    return forward.output


def test_before_the_build_port_3000_is_refused_too(cluster):
    assert "127.0.0.1:3000, 16): Connection refused" in refused_forward_output(cluster.kubeconfig, "pod/react-a", 3000)


def test_portforward_refused_fault(built):
    built.view.faults.add(PORTFORWARD_REFUSED)
    assert "error forwarding port 3000 to pod" in refused_forward_output(built.kubeconfig, "pod/react-a", 3000)


def test_stream_stall_fault_leaves_the_connection_silent(built):
    """The streams are accepted, then nothing: the GET times out, kubectl keeps forwarding (a real
    kubelet holds a silent stream for its 4 h idle timeout, docs/platform.md §4.5), Ctrl-C ends it."""
    built.view.faults.add(STREAM_STALL)
    with port_forward(built.kubeconfig, "pod/react-a", 3000) as forward:
        with pytest.raises(TimeoutError):
            forward.get("/", timeout=1.5)
        assert forward.process.poll() is None
        assert forward.interrupt() == 0, forward.output


# ---------------------------------------------------------------- the whole cluster: svc/react-service

@pytest.fixture(scope="module")
def lab_cluster(tmp_path_factory) -> Iterator[Path]:
    """The emulated cluster with the reference app (ConfigMap, Deployment, Service) applied and rolled out."""
    cluster = EmulatedCluster((), Timeline(scale=0.05)).start()
    try:
        kubeconfig = cluster.write_kubeconfig(tmp_path_factory.mktemp("lab") / "kubeconfig")
        env = {**os.environ, "KUBECONFIG": str(kubeconfig), "HOME": str(kubeconfig.parent)}
        app = [arg for name in ("configmap", "deployment", "service")
               for arg in ("-f", str(MANIFESTS / f"{name}.yaml"))]
        for args in (["apply", *app], ["rollout", "status", "deploy/react-app", "--timeout=60s"]):
            done = subprocess.run([KUBECTL, *args], env=env, capture_output=True, text=True, timeout=90)
            assert done.returncode == 0, done.stderr
        yield kubeconfig
    finally:
        cluster.stop()


def test_port_forward_to_the_service(lab_cluster):
    with port_forward(lab_cluster, "svc/react-service", 3000) as forward:
        assert_page(*forward.get("/"))
        assert_page(*forward.get("/"))
        assert forward.interrupt() == 0, forward.output
