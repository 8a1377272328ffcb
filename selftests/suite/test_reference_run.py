"""The suite on the reference manifests: offline, and against the emulated cluster."""
from pathlib import Path

from selftests.suite.conftest import QUICK
from selftests.suite.runner import processes_mentioning, run_suite

LIVE = ["R1", "R2", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R12", "R13"]


def test_offline_run_passes_and_skips_the_live_checks(tmp_path):
    run = run_suite("--cluster=none", workdir=tmp_path)
    assert run.returncode == 0, run.output
    verdicts = run.verdicts()
    assert verdicts.get("R11") == "passed", run.output
    assert all(verdicts[r] == "skipped" for r in LIVE), verdicts
    assert "--cluster=none" in run.messages("R1")


def test_emulator_run_passes_every_requirement(tmp_path):
    run = run_suite("--cluster=emulator", QUICK, workdir=tmp_path)
    assert run.returncode == 0, run.output[-5000:]
    verdicts = run.verdicts()
    assert {r: verdicts.get(r) for r in LIVE + ["R11"]} == {r: "passed" for r in LIVE + ["R11"]}, run.output[-5000:]
    assert all(c.requirement for c in run.cases), [c.name for c in run.cases if not c.requirement]
    # Nothing left behind: no thread, port-forward or child process at exit, no emulator afterwards.
    assert "left running" not in run.output, run.output[-3000:]
    assert processes_mentioning(str(tmp_path)) == []


def test_a_thread_left_running_is_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    run = run_suite("--cluster=none", "-p", "leaking_plugin", workdir=tmp_path)
    assert "lab4: left running after the run: thread 'forgotten-port-forward'" in run.output, run.output[-2000:]


def test_a_report_path_of_ones_own_still_gives_one_self_contained_file(tmp_path):
    run = run_suite("--cluster=none", f"--html={tmp_path / 'mine.html'}", workdir=tmp_path, html=False)
    assert run.returncode == 0, run.output[-2000:]
    assert (tmp_path / "mine.html").is_file()
    assert not (tmp_path / "assets").exists()  # pytest-html's non-self-contained mode writes its CSS there
