"""The R11 tests as a student runs them (`pytest --cluster=none`, a subprocess): the reference
manifests pass; a set with broken YAML fails R11, naming the file and line, with no internal error."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETS = Path(__file__).parent / "sets"


def run_r11(manifests: Path, workdir: Path) -> tuple[subprocess.CompletedProcess, dict[str, str]]:
    junit = workdir / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "tests/test_r11_manifests.py", "--cluster=none", "-p", "no:cacheprovider",
         f"--manifests={manifests}", f"--junitxml={junit}", f"--html={workdir / 'report.html'}", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[case.get("name")] = "failed" if failed else "passed"
    return proc, outcomes


def test_reference_manifests_pass(tmp_path):
    proc, outcomes = run_r11(ROOT / "manifests", tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert len(outcomes) == 7 and set(outcomes.values()) == {"passed"}


def test_broken_yaml_fails_r11_naming_the_file(tmp_path):
    proc, outcomes = run_r11(SETS / "bad-broken-yaml" / "manifests", tmp_path)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert outcomes["test_yaml_parses"] == "failed"
    assert "ERROR deployment.yaml:24 (document 1): YAML does not parse" in proc.stdout
    assert "INTERNALERROR" not in proc.stdout + proc.stderr and "Traceback" not in proc.stdout
