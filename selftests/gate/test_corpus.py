"""The gate over the 30 real hand-ins of shared/corpus (selftests/gate/corpus.py): it must never crash,
and every finding says where (a file of the hand-in, or "(all files)") and what. No verdicts are
asserted, the corpus is input, not expected output; but the two hand-ins issue 11 names are read as
they are: student08 is a Helm chart, student15's pools have no extension."""
from __future__ import annotations

import pytest

from fixtures.gate.manifest_gate import SET_WIDE, run_gate
from fixtures.gate.manifests import load_manifests
from selftests.gate.corpus import CORPUS, STUDENTS

needs_corpus = pytest.mark.skipif(not STUDENTS, reason=f"no corpus at {CORPUS} (set LAB4_CORPUS)")


@needs_corpus
@pytest.mark.parametrize("student", STUDENTS)
def test_gate_reads_a_real_hand_in(student):
    manifests = load_manifests(CORPUS / student)
    results = run_gate(manifests)
    assert set(results) == {"yaml", "schemas", "ip-pools", "workload", "service", "secrets", "cross-references"}
    files = {p.relative_to(CORPUS / student).as_posix() for p in (CORPUS / student).rglob("*")}
    for result in results.values():
        for finding in result.findings:
            assert finding.severity in ("error", "warning") and finding.message, finding
            assert finding.file == SET_WIDE or finding.file.removesuffix(" (rendered)") in files, finding
            if finding.doc_index is not None and manifests.documents:
                assert finding.line, finding


@needs_corpus
def test_student08_is_recognised_as_a_helm_chart():
    manifests = load_manifests(CORPUS / "student08")
    [chart] = [f for f in manifests.findings if f.file.endswith("Chart.yaml")]
    assert "this is a Helm chart: render it" in chart.message
    assert not any("/templates/" in f.file for f in manifests.findings)


@needs_corpus
def test_student15s_pools_without_an_extension_are_read():
    manifests = load_manifests(CORPUS / "student15")
    assert {d.file for d in manifests.ip_pools} == {"ippool1", "ippool2"}
