"""Bad arguments to `python -m grade`: one line naming the problem and the fix, exit 2, no traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from grade import cli
from selftests.suite.runner import ROOT


@pytest.fixture
def a_class(tmp_path):
    (tmp_path / "K3321" / "ivanov").mkdir(parents=True)
    return tmp_path / "K3321"


@pytest.mark.parametrize("args, says", [
    (["{tmp}/nope"], "CLASS {tmp}/nope does not exist: give the folder that holds one folder per student"),
    (["{tmp}/file"], "CLASS {tmp}/file is not a folder"),
    (["{tmp}/empty"], "CLASS {tmp}/empty holds no student folder"),
    (["{class}", "--jobs", "0"], "--jobs must be a positive number, not 0"),
    (["{class}", "--limit", "-5"], "--limit must be a positive number, not -5"),
    (["{class}", "--shard", "3/2"], "--shard '3/2' is not I/N with 1 <= I <= N"),
    (["{class}", "--out", "{tmp}/file"], "--out {tmp}/file is a file"),
    (["{class}", "--out", "{tmp}/photos"], "is not empty and is not an output of python -m grade"),
    (["{class}", "--out", "{class}/graded"], "is inside CLASS"),
    (["{class}", "--jobs", "two"], "argument --jobs: invalid int value: 'two'"),
])
def test_bad_arguments_are_one_line_and_exit_2(args, says, a_class, tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "cat.jpg").write_text("x")
    argv = [a.format(tmp=tmp_path, **{"class": a_class}) for a in args]
    if "invalid int" in says:   # argparse's own error: the parser exits with 2 itself
        with pytest.raises(SystemExit, match="2"):
            cli.main(argv)
    else:
        assert cli.main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("grade: error: ") and error.count("\n") == 1
    assert says.format(tmp=tmp_path) in error


def test_a_bad_roster_is_a_bad_argument(a_class, tmp_path, capsys):
    (a_class / "roster.csv").write_text("name,group\nIvan,K3321\n")
    assert cli.main([str(a_class), "--out", str(tmp_path / "graded")]) == 2
    assert "roster.csv has no column folder" in capsys.readouterr().err


def test_from_the_command_line_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "grade", str(tmp_path / "nope")], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [f"grade: error: CLASS {tmp_path / 'nope'} does not exist: give the "
                                                "folder that holds one folder per student"]
