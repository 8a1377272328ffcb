"""The import contracts of pyproject.toml ([tool.importlinter]) hold, and they bite.

The checker is import-linter's `lint-imports` (the venv's, beside this Python), run on the checkout;
a broken contract fails here with its report. To show the contracts can fail, the emulator and the
fixtures are copied into a scratch tree with one import planted that each contract forbids.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "lint-imports"
    assert executable.exists(), f"{executable} is missing: install import-linter (pip install -r requirements.txt)"
    # --no-cache: no .import_linter_cache written into the checkout, and parallel runs stay apart
    return subprocess.run([str(executable), "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_the_import_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, f"an import contract of pyproject.toml is broken:\n{result.stdout}{result.stderr}"
    assert "0 broken" in result.stdout


def _scratch_tree(tmp_path: Path) -> Path:
    """The emulator, the fixtures and pyproject.toml; the other root packages as empty stand-ins."""
    for package in ("emulator", "fixtures"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    for package in tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["root_packages"]:
        (tmp_path / package).mkdir(exist_ok=True)
        (tmp_path / package / "__init__.py").touch()
    return tmp_path


def _plant(path: Path, line: str) -> None:
    # appended at the end: lint-imports reads imports anywhere in a module and never runs it
    path.write_text(path.read_text() + f"\n{line}\n")


@pytest.mark.parametrize("contract, module, planted, reported", [
    ("emulator-layers", "emulator/apiserver/store.py", "from ..kubelet import pod_status",
     "emulator.apiserver.store -> emulator.kubelet.pod_status"),
    ("emulator-layers", "emulator/runtime/network.py", "from ..apiserver.store import Store",
     "emulator.runtime.network -> emulator.apiserver.store"),
    ("emulator-layers", "emulator/base/ids.py", "from ..seed import nodes", "emulator.base.ids -> emulator.seed.nodes"),
    ("emulator-standalone", "emulator/kubelet/probes.py", "import fixtures", "emulator.kubelet.probes -> fixtures"),
    ("fixtures-gate-offline", "fixtures/gate/findings.py", "import kubernetes", "fixtures.gate.findings -> kubernetes"),
    ("fixtures-gate-offline", "fixtures/gate/findings.py", "import pytest", "fixtures.gate.findings -> pytest"),
    ("fixtures-layers", "fixtures/gate/findings.py", "from fixtures.cluster import waiting",
     "fixtures.gate.findings -> fixtures.cluster.waiting"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path, contract, module, planted, reported):
    tree = _scratch_tree(tmp_path)
    assert _lint_imports(tree, "--contract", contract).returncode == 0    # the copy alone keeps it
    _plant(tree / module, planted)
    result = _lint_imports(tree, "--contract", contract)
    assert result.returncode == 1 and "1 broken" in result.stdout, result.stdout + result.stderr
    assert reported in result.stdout


def test_a_new_emulator_package_must_take_a_layer(tmp_path):
    tree = _scratch_tree(tmp_path)
    (tree / "emulator" / "unplaced").mkdir()
    (tree / "emulator" / "unplaced" / "__init__.py").touch()
    result = _lint_imports(tree, "--contract", "emulator-layers")
    assert result.returncode == 1 and "emulator.unplaced" in result.stdout, result.stdout + result.stderr
