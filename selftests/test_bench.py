"""`python -m bench --json --quick`: the figures of issues 7 and 14, measured for real, with sane values."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"emulator_convergence_s", "suite_total_s", "harness_overhead_s", "gate_docs", "gate_s",
        "kubernetes_validate_s", "replicas20_total_s"}
# With 20 replicas the lab's count and spread fail (R6, and R11 on the manifests), and nothing else.
REPLICA_FAILURES = {"tests.test_r06_deployment::test_the_deployment_asks_for_two_replicas",
                    "tests.test_r06_deployment::test_the_replicas_run_on_different_nodes",
                    "tests.test_r11_manifests::test_app_workload"}


@pytest.fixture(scope="module")
def figures() -> dict:
    proc = subprocess.run([sys.executable, "-m", "bench", "--json", "--quick"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_last_line_has_the_issues_keys(figures):
    assert KEYS <= figures.keys()
    assert figures["gate_docs"] == 200


def test_the_overhead_is_the_total_beyond_the_emulators_own_time(figures):
    # The benchmark timeline: Calico 3 s, a pod Running 2.5 s after creation, the build ~3 s more.
    assert 5.0 < figures["emulator_convergence_s"] < figures["suite_total_s"]
    assert figures["harness_overhead_s"] == pytest.approx(figures["suite_total_s"] - figures["emulator_convergence_s"],
                                                          abs=0.02)
    assert figures["suite_failed"] == [] and figures["suite_outcomes"].get("passed", 0) > 20


def test_the_gate_and_kubernetes_validate_both_read_every_file(figures):
    assert figures["gate_exit"] == 0 and figures["kubernetes_validate_exit"] == 0
    assert 0 < figures["gate_s"] and 0 < figures["kubernetes_validate_s"]


def test_twenty_replicas_fail_only_the_count_and_the_rest_runs(figures):
    assert set(figures["replicas20_failed"]) == REPLICA_FAILURES
    assert "skipped" not in figures["replicas20_outcomes"]
    assert figures["replicas20_convergence_s"] < figures["replicas20_total_s"] < 60


def test_the_grade_figure_grades_a_class_end_to_end(figures):
    """--quick grades three hand-ins of the project's own sets side by side (the full run: the 30 real ones)."""
    assert figures["grade_hand_ins"] == 3 and figures["grade_exit"] == 0 and figures["grade_not_judged"] == []
    assert figures["grade_run_max_s"] <= figures["grade_wall_s"] < 3 * figures["grade_run_max_s"]
    assert figures["grade_per_hand_in_s"] == pytest.approx(figures["grade_wall_s"] / 3, abs=0.02)
    assert 0.05 < figures["grade_convergence_share"] < 1 and figures["grade_cpu_s"] > 0
