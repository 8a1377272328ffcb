"""Opening an exec or port-forward stream is retried on a refused upgrade, as reads are, and only then."""
import pytest
from kubernetes.client.exceptions import ApiException

from fixtures.cluster.kube import _is_transient, _open_stream, retry_transient


def hidden_failure(reason: str):
    """What the classic client raises for a failed websocket upgrade: an AttributeError whose context
    is ws_client's ApiException(status=0) (api_client.py decodes its None body)."""
    def open_fn():
        try:
            raise ApiException(status=0, reason=reason)
        except ApiException as e:
            e.body.decode("utf-8")
    return open_fn


def test_the_hidden_apiexception_comes_back():
    with pytest.raises(ApiException, match="Handshake status 500"):
        _open_stream(hidden_failure("Handshake status 500 Internal Server Error"))


@pytest.mark.parametrize("reason, transient", [
    ("Handshake status 500 Internal Server Error -+-+- {...}", True),
    ("Handshake status 429 Too Many Requests -+-+- {'retry-after': '1'}", True),
    ("Connection to remote host was lost.", True),
    ("Handshake status 404 Not Found -+-+- {...}", False),
    ("Handshake status 403 Forbidden -+-+- {...}", False),
    ("[Errno 111] Connection refused", True),                                   # the API server is restarting
    ("SSLError\nEOF occurred in violation of protocol (_ssl.c:2427)", True),     # a TLS connection cut under a call
    ("SSLError\n[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in "
     "certificate chain (_ssl.c:1006)", False),                                 # the kubeconfig's CA: no retry helps
])
def test_which_refused_upgrades_are_retried(reason, transient):
    assert _is_transient(ApiException(status=0, reason=reason)) is transient


def test_a_refused_upgrade_is_opened_again():
    calls = []

    def flaky_open():
        calls.append(1)
        if len(calls) < 3:
            hidden_failure("Handshake status 500 Internal Server Error")()
        return "stream"

    assert retry_transient(_open_stream)(flaky_open) == "stream"
    assert len(calls) == 3
