"""OUT/class.html: one self-contained page (inline style, no script, no outside resource) with a row
per student: a cell per requirement coloured by the emulator run's verdict, its first reason as the
cell's tooltip (title attribute), the folder judged, the run's seconds, the flags, and links to the
student's reports under OUT/<student>/."""
from __future__ import annotations

import dataclasses
import datetime
import html
import urllib.parse

from fixtures.gate.result_block import REQUIREMENTS
from grade.crosscheck import NO_REPORT, SEVERAL_REPORTS, Flag
from grade.records import Record

TABLE_ID = "class"
# What the emulator's verdicts can and cannot say (README "For graders").
CLUSTER_BOUND = ("R1", "R2", "R12", "R13")
CLUSTER_BOUND_NOTE = "on the emulator: says nothing about the student's own cluster"
# Flags that only say what was handed in, shown quieter than the ones that ask the grader to look.
NOTES = (NO_REPORT, SEVERAL_REPORTS)


@dataclasses.dataclass(frozen=True)
class PageInfo:
    title: str                     # the class folder's name
    suite_version: str
    screenshots: bool              # R13 was run
    shards: str = ""               # "shard 1/3", "merged from shards 1-3 of 3", or ""
    generated: str = ""            # ISO time; now when empty


def render(records: list[Record], flags: dict[str, list[Flag]], info: PageInfo) -> str:
    records = sorted(records, key=lambda r: r.student)
    generated = info.generated or datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    head = (f"<h1>Lab 4 grading: {_e(info.title)}</h1>"
            f"<p class=\"meta\">{len(records)} hand-in(s); suite {_e(info.suite_version)}; {_e(generated)}"
            f"{'; ' + _e(info.shards) if info.shards else ''}</p>")
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lab 4 grading: {_e(info.title)}"
            f"</title><style>{STYLE}</style></head><body>{head}{_notice(info)}{_legend()}"
            f"{_table(records, flags)}</body></html>")


def _notice(info: PageInfo) -> str:
    r13 = ("R13's screenshots were taken of the emulated app (--screenshots)." if info.screenshots else
           "R13 (screenshots) was not run: on the emulator it would photograph the emulated app, not the "
           "student's; pass --screenshots to run it anyway.")
    return ("<div class=\"notice\"><p><strong>Each hand-in was judged from its own manifests on a fresh emulated "
            "cluster, not on the student's cluster.</strong> R1, R2, R12 and R13 describe the cluster the suite "
            "ran on, here the emulator: their verdicts on this page say nothing about the student's own cluster. "
            "R4&ndash;R11 follow from the manifests. " + r13 + "</p><p>Flags compare the report the student "
            "handed in with this run and with the other students' reports; each is a reason to look, not a "
            "verdict.</p></div>")


def _legend() -> str:
    cells = "".join(f'<span class="verdict v-{_slug(v)}">{v}</span> ' for v in
                    ("passed", "failed", "skipped", "not run", "n/a"))
    return f'<p class="legend">{cells}&nbsp; hover a cell for its first reason</p>'


def _table(records: list[Record], flags: dict[str, list[Flag]]) -> str:
    header = "".join(_requirement_header(req) for req in REQUIREMENTS)
    body = "".join(_row(r, flags.get(r.student, [])) for r in records)
    return (f'<table id="{TABLE_ID}"><thead><tr><th>student</th><th>folder used</th>{header}<th>seconds</th>'
            f"<th>flags</th><th>reports</th></tr></thead><tbody>{body}</tbody>{_totals(records)}</table>")


def _requirement_header(req: str) -> str:
    if req in CLUSTER_BOUND:
        return f'<th class="cluster-bound" title="{_e(CLUSTER_BOUND_NOTE)}">{req}</th>'
    return f"<th>{req}</th>"


