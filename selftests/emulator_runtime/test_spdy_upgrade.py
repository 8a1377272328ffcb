"""The raw `Upgrade: SPDY/3.1` handshake of pods/portforward, as the kubelet answers it
(kubernetes/apimachinery `pkg/util/httpstream/httpstream.go` Handshake; `pkg/util/httpstream/spdy/upgrade.go`)."""
import http.client

import pytest

PATH = "/api/v1/namespaces/default/pods/react-a/portforward"


def post(cluster, headers: dict[str, str]) -> tuple[int, http.client.HTTPMessage, str]:
    """Status, headers and body; the connection is closed (an accepted upgrade ends with it)."""
    host, port = cluster.url.removeprefix("https://").split(":")
    connection = http.client.HTTPSConnection(host, int(port), context=cluster.client_ssl_context(), timeout=5)
    # exactly these headers (and Host): the refusal counts them
    connection.putrequest("POST", PATH, skip_accept_encoding=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    try:
        response = connection.getresponse()
        body = "" if response.status == 101 else response.read().decode()
        return response.status, response.headers, body
    finally:
        connection.close()


def test_the_switch_names_spdy_and_the_negotiated_version(cluster):
    status, headers, _ = post(cluster, {"Connection": "Upgrade", "Upgrade": "SPDY/3.1",
                                        "X-Stream-Protocol-Version": "portforward.k8s.io"})
    assert status == 101
    assert headers["Upgrade"] == "SPDY/3.1" and headers["Connection"] == "Upgrade"
    assert headers["X-Stream-Protocol-Version"] == "portforward.k8s.io"


@pytest.mark.parametrize("headers, status, message, accepted", [
    ({"Connection": "Upgrade", "Upgrade": "SPDY/3.1"}, 400,
     "unable to upgrade: header X-Stream-Protocol-Version does not exist in request with 2 headers\n", None),
    ({"Connection": "Upgrade", "Upgrade": "SPDY/3.1", "X-Stream-Protocol-Version": "v9.k8s.io"}, 403,
     "unable to upgrade: unable to negotiate protocol: client supports [v9.k8s.io], "
     "server accepts [portforward.k8s.io]\n", "portforward.k8s.io"),
], ids=["no-version", "unknown-version"])
def test_handshake_refusals(cluster, headers, status, message, accepted):
    got_status, got_headers, body = post(cluster, headers)
    assert (got_status, body) == (status, message)
    assert got_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert got_headers["X-Accepted-Stream-Protocol-Versions"] == accepted


def test_a_plain_post_is_not_an_upgrade(cluster):
    status, _, body = post(cluster, {"X-Stream-Protocol-Version": "portforward.k8s.io"})
    assert status == 400
    assert body.startswith("unable to upgrade: missing upgrade headers in request: "
                           'http.Header{"X-Stream-Protocol-Version"')
