"""Runs the conformance suite as a student would (a pytest subprocess) and reads its JUnit XML."""
from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclasses.dataclass
class Case:
    name: str
    requirement: str | None
    outcome: str        # passed | failed | skipped | error
    message: str
    seconds: float = 0.0   # JUnit's time: setup, call and teardown


@dataclasses.dataclass
class SuiteRun:
    returncode: int
    output: str
    cases: list[Case]
    workdir: Path

    def outcomes(self, requirement: str) -> set[str]:
        return {c.outcome for c in self.cases if c.requirement == requirement}

    def verdicts(self) -> dict[str, str]:
        """Per requirement: failed if any test failed, passed if any passed, else skipped."""
        result = {}
        for req in {c.requirement for c in self.cases if c.requirement}:
            outcomes = self.outcomes(req)
            result[req] = next(o for o in ("error", "failed", "passed", "skipped") if o in outcomes)
        return result

    def messages(self, requirement: str) -> str:
        return "\n".join(c.message for c in self.cases if c.requirement == requirement)

    def case(self, name: str) -> Case:
        """The one test case whose name ends with `name` (e.g. "test_the_deployment_rolls_out_the_lab_image")."""
        [found] = [c for c in self.cases if c.name.endswith("." + name)]
        return found


def suite_argv(*args: str, workdir: Path, html: bool = True) -> list[str]:
    """The pytest command line of a run whose JUnit XML (and report, unless html=False) go to workdir."""
    report = [f"--html={workdir / 'report.html'}", "--self-contained-html"] if html else []
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={workdir / 'junit.xml'}",
            *report, f"--basetemp={workdir / 'tmp'}", *args]


def suite_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def run_suite(*args: str, workdir: Path, timeout: float = 300, html: bool = True) -> SuiteRun:
    """html=False leaves the report options to `args` (or to the suite's defaults)."""
    proc = subprocess.run(suite_argv(*args, workdir=workdir, html=html), cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, env=suite_env())
    return read_run(proc.returncode, proc.stdout + proc.stderr, workdir)


def read_run(returncode: int, output: str, workdir: Path) -> SuiteRun:
    junit = workdir / "junit.xml"
    return SuiteRun(returncode, output, _read_junit(junit) if junit.exists() else [], workdir)


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes that mention `text` (e.g. a run's folder): what a run left behind."""
    return list(pids_mentioning(text).values())


def pids_mentioning(text: str) -> dict[int, str]:
    """PID -> command line of the live processes whose command line mentions `text` (a zombie has none)."""
    found = {}
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            line = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in line:
            found[int(cmdline.parent.name)] = line.strip()
    return found


def leaked_strings(run: SuiteRun, secrets: list[str]) -> list[str]:
    """Which of the secrets (plain or base64) appear in the run's output or any file it wrote."""
    import base64
    forms = {s for secret in secrets for s in (secret, base64.b64encode(secret.encode()).decode())}
    texts = {"output": run.output}
    for path in run.workdir.rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode(errors="replace")
    return sorted(f"{form!r} in {where}" for where, text in texts.items() for form in forms if form in text)


def _read_junit(path: Path) -> list[Case]:
    cases = []
    for case in ET.parse(path).getroot().iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        outcome, message = "passed", ""
        for tag in ("failure", "error", "skipped"):
            node = case.find(tag)
            if node is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[tag]
                message = "\n".join(part for part in (node.get("message"), node.text) if part)
                break
        cases.append(Case(f"{case.get('classname')}.{case.get('name')}", props.get("requirement"),
                          outcome, message, float(case.get("time") or 0)))
    return cases
