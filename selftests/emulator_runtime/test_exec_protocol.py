"""The exec websocket as the wire shows it (docs/platform.md §4.1-4.2), with a raw websocket client."""
import json
from urllib.parse import urlencode

import pytest
import websocket

from emulator.runtime.channels import parse_bool
from selftests.emulator_runtime.execs import run


def raw_exec(cluster, argv: list[str], offered: str, **flags: str) -> tuple[str, list[bytes]]:
    query = urlencode([("command", a) for a in argv] + sorted(flags.items()))
    url = f"{cluster.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/react-a/exec?{query}"
    ws = websocket.create_connection(url, header=[f"sec-websocket-protocol: {offered}"], timeout=10,
                                     sslopt={"context": cluster.client_ssl_context()})
    protocol = ws.handshake_response.headers.get("sec-websocket-protocol")
    frames = []
    while True:
        opcode, data = ws.recv_data(control_frame=False)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        frames.append(data)
    ws.close()
    return protocol, frames


@pytest.mark.parametrize("offered, chosen", [
    ("v5.channel.k8s.io,v4.channel.k8s.io", "v5.channel.k8s.io"),
    ("v4.channel.k8s.io,v5.channel.k8s.io", "v4.channel.k8s.io"),
    ("v4.channel.k8s.io", "v4.channel.k8s.io"),
    ("base64.channel.k8s.io,v5.channel.k8s.io", "v5.channel.k8s.io"),
])
def test_subprotocol_follows_the_client_order(cluster, offered, chosen):
    protocol, frames = raw_exec(cluster, ["sh", "-c", "echo out; echo err >&2; exit 2"], offered,
                                stdout="true", stderr="true")
    assert protocol == chosen
    assert frames[0] == b"\x01"  # empty frame on the lowest writable channel
    assert b"\x01out\n" in frames and b"\x02err\n" in frames
    status = json.loads(frames[-1][1:])
    assert frames[-1][0] == 3
    assert status["status"] == "Failure" and status["reason"] == "NonZeroExitCode"
    assert status["details"]["causes"] == [{"reason": "ExitCode", "message": "2"}]


def test_success_status_and_apiserver_booleans(cluster):
    # "True" (the 35.x client), "" and "1" are true; "0" and "FALSE" are false
    _, frames = raw_exec(cluster, ["echo", "hi"], "v4.channel.k8s.io", stdout="True", stderr="0", tty="FALSE")
    assert frames == [b"\x01", b"\x01hi\n", b'\x03{"metadata": {}, "status": "Success"}']
    _, frames = raw_exec(cluster, ["sh", "-c", "echo e >&2"], "v4.channel.k8s.io", stdout="", stderr="1")
    assert b"\x02e\n" in frames


def test_only_stderr_gets_the_first_frame_when_stdout_is_off(cluster):
    _, frames = raw_exec(cluster, ["echo", "hi"], "v5.channel.k8s.io", stderr="true")
    assert frames[0] == b"\x02"
    assert b"\x01hi\n" not in frames


def test_unsupported_protocol_is_refused(cluster):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        raw_exec(cluster, ["true"], "channel.k8s.io", stdout="true")
    assert refused.value.status_code == 400


def test_exec_without_any_stream_is_a_bad_request(cluster):
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        raw_exec(cluster, ["true"], "v5.channel.k8s.io")
    assert refused.value.status_code == 400
    assert b"you must specify at least 1 of stdin, stdout, stderr" in refused.value.resp_body


def test_parse_bool_is_the_apiservers():
    assert [parse_bool(v) for v in ([], ["false"], ["FALSE"], ["0"], ["true"], [""], ["1"], ["no"])] == \
        [False, False, False, False, True, True, True, True]


def test_python_client_v4_fallback_when_v5_is_not_offered(cluster):
    result = run(cluster.api, "react-b", ["hostname"])
    assert result.protocol == "v5.channel.k8s.io"
    _, frames = raw_exec(cluster, ["hostname"], "v4.channel.k8s.io", stdout="true")
    assert b"\x01react-a\n" in frames
