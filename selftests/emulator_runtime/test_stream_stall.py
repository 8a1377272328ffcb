"""Fault stream-stall, on the wire (wss://, as the emulated cluster serves) and through the suite's
Kube: a stream that sends one frame and then stays open and silent, as a real kubelet keeps a silent
stream open for its 4 h streaming idle timeout (docs/platform.md §4.5). On the main this issue starts
from, Kube.exec blocks for ever on such a stream (ws_client.py read_stdout with timeout=None) and the
page load hangs its worker."""
from urllib.parse import urlencode

import pytest
import websocket

from emulator.base.faults import STREAM_STALL
from fixtures.cluster.app_page import open_page
from fixtures.cluster.kube import Kube
from fixtures.cluster.streams import StreamStalled
from fixtures.cluster.waiting import NotYet
from selftests.in_thread import call_within

POD = "/api/v1/namespaces/default/pods/react-a"


@pytest.fixture
def stalled(cluster):
    cluster.view.faults.add(STREAM_STALL)
    return cluster


@pytest.fixture
def kube(cluster, tmp_path):
    return Kube(str(cluster.kubeconfig), None, read_only=True, cache_dir=tmp_path, request_timeout=3.0)


def raw(cluster, path: str, protocol: str) -> websocket.WebSocket:
    return websocket.create_connection(f"{cluster.url.replace('http', 'ws')}{path}",
                                       header=[f"sec-websocket-protocol: {protocol}"], timeout=5,
                                       sslopt={"context": cluster.client_ssl_context()})


def nothing_within(ws: websocket.WebSocket, seconds: float) -> bool:
    ws.settimeout(seconds)
    try:
        ws.recv_data_frame(True)
    except websocket.WebSocketTimeoutException:
        return True
    return False


def within(seconds: float, call):
    """call()'s value or exception and the seconds taken; AssertionError if it hangs."""
    returned, value, took = call_within(seconds, call)
    assert returned, f"still running after {seconds} s"
    return value, took


def test_an_exec_sends_its_first_frame_then_nothing(stalled):
    query = urlencode([("command", "sh"), ("command", "-c"), ("command", "echo hi"), ("stdout", "true")])
    ws = raw(stalled, f"{POD}/exec?{query}", "v5.channel.k8s.io")
    assert ws.recv_data_frame(True)[1].data == b"\x01"     # the usual "connection is up" frame
    assert nothing_within(ws, 1.0) and ws.connected
    ws.close()


def test_a_port_forward_sends_its_first_frame_then_nothing(stalled):
    ws = raw(stalled, f"{POD}/portforward?ports=3000", "v4.channel.k8s.io")
    assert ws.recv_data_frame(True)[1].data == b"\x00\xb8\x0b"   # data channel 0, port 3000 little-endian
    ws.send_binary(b"\x00GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert nothing_within(ws, 1.0) and ws.connected   # no error-channel frame, no data, no close
    ws.close()


def test_the_suite_s_exec_ends_at_its_bound_naming_the_stall(stalled, kube):
    error, took = within(10, lambda: kube.exec("default", "react-a", ["sh", "-c", "echo hi"], timeout=2))
    assert isinstance(error, StreamStalled), error
    assert str(error) == "the exec stream of `sh -c echo hi` in pod default/react-a sent no frame for 2 s: it stalled"
    assert took < 4


def test_the_suite_s_page_load_ends_at_its_bound_naming_the_stall(stalled, kube):
    stalled.finish_builds()
    error, took = within(10, lambda: open_page(kube, stalled.view.app_a, 3000, timeout=2.0))
    assert isinstance(error, NotYet), error
    assert "the port-forward stream to pod default/react-a port 3000 sent nothing for 2 s: it stalled" in str(error)
    assert took < 5


def test_without_the_fault_the_suite_s_exec_gives_output_and_exit_code(cluster, kube):
    result = kube.exec("default", "react-a", ["sh", "-c", "echo out; echo err >&2; exit 3"], timeout=10)
    assert (result.stdout, result.stderr, result.exit_code) == ("out\n", "err\n", 3)
    assert kube.exec("default", "react-a", ["true"], timeout=10).exit_code == 0