def _row(record: Record, flags: list[Flag]) -> str:
    cells = "".join(_verdict_cell(req, *(record.verdicts.get(req) or ["not run", record.problem]))
                    for req in REQUIREMENTS)
    return (f'<tr data-student="{_e(record.student)}" class="status-{_slug(record.status)}">'
            f'<td class="student">{_e(record.student)}</td><td class="folder">{_folder(record)}</td>{cells}'
            f'<td class="seconds" title="{_e(_convergence(record))}">{record.seconds:.1f}</td>'
            f'<td class="flags">{_flags(flags)}</td><td class="links">{_links(record)}</td></tr>')


def _verdict_cell(req: str, verdict: str, reason: str = "") -> str:
    bound = " cluster-bound" if req in CLUSTER_BOUND else ""
    return (f'<td class="verdict v-{_slug(verdict)}{bound}" data-requirement="{req}" title="{_e(reason or verdict)}">'
            f"{_e(verdict)}</td>")


def _folder(record: Record) -> str:
    used = "the whole folder" if record.lab_folder == "." else record.lab_folder
    text = _e(used)
    if record.judged_folder != record.lab_folder:
        inner = record.judged_folder.removeprefix("" if record.lab_folder == "." else record.lab_folder + "/")
        text += f'<br><small>manifests: {_e(inner)}/</small>'
    if record.other_lab_folders:
        text += f'<br><small>also found: {_e(", ".join(record.other_lab_folders))}</small>'
    return text


def _convergence(record: Record) -> str:
    if record.convergence_s is None:
        return "no milestone record"
    return f"the emulated cluster's own convergence: {record.convergence_s:.1f} s"


def _flags(flags: list[Flag]) -> str:
    if not flags:
        return ""
    items = "".join(f'<li class="{"flag note" if f.code in NOTES else "flag"}" data-code="{_e(f.code)}">'
                    f"<b>{_e(f.code)}</b> {_e(f.text)}</li>" for f in flags)
    return f"<ul>{items}</ul>"


def _links(record: Record) -> str:
    base = urllib.parse.quote(record.student)
    links = [f'<a href="{base}/report.html">emulator run</a>', f'<a href="{base}/junit.xml">JUnit</a>']
    if record.submitted_copy:
        links.append(f'<a href="{base}/{urllib.parse.quote(record.submitted_copy)}" '
                     f'title="{_e(record.submitted)}">handed in</a>')
    return " &middot; ".join(links)


def _totals(records: list[Record]) -> str:
    cells = "".join(f"<td>{sum(1 for r in records if (r.verdicts.get(req) or [''])[0] == 'passed')}</td>"
                    for req in REQUIREMENTS)
    return (f'<tfoot><tr><td colspan="2">passed, of {len(records)}</td>{cells}<td colspan="3"></td>'
            f"</tr></tfoot>")


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower())


def _e(value) -> str:
    return html.escape(str(value), quote=True)


STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 16px; color: #1f2328; }
h1 { font-size: 20px; margin: 0 0 4px; }
.meta { color: #57606a; margin: 0 0 10px; }
.notice { border: 2px solid #bf8700; background: #fff8c5; padding: 6px 12px; margin: 8px 0; }
.notice p { margin: 4px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; position: sticky; top: 0; }
th.cluster-bound { background: #eaeef2; color: #57606a; font-style: italic; }
td.verdict { text-align: center; white-space: nowrap; }
td.cluster-bound { opacity: 0.55; font-style: italic; }
.verdict { padding: 1px 6px; }
.v-passed { background: #d3f3dc; color: #116329; }
.v-failed { background: #ffdcd7; color: #a40e26; font-weight: bold; }
.v-skipped { background: #fff1c5; color: #7a5300; }
.v-not-run, .v-n-a { background: #eaeef2; color: #57606a; }
tr.status-crashed td.student, tr.status-timed-out td.student { background: #ffdcd7; }
td.flags ul { margin: 0; padding-left: 16px; }
td.flags li { color: #a40e26; }
td.flags li.note { color: #57606a; }
td.seconds { text-align: right; }
tfoot td { background: #f6f8fa; font-weight: bold; text-align: center; }
"""
