"""The checkout passes ruff with the configuration of pyproject.toml ([tool.ruff]), and that
configuration bites.

The linter is the venv's `ruff` (beside this Python), run from the checkout root as a maintainer
would (`.venv/bin/ruff check .`); a violation fails here with ruff's report. To show the selected
rule families are active, a scratch module with one violation of each is checked with the same
pyproject.toml.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"


def _ruff(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = Path(sys.executable).parent / "ruff"
    assert executable.exists(), f"{executable} is missing: install ruff (pip install -r requirements.txt)"
    # --no-cache: no .ruff_cache written into the checkout, and parallel runs stay apart
    return subprocess.run([str(executable), "check", "--no-cache", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_the_checkout_passes_ruff():
    result = _ruff(ROOT, ".")
    assert result.returncode == 0, f"ruff check . found violations:\n{result.stdout}{result.stderr}"


# One violation per selected family: pyflakes, pycodestyle error and warning, isort, bugbear.
PLANTED = (
    "import sys\n"
    "import os\n"                                       # I001: unsorted; F401: unused
    "\n"
    "\n"
    "def grow(item, into=[]):   \n"                     # B006: mutable default; W291: trailing space
    f"    return into + [item, {'1' * 110}]\n"          # E501: over 120 columns
)


def test_the_configuration_selects_each_rule_family(tmp_path: Path):
    shutil.copy(PYPROJECT, tmp_path / "pyproject.toml")
    (tmp_path / "planted.py").write_text(PLANTED)
    result = _ruff(tmp_path, "--output-format", "concise", ".")
    assert result.returncode == 1, result.stdout + result.stderr
    for code in ("F401", "E501", "W291", "I001", "B006"):
        assert f" {code} " in result.stdout, f"ruff did not report {code}:\n{result.stdout}"
