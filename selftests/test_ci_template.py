"""The GitHub Actions workflows: the one students copy (it lints clean and runs the gate before the
cluster) and the graders' template (a matrix of shards, each shard's folder kept, one merge job)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grade.shards import parse_shard

WORKFLOWS = Path(__file__).resolve().parents[1] / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "lab4-conformance.yml"
GRADING = WORKFLOWS / "grade-class.yml"


@pytest.mark.parametrize("workflow", [WORKFLOW, GRADING], ids=lambda p: p.name)
def test_the_workflow_passes_actionlint(workflow):
    beside_python = Path(sys.executable).parent / "actionlint"  # the venv's, even when not on PATH
    actionlint = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    assert actionlint, "actionlint is not installed (pip install -r requirements.txt)"
    result = subprocess.run([actionlint, "-no-color", str(workflow)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gate_runs_first_and_the_reports_are_always_kept():
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    gate, cluster = jobs["manifests"], jobs["minikube"]
    assert cluster["needs"] == "manifests"
    gate_runs = " ".join(step.get("run", "") for step in gate["steps"])
    assert "--cluster=none" in gate_runs and "--junitxml" in gate_runs
    cluster_runs = " ".join(step.get("run", "") for step in cluster["steps"])
    assert "python -m pytest" in cluster_runs and "--junitxml" in cluster_runs
    for job in (gate, cluster):
        uploads = [s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
        assert uploads and all(s.get("if") == "always()" for s in uploads)
    assert any(str(s.get("uses", "")).startswith("medyagh/setup-minikube") for s in cluster["steps"])


def test_both_nodes_come_from_setup_minikube_on_a_runner_that_fits_them():
    """medyagh/setup-minikube `action.yml`/`src/inputs.ts`: each non-empty input becomes `--<input> <value>` of
    `minikube start`, so `nodes: 2` starts both nodes at once; two nodes of minikube's 3072 MB default need the
    16 GB, 4-CPU ubuntu-latest of a public repository (docs/platform.md §1.10)."""
    cluster = yaml.safe_load(WORKFLOW.read_text())["jobs"]["minikube"]
    setup = next(s for s in cluster["steps"] if str(s.get("uses", "")).startswith("medyagh/setup-minikube"))
    assert str(setup["with"]["nodes"]) == "2" and setup["with"]["cni"] == "calico"
    assert not any("minikube node add" in step.get("run", "") for step in cluster["steps"])
    assert cluster["runs-on"] == "ubuntu-latest"
    assert "4 CPUs, 16 GB" in WORKFLOW.read_text()


def test_a_cancelled_job_signals_pytest_itself():
    """actions/runner src/Runner.Sdk/ProcessInvoker.cs: a cancel (or timeout-minutes) sends SIGINT, then
    SIGTERM, then kills, to the step's entry process only, the shell of a `run:` step; pytest writes
    its reports on those signals only if it is that process (docs/platform.md §20.1)."""
    cluster = yaml.safe_load(WORKFLOW.read_text())["jobs"]["minikube"]
    runs = [step["run"] for step in cluster["steps"] if "python -m pytest" in step.get("run", "")]
    assert runs and all(run.lstrip().startswith("exec python -m pytest") for run in runs), runs


def test_the_grading_template_shards_keeps_every_shard_and_merges_them():
    workflow = yaml.safe_load(GRADING.read_text())
    jobs, shards = workflow["jobs"], int(workflow["env"]["SHARDS"])
    grade, merge = jobs["grade"], jobs["merge"]
    assert grade["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    assert grade["strategy"]["fail-fast"] is False   # one shard's trouble must not cancel the others
    run = " ".join(step.get("run", "") for step in grade["steps"])
    assert 'python -m grade "$CLASS"' in run and '--shard "$SHARD/$SHARDS"' in run and '--out "graded-$SHARD"' in run
    for index in range(1, shards + 1):   # what each matrix job passes parses as the grader's --shard
        shard = parse_shard(f"{index}/{shards}")
        assert (shard.index, shard.count) == (index, shards)
    uploads = [s for s in grade["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert uploads and uploads[0]["if"] == "always()" and uploads[0]["with"]["name"] == "graded-${{ matrix.shard }}"
    assert merge["needs"] == "grade" and merge["if"] == "always()"
    downloads = [s for s in merge["steps"] if str(s.get("uses", "")).startswith("actions/download-artifact")]
    assert downloads and downloads[0]["with"]["pattern"] == "graded-*"
    assert "python -m grade merge graded-*/" in " ".join(step.get("run", "") for step in merge["steps"])
