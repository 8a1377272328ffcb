"""The R11 tests as a student runs them (`pytest --cluster=none`, a subprocess): the reference
manifests pass; a set with broken YAML fails R11, naming the file and line, with no internal error."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from fixtures.gate import result_block

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


def test_the_r11_reason_in_the_result_block_says_what_is_wrong(tmp_path):
    """Seen in AnyaSok/2022_2023-introduction_to_distributed_technologies-k4111c-sokolova_a_a:lab4/deployment.yml
    (a Deployment alone: no pools, no Service): the report's and the class page's reason for R11 was the
    failure's first line, "1 error(s) in the manifests (ip-pools):", which names no error."""
    manifests = tmp_path / "lab4"
    manifests.mkdir()
    (manifests / "deployment.yml").write_text((ROOT / "manifests" / "deployment.yaml").read_text())
    proc, outcomes = run_r11(manifests, tmp_path)
    assert proc.returncode == 1 and outcomes["test_ip_pools"] == "failed", proc.stdout + proc.stderr
    verdict = result_block.read((tmp_path / "report.html").read_text())["requirements"]["R11"]
    assert verdict["verdict"] == "failed"
    assert verdict["reason"].startswith("1 error(s) in the manifests (ip-pools): ERROR (all files): the lab needs "
                                        "at least two enabled pools"), verdict
