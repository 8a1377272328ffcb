"""The gate over the corpus of manifest sets in sets/: good variants of docs/lab.md#what-real-students-did
and single mistakes from its mistakes list. Each set's expected.yaml names the findings it must
produce (severity and a substring of the finding's text); any other error is a failure, other
warnings are allowed."""
from __future__ import annotations

import base64
from pathlib import Path

import pytest
import yaml

from fixtures.gate.manifest_gate import run_gate
from fixtures.gate.manifests import load_manifests

SETS = Path(__file__).parent / "sets"
NAMES = sorted(p.name for p in SETS.iterdir() if (p / "expected.yaml").is_file())


def gate_findings(name: str):
    manifests = load_manifests(SETS / name / "manifests")
    return manifests, [f for result in run_gate(manifests).values() for f in result.findings]


def matching(findings, expected: dict):
    return [f for f in findings if f.severity == expected["severity"] and expected["message"] in str(f)]


def test_the_corpus_is_big_enough():
    assert len(NAMES) >= 25
    assert sum(n.startswith("good-") for n in NAMES) >= 10 and sum(n.startswith("bad-") for n in NAMES) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_set_gives_exactly_its_expected_findings(name):
    expected = yaml.safe_load((SETS / name / "expected.yaml").read_text())["findings"]
    _, findings = gate_findings(name)
    report = "\n".join(map(str, findings)) or "(no findings)"
    for entry in expected:
        hits = matching(findings, entry)
        assert hits, f"missing {entry['severity']} {entry['message']!r}; the gate said:\n{report}"
        if "count" in entry:
            assert len(hits) == entry["count"], f"{entry} matched {len(hits)} times:\n{report}"
    unexpected = [f for f in findings if f.is_error and not any(
        e["severity"] == "error" and e["message"] in str(f) for e in expected)]
    assert not unexpected, "unexpected errors:\n" + "\n".join(map(str, unexpected))


@pytest.mark.parametrize("name", NAMES)
def test_findings_say_where_and_never_show_secret_data(name):
    manifests, findings = gate_findings(name)
    secret_values = {str(v) for d in manifests.secrets for part in ("data", "stringData")
                     for v in (d.body.get(part) or {}).values()}
    secret_values |= {base64.b64decode(v).decode(errors="replace") for v in secret_values if v}
    for f in findings:
        assert f.file and f.message and f.severity in ("error", "warning"), f
        assert not any(v and v in str(f) for v in secret_values), f"secret data in: {f}"
