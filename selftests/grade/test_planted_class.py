"""A class with one planted case per flag, graded through `python -m grade` in-process with the suite
run replaced by a stand-in that writes the emulator run's report (its result block) directly: the
wiring from the folders to the flags, the CSV and the page, without the cost of 10 suite runs.
The real suite runs in test_grade_end_to_end.py."""
from __future__ import annotations

import csv
import html.parser
import re

import pytest

from fixtures.gate.result_block import REQUIREMENTS
from grade import cli, crosscheck
from selftests.grade.conftest import ROSTER


@pytest.fixture
def graded(planted_class, stand_in_suite, tmp_path):
    out = tmp_path / "graded"
    code = cli.main([str(planted_class), "--out", str(out), "--jobs", "3"])
    with (out / "class.csv").open(newline="", encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    return code, out, rows


def flag_codes(row) -> set[str]:
    return {part.split(":", 1)[0] for part in row["flags"].split(" | ") if part}


def test_every_planted_case_is_flagged_with_its_reason_and_the_honest_one_is_not(graded):
    code, _, rows = graded
    assert code == 1   # one hand-in crashed the (stand-in) suite: its row says so, the rest were judged
    assert rows["honest"]["flags"] == ""
    assert flag_codes(rows["copy-a"]) == {crosscheck.SAME_CLUSTER}
    assert "same cluster identity as copy-b's report" in rows["copy-a"]["flags"]
    assert crosscheck.SAME_CLUSTER in flag_codes(rows["copy-b"]) and "as copy-a's report" in rows["copy-b"]["flags"]
    assert flag_codes(rows["emulated"]) == {crosscheck.EMULATOR_REPORT}
    assert flag_codes(rows["edited"]) == {crosscheck.VERDICTS_DIFFER} and "R6 (report passed, emulator failed)" in \
        rows["edited"]["flags"]
    assert flag_codes(rows["changed"]) == {crosscheck.MANIFESTS_DIFFER} and "changed since the report: service.yaml" \
        in rows["changed"]["flags"]
    assert flag_codes(rows["misnamed"]) == {crosscheck.ROSTER_NAME} and "'Someone Else'" in rows["misnamed"]["flags"]
    assert flag_codes(rows["silent"]) == {crosscheck.NO_REPORT}
    assert flag_codes(rows["blockless"]) == {crosscheck.NO_BLOCK}
    assert flag_codes(rows["crashing"]) == {crosscheck.SUITE_CRASHED} and "KeyError" in rows["crashing"]["flags"]


def test_the_csv_has_the_issues_columns_and_the_emulator_runs_verdicts(graded):
    _, out, rows = graded
    with (out / "class.csv").open(newline="") as handle:
        assert next(csv.reader(handle)) == ["student", *REQUIREMENTS, "flags", "seconds"]
    assert rows["edited"]["R6"] == "failed" and rows["honest"]["R6"] == "passed" and rows["honest"]["R3"] == "n/a"
    assert {rows["crashing"][req] for req in REQUIREMENTS} == {"not run"}
    assert rows["honest"]["seconds"] == "2.0"


class Cells(html.parser.HTMLParser):
    """The class page's table as (student -> {requirement: (class, title)})."""

    def __init__(self):
        super().__init__()
        self.rows, self.student = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "data-student" in attrs:
            self.student = attrs["data-student"]
            self.rows[self.student] = {}
        if tag == "td" and "data-requirement" in attrs and self.student:
            self.rows[self.student][attrs["data-requirement"]] = (attrs["class"], attrs["title"])


def test_the_page_has_a_row_per_student_with_coloured_cells_and_reasons(graded):
    _, out, _ = graded
    text = (out / "class.html").read_text(encoding="utf-8")
    cells = Cells()
    cells.feed(text)
    assert set(cells.rows) == set(ROSTER)
    assert cells.rows["edited"]["R6"] == ("verdict v-failed", "planted")
    assert "say nothing about the student's own cluster" in text and "course-repo/lab4" in text
    # Self-contained: nothing to fetch, no script to run.
    assert not re.search(r"<(script|link|img|iframe)\b", text) and not re.search(r"""(src|href)=["']?\w+:""", text)


def test_the_judged_folder_is_the_lab_four_folder_and_the_submitted_report_is_kept(graded):
    _, out, _ = graded
    record = (out / "honest" / "grade.json").read_text()
    assert '"lab_folder": "course-repo/lab4"' in record and '"judged_folder": "course-repo/lab4/manifests"' in record
    assert (out / "honest" / "submitted-report.html").is_file() and (out / "honest" / "report.html").is_file()
