"""Manifest mistakes through the whole suite (`pytest --cluster=none`): each fails R11 with the
finding its set's expected.yaml names, in the run's output and JUnit XML, and never an internal error."""
from pathlib import Path

import pytest
import yaml

from selftests.suite.runner import run_suite

SETS = Path(__file__).resolve().parents[1] / "gate" / "sets"
MISTAKES = sorted(p.name for p in SETS.iterdir() if p.name.startswith("bad-") and
                  any(f["severity"] == "error" for f in yaml.safe_load((p / "expected.yaml").read_text())["findings"]))


def test_there_are_enough_mistakes():
    assert len(MISTAKES) >= 25


@pytest.mark.parametrize("mistake", MISTAKES)
def test_a_manifest_mistake_fails_r11_and_names_it(mistake, tmp_path):
    run = run_suite("--cluster=none", f"--manifests={SETS / mistake / 'manifests'}", workdir=tmp_path)
    assert run.returncode == 1, run.output[-3000:]
    assert run.verdicts().get("R11") == "failed"
    errors = [f["message"] for f in yaml.safe_load((SETS / mistake / "expected.yaml").read_text())["findings"]
              if f["severity"] == "error"]
    messages = run.messages("R11")
    for words in errors:
        assert words in messages or words in run.output, f"R11 does not say {words!r}:\n{messages}"
    assert "INTERNALERROR" not in run.output and "Traceback" not in run.output
