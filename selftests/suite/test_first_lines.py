"""What a student reads first: the lab's header line and a set-up failure in the lab's words (docs/platform.md §10.4).

Reproduces pytest 9.2.0's own printing (`_pytest/main.py` wrap_session, `_pytest/terminal.py`
`_report_keyboardinterrupt`: a `pytest.exit` is shown as `! _pytest.outcomes.Exit: … !`) and pytest-timeout
2.4.0's header (`pytest_timeout.py` pytest_report_header: `timeout: …s`, `timeout method: …`,
`timeout func_only: …` whenever a timeout is configured), and asserts that neither reaches the student.
"""
import os
import subprocess
import sys

from selftests.suite.conftest import QUICK
from selftests.suite.runner import ROOT, run_suite


def first_lines(output: str, count: int) -> list[str]:
    return output.splitlines()[:count]


def assert_no_pytest_internals(output: str) -> None:
    assert "_pytest" not in output and "Exit:" not in output, output[-3000:]
    assert not any(line.startswith("!") for line in output.splitlines()), output[-3000:]
    assert not any(line.startswith("timeout") for line in output.splitlines()), output[:2000]


def test_the_header_is_the_labs_not_pytest_timeouts(tmp_path):
    run = run_suite("--cluster=none", workdir=tmp_path)
    assert run.returncode in (0, 1), run.output[-3000:]
    head = first_lines(run.output, 3)
    assert "test session starts" in head[0] and head[1].startswith("platform ")
    assert head[2].startswith("lab4 conformance: no cluster: the offline manifest checks only; manifests from "), head
    assert_no_pytest_internals(run.output)


def test_a_missing_tool_is_one_paragraph_right_after_collection(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    run = run_suite("--cluster=minikube", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    lines = run.output.splitlines()
    assert lines[2].startswith("lab4 conformance: minikube profile lab4; it does the lab's steps"), lines[:3]
    collected = next(i for i, line in enumerate(lines) if line.startswith("collected "))
    assert lines[collected + 1] == ""
    assert lines[collected + 2] == ("lab4: cannot run the live checks: `minikube` was not found on PATH. Install it: "
                                    "https://minikube.sigs.k8s.io/docs/start/ (then `minikube version` should work).")
    assert_no_pytest_internals(run.output)
    assert not run.cases  # no test ran


def test_a_failing_cluster_start_is_one_paragraph_and_exit_code_4(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_FAIL_START", "docker: Cannot connect to the Docker daemon")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    paragraph = [line for line in run.output.splitlines() if line.startswith("lab4: ")]
    assert paragraph and paragraph[0].startswith("lab4: cannot set up the cluster: creating minikube profile lab4 "
                                                 "failed (`minikube start -p lab4 --cni=calico --nodes=2` exited 80)")
    assert_no_pytest_internals(run.output)
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "report.html").exists()


SLOW_TEST = "import time\n\ndef test_slow():\n    time.sleep(2)\n"
LIMIT_CONFTEST = """
from fixtures.report import console

def pytest_collection_modifyitems(config, items):
    console.limit_each_test(config, items, 0.5)
"""


def test_the_per_test_limit_still_stops_a_hung_test_and_a_students_timeout_wins(tmp_path):
    (tmp_path / "conftest.py").write_text(LIMIT_CONFTEST)
    (tmp_path / "test_slow.py").write_text(SLOW_TEST)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tmp_path)]
    limited = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert limited.returncode == 1 and "Timeout (>0.5s) from pytest-timeout" in limited.stdout, limited.stdout
    assert not any(line.startswith("timeout") for line in limited.stdout.splitlines())
    chosen = subprocess.run([*argv, "--timeout=30"], cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert chosen.returncode == 0, chosen.stdout
    assert "timeout: 30.0s" in chosen.stdout  # the student's own choice is shown as pytest-timeout shows it
