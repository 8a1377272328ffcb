"""Waits that cannot succeed end at once (CONTRIBUTING: every wait ends early when it cannot succeed):
with no workload of the lab image, or with pods that no enabled IP pool can address, the suite used
to wait out the rollout bound two or three times (126 s at --timeout-factor=0.1, each bound 60 s);
now it fails the same requirements in seconds, naming why."""
import time
from pathlib import Path

import pytest

from selftests.suite.conftest import QUICK
from selftests.suite.runner import run_suite

SETS = Path(__file__).resolve().parents[1] / "gate" / "sets"
BOUND = 60.0   # the rollout bound at QUICK: one wait out is already this long


@pytest.mark.parametrize("mistake, requirement, says", [
    ("bad-helm-chart", "R5", "no workload on the cluster runs the lab image"),
    ("bad-node-label-mismatch", "R6", "its pods cannot get an IP: react-app-"),
])
def test_a_wait_that_cannot_succeed_fails_at_once(mistake, requirement, says, tmp_path):
    started = time.monotonic()
    run = run_suite("--cluster=emulator", QUICK, f"--manifests={SETS / mistake / 'manifests'}", "-k", "not test_r13",
                    workdir=tmp_path)
    took = time.monotonic() - started
    assert run.verdicts()[requirement] == "failed", run.output[-4000:]
    assert "stopped waiting for" in run.messages(requirement) and says in run.messages(requirement)
    assert took < BOUND, f"the whole run took {took:.0f} s: some wait ran out its bound\n{run.output[-4000:]}"
    assert "INTERNALERROR" not in run.output
