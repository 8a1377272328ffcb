"""`python -m grade` on a small class, end to end: three hand-ins judged by the real suite on their own
emulated clusters, side by side, and the class page read back through the DOM in headless Chromium
(the browser of docs/platform.md §14): one row per student, each requirement's cell coloured by its
verdict with the first reason as its tooltip, the folder used, the flags, and links that resolve."""
from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from fixtures.gate.result_block import render
from fixtures.report.screenshots import LAUNCH_ARGS, SYSTEM_CHROMIUM
from selftests.grade.blocks import digests, honest
from selftests.suite.runner import ROOT, processes_mentioning

SETS = ROOT / "selftests" / "gate" / "sets"
GREEN, RED = "rgb(211, 243, 220)", "rgb(255, 220, 215)"    # the page's #d3f3dc and #ffdcd7


def hand_in(folder: Path, manifests: Path, report: dict | None = None, replicas: int | None = None) -> None:
    shutil.copytree(manifests, folder / "manifests")
    if replicas is not None:
        deployment = folder / "manifests" / "deployment.yaml"
        deployment.write_text(re.sub(r"(?m)^(\s*replicas:\s*)\d+", rf"\g<1>{replicas}", deployment.read_text()))
    if report is not None:
        files = {p.relative_to(folder / "manifests").as_posix(): p.read_bytes()
                 for p in (folder / "manifests").rglob("*.yaml")}
        block = render(report | {"manifests": {"root": "manifests", "files": digests(files)}})
        (folder / "report.html").write_text(f"<html><body><h1>ITMO lab 4 conformance report</h1>{block}</body></html>")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("class") / "K3321"
    hand_in(root / "ivanov" / "course-repo" / "lab4", ROOT / "manifests", honest("Ivan Ivanov"))
    (root / "ivanov" / "course-repo" / "lab3").mkdir()
    # A hand edit: one replica handed in, a report that still says R6 and R11 passed.
    hand_in(root / "petrov" / "course-repo" / "Lab 4", ROOT / "manifests", honest("Petr Petrov"), replicas=1)
    hand_in(root / "sidorov", SETS / "bad-helm-chart" / "manifests")
    (root / "roster.csv").write_text("folder,name,group\nivanov,Ivan Ivanov,K3321\npetrov,Petr Petrov,K3321\n"
                                     "sidorov,Sidor Sidorov,K3321\n")
    out = root.parent / "graded"
    proc = subprocess.run([sys.executable, "-m", "grade", str(root), "--out", str(out), "--jobs", "3"], cwd=ROOT,
                          capture_output=True, text=True, timeout=400)
    return proc, out


def test_every_hand_in_was_judged_and_the_csv_says_what_the_runs_found(graded):
    proc, out = graded
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = {row["student"]: row for row in csv.DictReader((out / "class.csv").open())}
    assert rows["ivanov"]["flags"] == "" and rows["ivanov"]["R6"] == "passed" and rows["ivanov"]["R8"] == "passed"
    assert rows["petrov"]["R6"] == "failed" and "R6 (report passed, emulator failed)" in rows["petrov"]["flags"]
    # a chart not rendered: no Deployment (R6); R5's pod check is skipped for it, not failed (issue 11)
    assert rows["sidorov"]["R6"] == "failed" and rows["sidorov"]["flags"].startswith("no-report:")
    assert {rows[s]["R13"] for s in rows} == {"not run"}     # screenshots are off unless --screenshots
    assert "grading" in proc.stderr and "3/3" in proc.stderr  # the progress bar


@pytest.fixture(scope="module")
def page_rows(graded):
    """The class page's table as Chromium's DOM has it."""
    if not SYSTEM_CHROMIUM.is_file():
        pytest.skip(f"no Chromium at {SYSTEM_CHROMIUM} to read the class page with (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    _, out = graded
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(SYSTEM_CHROMIUM), args=list(LAUNCH_ARGS))
        try:
            page = browser.new_page()
            fetched = []
            page.on("request", lambda request: fetched.append(request.url))
            page.goto((out / "class.html").as_uri())
            rows = page.evaluate("""() => [...document.querySelectorAll('#class tbody tr')].map(tr => ({
                student: tr.dataset.student,
                folder: tr.querySelector('td.folder').innerText,
                cells: Object.fromEntries([...tr.querySelectorAll('td[data-requirement]')].map(td =>
                    [td.dataset.requirement, {text: td.innerText, title: td.title,
                                              background: getComputedStyle(td).backgroundColor}])),
                flags: [...tr.querySelectorAll('li.flag')].map(li => li.dataset.code),
                links: [...tr.querySelectorAll('a')].map(a => a.href)}))""")
            notice = page.inner_text(".notice")
        finally:
            browser.close()
    return {row["student"]: row for row in rows}, notice, fetched


def test_the_class_page_has_a_row_per_student_read_through_the_dom(page_rows):
    rows, notice, fetched = page_rows
    assert sorted(rows) == ["ivanov", "petrov", "sidorov"]
    assert all(len(row["cells"]) == 13 for row in rows.values())
    assert [u for u in fetched if not u.startswith("file:")] == []      # self-contained
    assert "say nothing about the student's own cluster" in notice


def test_cells_are_coloured_by_verdict_with_the_first_reason_as_tooltip(page_rows):
    rows, _, _ = page_rows
    passed, failed = rows["ivanov"]["cells"]["R6"], rows["petrov"]["cells"]["R6"]
    assert (passed["text"], passed["background"]) == ("passed", GREEN)
    assert (failed["text"], failed["background"]) == ("failed", RED)
    assert "1 replica" in failed["title"] and "the lab needs 2" in failed["title"]


def test_the_folder_used_the_flags_and_the_links(page_rows):
    rows, _, _ = page_rows
    assert rows["ivanov"]["folder"].startswith("course-repo/lab4") and "manifests/" in rows["ivanov"]["folder"]
    assert rows["petrov"]["folder"].startswith("course-repo/Lab 4")
    assert rows["sidorov"]["folder"] == "the whole folder"
    assert rows["ivanov"]["flags"] == [] and rows["sidorov"]["flags"] == ["no-report"]
    assert "verdicts-differ" in rows["petrov"]["flags"]
    for row in rows.values():
        for url in row["links"]:
            assert Path(urllib.parse.unquote(urllib.parse.urlparse(url).path)).is_file(), url


def test_a_hand_in_past_the_limit_is_a_row_that_says_so_and_leaves_nothing_running(tmp_path):
    """--limit: SIGINT, then SIGKILL, then the processes naming the run's folder (its emulator)."""
    student = f"slow-{tmp_path.name}"
    shutil.copytree(ROOT / "manifests", tmp_path / "class" / student)
    out = tmp_path / "graded"
    proc = subprocess.run([sys.executable, "-m", "grade", str(tmp_path / "class"), "--out", str(out), "--limit", "3"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr[-3000:]
    (row,) = csv.DictReader((out / "class.csv").open())
    assert "timed-out: the suite did not finish within --limit 3 s" in row["flags"].split(" | ")
    assert f"not judged: {student}" in proc.stderr
    assert processes_mentioning(f"lab4-grade-{student}-") == []
