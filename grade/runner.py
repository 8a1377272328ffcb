"""One hand-in judged: the suite as a subprocess on the hand-in's manifests, against its own fresh
emulated cluster, bounded by the per-hand-in limit.

Isolation (docs/platform.md §24): the emulator listens on a port the kernel picks (127.0.0.1:0) and
R13's local forward too, so parallel runs never share a port; each run has its own temporary folder
(--basetemp: the emulator's kubeconfig lives there) and no pytest cache. At the limit the run gets
SIGINT (pytest tears its fixtures down, the emulator included, and writes its report: docs/platform.md
§16.4), then SIGKILL after a grace; the emulator runs in a session of its own, so any process still naming the run's
folder is then ended by its id.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from fixtures.cluster.providers.emulator import EXTRA_ARGS_ENV

ROOT = Path(__file__).resolve().parents[1]    # the suite the grader belongs to
GRACE = 20.0                                  # seconds from SIGINT to SIGKILL
# Plugins the graded run never uses, loaded by every pytest run of this venv: hypothesis (a self-test
# dependency: ~0.75 CPU-s per run to import) and pytest-kind-ng (kind, which the emulator replaces).
# R13 is left out unless asked for (README "For graders").
NOT_THE_SUITES = ("-p", "no:hypothesispytest", "-p", "no:pytest-kind-ng")
BROWSER_STEP = "test_r13"
_RUNNING: set[subprocess.Popen] = set()   # the suite processes of this grading, for stop_all()
_RUNNING_LOCK = threading.Lock()


@dataclasses.dataclass(frozen=True)
class RunSpec:
    student: str
    manifests: Path
    out_dir: Path                  # OUT/<student>: report.html, junit.xml, suite-output.txt, milestones.json
    name: str | None = None        # --student of the run's report
    group: str | None = None
    timeout_factor: float = 0.1
    limit: float = 300.0
    screenshots: bool = False
    time_scale: float = 1.0

    @property
    def report(self) -> Path:
        return self.out_dir / "report.html"

    @property
    def junit(self) -> Path:
        return self.out_dir / "junit.xml"

    @property
    def milestones(self) -> Path:
        return self.out_dir / "milestones.json"

    @property
    def output(self) -> Path:
        return self.out_dir / "suite-output.txt"


@dataclasses.dataclass(frozen=True)
class RunOutcome:
    returncode: int | None         # None: stopped at the limit
    seconds: float
    output: str
    milestones: dict[str, float]

    @property
    def timed_out(self) -> bool:
        return self.returncode is None

    @property
    def convergence_s(self) -> float | None:
        return max(self.milestones.values()) if self.milestones else None


def suite_argv(spec: RunSpec, workdir: Path) -> list[str]:
    argv = [sys.executable, "-m", "pytest", *NOT_THE_SUITES, "-p", "no:cacheprovider", "-q", "-o", "log_cli=false",
            "--cluster=emulator", f"--manifests={spec.manifests}", f"--html={spec.report}",
            f"--junitxml={spec.junit}", f"--timeout-factor={spec.timeout_factor:g}", f"--basetemp={workdir / 'tmp'}"]
    argv += [f"--student={spec.name or spec.student}"] + ([f"--group={spec.group}"] if spec.group else [])
    return argv + ([] if spec.screenshots else ["-k", f"not {BROWSER_STEP}"])


def suite_env(spec: RunSpec) -> dict[str, str]:
    emulator = ["--milestones", str(spec.milestones)] + (
        ["--time-scale", f"{spec.time_scale:g}"] if spec.time_scale != 1.0 else [])
    return {**os.environ, EXTRA_ARGS_ENV: shlex.join(emulator)}


def run_suite(spec: RunSpec) -> RunOutcome:
    spec.out_dir.mkdir(parents=True, exist_ok=True)
    for stale in (spec.report, spec.junit, spec.milestones):
        stale.unlink(missing_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix=f"lab4-grade-{spec.student}-"))
    started = time.perf_counter()
    try:
        with spec.output.open("w", encoding="utf-8", errors="replace") as sink:
            proc = subprocess.Popen(suite_argv(spec, workdir), cwd=ROOT, env=suite_env(spec), stdout=sink,
                                    stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
            with _RUNNING_LOCK:
                _RUNNING.add(proc)
            try:
                returncode = _wait(proc, spec.limit)
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.discard(proc)
        seconds = time.perf_counter() - started
    finally:
        end_processes_naming(workdir)
        shutil.rmtree(workdir, ignore_errors=True)
    return RunOutcome(returncode, seconds, spec.output.read_text(encoding="utf-8", errors="replace"),
                      _milestones(spec.milestones))


def stop_all() -> None:
    """The grading was interrupted: every running suite gets SIGINT, tears down and ends. The suites
    run in sessions of their own, so the terminal's Ctrl-C reaches only the grader."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for proc in running:
        _signal_group(proc, signal.SIGINT)


def _wait(proc: subprocess.Popen, limit: float) -> int | None:
    try:
        return proc.wait(limit)
    except subprocess.TimeoutExpired:
        pass
    _signal_group(proc, signal.SIGINT)
    try:
        proc.wait(GRACE)
    except subprocess.TimeoutExpired:
        _signal_group(proc, signal.SIGKILL)
        proc.wait()
    return None


def _signal_group(proc: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(proc.pid, signum)
    except ProcessLookupError:
        pass


def end_processes_naming(folder: Path, grace: float = 5.0) -> list[int]:
    """SIGTERM (then SIGKILL) to each process whose command line names `folder`: what a stopped run
    left, e.g. its emulator. Linux /proc; nothing elsewhere."""
    pids = _pids_naming(f"{folder}{os.sep}")
    for pid in pids:
        _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while pids and time.monotonic() < deadline:
        pids = [pid for pid in pids if _alive(pid)]
        time.sleep(0.05)
    for pid in pids:
        _kill(pid, signal.SIGKILL)
    return pids


def _pids_naming(text: str) -> list[int]:
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if text in cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"):
                found.append(int(cmdline.parent.name))
        except (OSError, ValueError):
            continue
    return [pid for pid in found if pid != os.getpid()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _kill(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def _milestones(path: Path) -> dict[str, float]:
    try:
        return dict(json.loads(path.read_text())["milestones"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}
