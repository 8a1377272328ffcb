"""The offline gate against the kubernetes-validate command line, each a whole process on the same files."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.suite_run import ROOT, RUN_BOUND
from fixtures.gate.kubernetes_version import DEFAULT_KUBERNETES_VERSION


@dataclasses.dataclass(frozen=True)
class Timed:
    seconds: float
    returncode: int


def timed(argv: list[str]) -> Timed:
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, timeout=RUN_BOUND)
    return Timed(time.perf_counter() - started, proc.returncode)


def run_gate(folder: Path, workdir: Path) -> Timed:
    """`pytest --cluster=none --manifests=DIR`: R11 as CI runs it, report.html included."""
    return timed([sys.executable, "-m", "pytest", "--cluster=none", f"--manifests={folder}", "-p", "no:cacheprovider",
                  f"--html={workdir / 'gate-report.html'}", f"--basetemp={workdir / 'gate-tmp'}"])


def run_kubernetes_validate(files: list[Path]) -> Timed:
    tool = shutil.which("kubernetes-validate", path=str(Path(sys.executable).parent)) or "kubernetes-validate"
    return timed([tool, "--strict", "-k", DEFAULT_KUBERNETES_VERSION, *map(str, files)])
