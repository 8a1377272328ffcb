"""Fixtures for running the whole suite as a subprocess, as a student or CI would."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from selftests.suite.runner import ROOT

STANDINS = Path(__file__).parent / "standins"
# Quick self-tests: every bound of the suite shrinks tenfold (calico 30 s, rollout and app 60 s).
QUICK = "--timeout-factor=0.1"


@pytest.fixture
def standins(tmp_path, monkeypatch):
    """Stand-in executables (minikube, kind, kubectl, docker) first on PATH, recording their calls."""
    state = tmp_path / "standin-state"
    state.mkdir()
    env = {"STANDIN_STATE": str(state), "STANDIN_ROOT": str(ROOT), "STANDIN_PYTHON": sys.executable,
           "KUBECONFIG": str(tmp_path / "kubeconfig"), "PATH": f"{STANDINS}{os.pathsep}{os.environ['PATH']}"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    yield state
    pid = state / "pid"
    if pid.exists():  # a failed test may leave the emulator of a stand-in running
        try:
            os.kill(int(pid.read_text()), 15)
        except (ProcessLookupError, ValueError):
            pass


def calls(state: Path) -> list[str]:
    path = state / "calls"
    return path.read_text().splitlines() if path.exists() else []
