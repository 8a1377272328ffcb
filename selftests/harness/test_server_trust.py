"""A kubeconfig whose CA did not sign the API server's certificate (fault tls-mismatch), as the real
kubernetes client reports it: recognised under the client's wrapping (kubernetes/client/rest.py turns
urllib3's SSLError into ApiException(status=0), api_client.py hides that behind an AttributeError),
never retried, and said in one paragraph."""
import time

import pytest

from emulator import EmulatedCluster, Timeline
from emulator.base.faults import TLS_MISMATCH
from fixtures.cluster.kube import Kube
from fixtures.cluster.server_trust import certificate_rejection, explain


@pytest.fixture
def mismatched(tmp_path):
    with EmulatedCluster((TLS_MISMATCH,), Timeline(scale=0.05)) as cluster:
        yield cluster, str(cluster.write_kubeconfig(tmp_path / "kubeconfig"))


def first_contact(kubeconfig: str, tmp_path) -> Exception:
    try:
        Kube(kubeconfig, None, read_only=True, cache_dir=tmp_path)
    except Exception as exc:
        return exc
    raise AssertionError("the client trusted a server its kubeconfig's CA did not sign")


def test_the_rejection_is_found_under_the_clients_wrapping_and_not_retried(mismatched, tmp_path):
    cluster, kubeconfig = mismatched
    started = time.monotonic()
    exc = first_contact(kubeconfig, tmp_path)
    assert time.monotonic() - started < 2.0, "a certificate that does not verify was retried"
    assert certificate_rejection(exc)


def test_the_paragraph_says_what_happened_and_how_to_fix_it(mismatched, tmp_path):
    cluster, kubeconfig = mismatched
    paragraph = explain(first_contact(kubeconfig, tmp_path), kubeconfig, None, "lab4")
    assert "\n" not in paragraph
    assert f"The API server at {cluster.url} presented a certificate that the CA in your kubeconfig" in paragraph
    assert f"kubeconfig {kubeconfig}" in paragraph
    assert "the kubeconfig's CA is not the one that signed the server's certificate" in paragraph
    assert "`minikube update-context -p lab4`" in paragraph and "`kind export kubeconfig --name lab4`" in paragraph


def test_an_unreachable_server_is_not_taken_for_a_certificate_problem(tmp_path, monkeypatch):
    monkeypatch.setattr("fixtures.cluster.kube.RETRY_FOR", 1.0)      # refused is retried: not for the default 30 s here
    with EmulatedCluster((), Timeline(scale=0.05)) as cluster:
        kubeconfig = str(cluster.write_kubeconfig(tmp_path / "kubeconfig"))
    exc = first_contact(kubeconfig, tmp_path)     # stopped: connection refused, after the retries
    assert certificate_rejection(exc) is None and explain(exc, kubeconfig, None, "lab4") is None
