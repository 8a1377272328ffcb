"""The harness's import contracts hold (pyproject.toml [tool.importlinter], checked by import-linter):
fixtures.gate imports nothing live, and fixtures' layers point down (report -> cluster -> gate)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONTRACTS = ("fixtures-gate-offline", "fixtures-layers")


def test_the_fixtures_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.is_file(), f"no {lint_imports}: install the tools with `pip install -r requirements.txt`"
    args = [str(lint_imports), "--no-cache", *(arg for contract in CONTRACTS for arg in ("--contract", contract))]
    run = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in run.stdout, run.stdout
