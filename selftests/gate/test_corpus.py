"""The gate over the 30 real hand-ins of shared/corpus (beside the checkout): it must never crash, and every finding
says where and what. No verdicts are asserted: the corpus is input, not expected output."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixtures.gate.manifest_gate import run_gate
from fixtures.gate.manifests import load_manifests

# shared/ lies beside the checkout (CI's copy, or the workplace's); LAB4_CORPUS points elsewhere.
BESIDE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "students"
CORPUS = Path(os.environ.get("LAB4_CORPUS") or (BESIDE if BESIDE.is_dir() else "/work/shared/corpus/students"))
STUDENTS = sorted(p.name for p in CORPUS.iterdir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not STUDENTS, reason=f"no corpus at {CORPUS} (set LAB4_CORPUS)")
@pytest.mark.parametrize("student", STUDENTS)
def test_gate_reads_a_real_hand_in(student):
    manifests = load_manifests(CORPUS / student)
    results = run_gate(manifests)
    assert set(results) == {"yaml", "schemas", "ip-pools", "workload", "service", "secrets", "cross-references"}
    for result in results.values():
        for finding in result.findings:
            assert finding.severity in ("error", "warning") and finding.file and finding.message, finding
            if finding.doc_index is not None and manifests.documents:
                assert finding.line, finding
