"""The block at the top of the report, the metadata, and the API server's CA fingerprint."""
import datetime
import shutil
import subprocess
import types

import certifi
import pytest

from fixtures.cluster.identity import ClusterIdentity, ca_fingerprint
from fixtures.cluster.settings import Settings
from fixtures.gate import redaction
from fixtures.gate.redaction import Secrets
from fixtures.report import html_report
from fixtures.report.requirements import TITLES, Ledger, Outcome


def settings(**changes) -> Settings:
    base = dict(provider="emulator", manifests="manifests", may_change=True, keep_cluster=False, kubeconfig=None,
                context=None, profile="lab4", kubernetes_version=None, driver=None, calico_version="v3.31.3",
                emulator_faults=(), student="Ivan Petrov", group="K3321", timeout_factor=1.0, bounds={})
    return Settings(**(base | changes))


def test_title_names_the_student_and_group():
    mine = settings(provider="minikube")
    assert html_report.title(mine) == "ITMO lab 4 conformance report: Ivan Petrov, K3321"
    assert html_report.title(settings(provider="minikube", student=None, group=None)) == "ITMO lab 4 conformance report"


def test_the_title_says_when_the_report_was_made_on_the_emulator():
    assert html_report.title(settings()) == ("ITMO lab 4 conformance report: Ivan Petrov, K3321 "
                                             "(made on the emulated cluster, not a real one)")


def test_run_metadata_says_who_when_and_where():
    now = datetime.datetime(2026, 3, 1, 10, 30, tzinfo=datetime.timezone.utc)
    assert html_report.run_metadata(settings(), now) == {
        "Student": "Ivan Petrov", "Group": "K3321", "Date": "2026-03-01T10:30:00+00:00", "Provider": "emulator"}
    assert html_report.run_metadata(settings(student=None), now)["Student"] == "(not given: --student)"


def test_the_summary_has_a_row_per_requirement_with_verdict_and_reason():
    ledger = Ledger()
    ledger.outcomes = {"R1": [Outcome("passed")], "R2": [Outcome("failed", "calico-node on lab4-m02 is not Ready")],
                       "R4": [Outcome("skipped", "not checked because R2 failed")]}
    identity = ClusterIdentity("minikube profile lab4", "5a409377-4a51-4152-9cb9-226ae05fbc8c",
                               (("lab4", "uuid-1"), ("lab4-m02", "uuid-2")), "AB:CD", {"Calico": "v3.31.3"})
    block = html_report.summary_html(html_report.requirement_rows(ledger), html_report.run_metadata(settings()),
                                     identity.rows())
    for req in TITLES:
        assert f"<td>{req}</td>" in block
    assert '<tr class="lab4-failed"><td>R2</td>' in block and "calico-node on lab4-m02 is not Ready" in block
    assert '<tr class="lab4-n-a"><td>R3</td>' in block and '<tr class="lab4-not-run"><td>R5</td>' in block
    assert "1 passed, 1 failed, 1 skipped (of 13)" in block
    for text in ("Ivan Petrov", "K3321", "5a409377-4a51-4152-9cb9-226ae05fbc8c", "lab4 (uuid-1); lab4-m02 (uuid-2)",
                 "AB:CD"):
        assert f"<td>{text}</td>" in block
    assert block.startswith("<style>")


def test_a_run_ended_early_says_so_and_what_it_did_not_reach():
    """A run ended by SIGTERM: a requirement with a test not run is not proven, even if another passed."""
    ledger = Ledger()
    unfinished = "not finished: the run was ended by SIGTERM while it ran"
    ledger.outcomes = {"R1": [Outcome("passed")], "R2": [Outcome("passed"), Outcome("not run", unfinished)],
                       "R6": [Outcome("not run", "not run: the run was ended by SIGTERM")]}
    kept = "minikube profile lab4 was created by this run and is kept (the run was ended by SIGTERM): ..."
    block = html_report.summary_html(html_report.requirement_rows(ledger), {}, {}, ended="the run was ended by SIGTERM",
                                     kept=[kept])
    assert "This run did not finish: the run was ended by SIGTERM." in block and kept in block
    assert '<tr class="lab4-not-run"><td>R2</td>' in block and unfinished in block
    assert "1 passed, 0 failed, 0 skipped, 2 not run (of 13)" in block
    assert "did not finish" not in html_report.summary_html(html_report.requirement_rows(ledger), {}, {})


def test_the_summary_escapes_and_redacts(monkeypatch):
    known = Secrets()
    known.add("hunter2-secret")
    monkeypatch.setattr(redaction, "KNOWN", known)
    ledger = Ledger()
    ledger.outcomes = {"R6": [Outcome("failed", "<b>hunter2-secret</b>")]}
    block = html_report.summary_html(html_report.requirement_rows(ledger), {"Student": "<script>"}, {})
    assert "hunter2-secret" not in block and "<b>" not in block and "<script>" not in block


def test_the_ca_fingerprint_is_openssls_sha256():
    """A CA file (here certifi's bundle: its first certificate counts, as in a kubeconfig's CA)."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    printed = subprocess.run(["openssl", "x509", "-in", certifi.where(), "-noout", "-fingerprint", "-sha256"],
                             capture_output=True, text=True, check=True, timeout=30).stdout
    configuration = types.SimpleNamespace(host="https://192.168.49.2:8443", ssl_ca_cert=certifi.where(),
                                          verify_ssl=True)
    assert printed.strip().endswith("=" + ca_fingerprint(configuration))


@pytest.mark.parametrize("host, ca, verify, expected", [
    ("http://127.0.0.1:8080", None, True, "no CA (plain http)"),
    ("https://10.0.0.1:6443", None, False,
     "no CA in the kubeconfig (the system's trust store); TLS verification is off"),
])
def test_the_ca_fingerprint_without_a_ca(host, ca, verify, expected):
    assert ca_fingerprint(types.SimpleNamespace(host=host, ssl_ca_cert=ca, verify_ssl=verify)) == expected
