"""R11: the manifests handed in parse, validate against Kubernetes' schemas, and agree with each
other. Offline: no cluster needed, so these run first and alone with --cluster=none.

Each test is one concern of fixtures/gate/manifest_gate.py: it fails listing every error of that
concern, one per line (file, document, object, field, what is wrong and what would be right), and
attaches what it checked and any warnings. Warnings never fail a test.
"""
from __future__ import annotations

import pytest

from fixtures.gate.manifest_gate import CheckResult, run_gate

pytestmark = [pytest.mark.requirement("R11"), pytest.mark.order(0)]


@pytest.fixture(scope="module")
def gate(lab_manifests, settings) -> dict[str, CheckResult]:
    return run_gate(lab_manifests, settings.kubernetes_version)   # None: the default (DEFAULT_KUBERNETES_VERSION)


def judge(result: CheckResult, evidence) -> None:
    evidence.table(result.title, result.rows or [{"checked": "nothing of this kind in the manifests"}])
    if result.notes:
        evidence.text("How the files were read", "\n".join(result.notes))
    if result.warnings:
        evidence.text(f"{len(result.warnings)} warning(s), not failures",
                      "\n".join(map(str, result.warnings)))
    if result.errors:
        pytest.fail(f"{len(result.errors)} error(s) in the manifests ({result.concern}):\n"
                    + "\n".join(map(str, result.errors)), pytrace=False)


def test_yaml_parses(gate, evidence):
    judge(gate["yaml"], evidence)


def test_objects_match_kubernetes_schemas(gate, evidence):
    judge(gate["schemas"], evidence)


def test_ip_pools(gate, evidence):
    judge(gate["ip-pools"], evidence)


def test_app_workload(gate, evidence):
    judge(gate["workload"], evidence)


def test_service(gate, evidence):
    judge(gate["service"], evidence)


def test_secrets(gate, evidence):
    judge(gate["secrets"], evidence)


def test_cross_references(gate, evidence):
    judge(gate["cross-references"], evidence)
