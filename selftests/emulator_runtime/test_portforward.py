"""Port-forward through the real Python client (docs/platform.md §4.3)."""
import http.client
import json
import re

import pytest
import websocket
from kubernetes.stream import portforward

from emulator.base.faults import PORTFORWARD_REFUSED
from selftests.emulator_runtime.cluster_data import USER


def forward(cluster, pod: str, ports: str = "3000"):
    return portforward(cluster.api.connect_get_namespaced_pod_portforward, pod, "default", ports=ports)


def receive_all(sock, limit: float = 10.0) -> bytes:
    sock.settimeout(limit)
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_refused_before_the_build_on_the_error_channel(cluster):
    pf = forward(cluster, "react-a")
    sock = pf.socket(3000)
    assert receive_all(sock) == b""
    error = pf.error(3000)
    assert error.startswith("error forwarding port 3000 to pod ")
    assert error.rstrip().endswith("E connect(5, AF=2 127.0.0.1:3000, 16): Connection refused")
    pf.close()


def test_two_requests_over_one_forwarded_connection(cluster):
    cluster.finish_builds()
    pf = forward(cluster, "react-b")
    connection = http.client.HTTPConnection("react-b", 3000, timeout=10)
    connection.sock = pf.socket(3000)
    connection.request("GET", "/")
    page = connection.getresponse()
    assert page.status == 200 and page.getheader("Connection") == "keep-alive"
    html = page.read().decode()
    assert "<title>React App</title>" in html
    bundle_path = re.search(r'src="([^"]+)"', html).group(1)
    connection.request("GET", bundle_path)
    bundle = connection.getresponse()
    assert bundle.status == 200
    assert bundle.getheader("Content-Type").startswith("application/javascript")
    js = bundle.read().decode()
    assert '"Container name is: ","react-b"' in js and f'"{USER}"' in js
    assert pf.error(3000) is None
    connection.close()
    pf.close()


def test_raw_http_over_the_socket(cluster):
    cluster.finish_builds()
    pf = forward(cluster, "react-a")
    sock = pf.socket(3000)
    sock.sendall(b"GET /x HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    response = receive_all(sock)
    assert response.startswith(b"HTTP/1.1 200 OK\r\n") and b"React App" in response
    pf.close()


def test_portforward_refused_fault(cluster):
    cluster.finish_builds()
    cluster.view.faults.add(PORTFORWARD_REFUSED)
    pf = forward(cluster, "react-a")
    assert receive_all(pf.socket(3000)) == b""
    assert "error forwarding port 3000" in pf.error(3000)


def test_two_ports_get_their_own_channels(cluster):
    cluster.finish_builds()
    pf = forward(cluster, "react-a", ports="8080,3000")
    assert receive_all(pf.socket(8080)) == b""
    assert "127.0.0.1:8080" in pf.error(8080)
    sock = pf.socket(3000)
    sock.sendall(b"GET / HTTP/1.0\r\n\r\n")
    assert b"React App" in receive_all(sock)
    pf.close()


@pytest.mark.parametrize("ports, message", [
    ("0", 'port "0" must be > 0'), ("http", 'unable to parse "http" as a port: invalid syntax'),
    ("", 'query parameter "port" is required'),
])
def test_bad_ports_are_refused_before_the_upgrade(cluster, ports, message):
    url = cluster.url.replace("http", "ws") + f"/api/v1/namespaces/default/pods/react-a/portforward?ports={ports}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, header=["sec-websocket-protocol: v4.channel.k8s.io"], timeout=10,
                                    sslopt={"context": cluster.client_ssl_context()})
    assert refused.value.status_code == 400
    assert json.loads(refused.value.resp_body)["message"] == message
