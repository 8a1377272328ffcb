"""Python 3.10 or newer, said in one line on an older interpreter (docs/platform.md §10.3).

The pinned wheels declare Requires-Python >=3.10 (kubernetes 36.0.3, pytest 9.2.0, tenacity 9.2.1, playwright
1.65.2: their METADATA). An old interpreter is simulated by setting `sys.version_info` right before pytest loads
the root conftest (a `pytest_load_initial_conftests` hook of a `-p` plugin: after pytest's own plugins and the
installed ones are imported, before conftest.py is), which is where the real 3.9 would first meet the suite.
"""
import ast
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.gate.python_version import problem
from selftests.suite.runner import ROOT

# Everything Python compiles or runs before the check: these must parse with an old grammar.
BEFORE_THE_CHECK = ["conftest.py", "fixtures/__init__.py", "fixtures/gate/__init__.py",
                    "fixtures/gate/python_version.py"]

AS_PYTHON_39 = '''
import sys
import pytest

class VersionInfo(tuple):
    major, minor, micro, releaselevel, serial = 3, 9, 6, "final", 0

@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    sys.version_info = VersionInfo((3, 9, 6, "final", 0))
'''


def test_an_old_interpreter_gets_one_line_naming_the_version_and_the_fix():
    line = problem((3, 9, 6, "final", 0), "/usr/bin/python3")
    assert "\n" not in line
    assert "needs Python 3.10 or newer, but this is Python 3.9.6 (/usr/bin/python3)" in line
    assert "python3.12 -m venv .venv" in line


@pytest.mark.parametrize("version", [(3, 10, 0), (3, 11, 7), (3, 14, 0), (4, 0, 0)])
def test_a_new_enough_interpreter_passes(version):
    assert problem(version + ("final", 0), sys.executable) is None


def test_the_suite_on_python_3_9_prints_one_line_and_exits_4(tmp_path):
    (tmp_path / "as_python39.py").write_text(AS_PYTHON_39)
    env = {"PATH": str(Path(sys.executable).parent), "PYTHONPATH": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "as_python39", "-p", "no:cacheprovider",
                          "--cluster=none", f"--basetemp={tmp_path / 'tmp'}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, env=env)
    lines = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    assert run.returncode == 4, run.stdout + run.stderr
    assert len(lines) == 1, lines
    assert lines[0].startswith("lab4: the suite needs Python 3.10 or newer, but this is Python 3.9.6")


@pytest.mark.parametrize("path", BEFORE_THE_CHECK)
def test_what_runs_before_the_check_parses_as_python_3_7(path):
    ast.parse((ROOT / path).read_text(), filename=path, feature_version=(3, 7))


def test_the_grammar_check_catches_a_match_statement():
    with pytest.raises(SyntaxError):
        ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 7))


def test_the_root_conftest_imports_the_check_first():
    body = ast.parse((ROOT / "conftest.py").read_text()).body
    statements = [node for node in body if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))]
    assert isinstance(statements[0], ast.ImportFrom) and statements[0].module == "__future__"
    assert isinstance(statements[1], ast.Import) and statements[1].names[0].name == "fixtures.gate.python_version"


def test_the_readme_says_it_before_the_first_command():
    readme = (ROOT / "README.md").read_text()
    assert "Python 3.10 or newer" in readme[:readme.index("```")]
