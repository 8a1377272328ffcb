"""One run of the conformance suite against the emulator, timed from outside, as a student runs it."""
from __future__ import annotations

import dataclasses
import json
import os
import shlex
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BROWSER_OFF = "not test_r13"          # R13 starts Chromium: not the harness's cost, and optional
RUN_BOUND = 300.0                     # seconds: a hung run is a failed measurement, not a hang


@dataclasses.dataclass(frozen=True)
class SuiteRun:
    total_s: float                    # wall time of the pytest process
    returncode: int
    outcomes: dict[str, int]          # passed / failed / skipped -> count
    failed: tuple[str, ...]           # test ids that failed
    milestones: dict[str, float]      # the emulator's record: name -> seconds since its start
    cluster_start_s: float            # pytest launch -> the emulator's start
    by_requirement: dict[str, float]  # seconds spent in each requirement's tests (JUnit times)

    @property
    def convergence_s(self) -> float:
        """The emulator's own time to its last milestone (every app pod listening)."""
        return max(self.milestones.values(), default=0.0)

    @property
    def after_convergence_s(self) -> float:
        return self.total_s - self.cluster_start_s - self.convergence_s


def run_suite(manifests: Path, workdir: Path, *, timeline: str = "benchmark") -> SuiteRun:
    workdir.mkdir(parents=True, exist_ok=True)
    record, junit = workdir / "milestones.json", workdir / "junit.xml"
    argv = [sys.executable, "-m", "pytest", "--cluster=emulator", f"--manifests={manifests}", "-k", BROWSER_OFF,
            "-p", "no:cacheprovider", f"--junitxml={junit}", f"--html={workdir / 'report.html'}",
            f"--basetemp={workdir / 'tmp'}"]
    env = {**os.environ, "LAB4_EMULATOR_ARGS": shlex.join(["--timeline", timeline, "--milestones", str(record)])}
    launched = time.time()
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=RUN_BOUND)
    total = time.perf_counter() - started
    if not record.exists() or not junit.exists():
        raise RuntimeError(f"the suite run left no milestone record or JUnit XML (exit {proc.returncode}):\n"
                           f"{(proc.stdout + proc.stderr)[-3000:]}")
    emulator = json.loads(record.read_text())
    cases = list(_cases(junit))
    return SuiteRun(total_s=total, returncode=proc.returncode,
                    outcomes=dict(Counter(outcome for _, _, outcome, _ in cases)),
                    failed=tuple(name for name, _, outcome, _ in cases if outcome == "failed"),
                    milestones=emulator["milestones"], cluster_start_s=emulator["started_at"] - launched,
                    by_requirement=_by_requirement(cases))


def _cases(junit: Path):
    """(test id, requirement, outcome, seconds) per test case of the JUnit XML."""
    for case in ET.parse(junit).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        outcome = next((name for tag, name in (("failure", "failed"), ("error", "failed"), ("skipped", "skipped"))
                        if case.find(tag) is not None), "passed")
        yield (f"{case.get('classname')}::{case.get('name')}", props.get("requirement"), outcome,
               float(case.get("time") or 0))


def _by_requirement(cases) -> dict[str, float]:
    seconds: Counter = Counter()
    for _, requirement, _, time_s in cases:
        seconds[requirement or "-"] += time_s
    return {req: round(s, 2) for req, s in sorted(seconds.items(), key=lambda kv: _number(kv[0]))}


def _number(requirement: str) -> int:
    """R2 before R10; tests without a requirement last."""
    return int(requirement[1:]) if requirement[1:].isdigit() else 1_000
