"""A class graded: each hand-in of the shard judged (pool), each handed-in report cross-checked, the
rows written, and the class page and CSV made over them."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from fixtures import SUITE_VERSION
from fixtures.gate.manifests import manifest_files
from fixtures.gate.result_block import manifest_digests
from grade import class_csv, class_page, crosscheck, records, shards
from grade.class_flags import all_flags
from grade.crosscheck import Flag
from grade.discovery import HandIn, judged_folder
from grade.pool import run_all
from grade.records import CRASHED, JUDGED, TIMED_OUT, Record
from grade.roster import Entry
from grade.runner import RunSpec, run_suite, stop_all
from grade.submitted import Submitted, find_submitted
from grade.verdicts import own_verdicts

SUBMITTED_COPY = "submitted-report.html"


@dataclasses.dataclass(frozen=True)
class Options:
    out: Path
    jobs: int
    limit: float
    timeout_factor: float
    screenshots: bool
    shard: shards.Shard
    time_scale: float = 1.0


def grade_class(class_name: str, hand_ins: list[HandIn], roster: dict[str, Entry], options: Options) -> list[Record]:
    students = [h.student for h in hand_ins]
    # Written first, so that an interrupted grading's folder is still known as the grader's own.
    shards.write_run(options.out, class_name=class_name, shard=options.shard, students=students,
                     options=_jsonable(options))

    def judge_and_keep(hand_in: HandIn) -> Record:
        row = judge_safely(hand_in, roster.get(hand_in.student), options)
        records.save(row, options.out)
        return row

    rows = run_all(hand_ins, judge_and_keep, workers=options.jobs, outcome=lambda r: (_failing(r), r.judged),
                   on_interrupt=stop_all)
    write_class(options.out, rows, class_name, options, students)
    return rows


def write_class(out: Path, rows: list[Record], class_name: str, options: Options, students: list[str],
                merged_from: list[str] | None = None) -> None:
    flags = all_flags(rows)
    class_csv.write(out / "class.csv", rows, flags)
    shard_text = (f"merged from {len(merged_from)} shard(s)" if merged_from else
                  f"shard {options.shard}" if options.shard.count > 1 else "")
    info = class_page.PageInfo(class_name, SUITE_VERSION, options.screenshots, shard_text)
    (out / "class.html").write_text(class_page.render(rows, flags, info), encoding="utf-8")
    shards.write_run(out, class_name=class_name, shard=shards.ALL if merged_from else options.shard,
                     students=students, options=_jsonable(options), merged_from=merged_from)


def judge_safely(hand_in: HandIn, entry: Entry | None, options: Options) -> Record:
    """A hand-in that breaks the grader itself is a row that says so, never the end of the run."""
    try:
        return judge(hand_in, entry, options)
    except Exception as exc:  # the row carries it; the other hand-ins go on
        problem = f"the grader could not judge this hand-in: {type(exc).__name__}: {exc}".splitlines()[0]
        return Record(hand_in.student, hand_in.relative(hand_in.lab), hand_in.relative(hand_in.lab), [], CRASHED,
                      problem, 0.0, None, {}, flags=[Flag(crosscheck.SUITE_CRASHED, problem)])


def judge(hand_in: HandIn, entry: Entry | None, options: Options) -> Record:
    submitted = find_submitted(hand_in)
    reported = list(submitted.data["manifests"]["files"]) if submitted and submitted.data else None
    judged = judged_folder(hand_in, reported)
    spec = RunSpec(hand_in.student, judged.resolve(), options.out / hand_in.student,
                   name=entry.name if entry and entry.name else None, group=entry.group if entry else None,
                   timeout_factor=options.timeout_factor, limit=options.limit, screenshots=options.screenshots,
                   time_scale=options.time_scale)
    outcome = run_suite(spec)
    verdicts = own_verdicts(spec.report, spec.junit)
    status, problem = _status(outcome, verdicts, options.limit)
    emulator = {req: v for req, (v, _) in verdicts.items()} if verdicts and status == JUDGED else None
    flags = _run_flags(status, problem) + _submitted_flags(hand_in, submitted, judged, emulator, entry)
    return Record(
        student=hand_in.student, lab_folder=hand_in.relative(hand_in.lab), judged_folder=hand_in.relative(judged),
        other_lab_folders=[hand_in.relative(p) for p in hand_in.other_labs], status=status, problem=problem,
        seconds=round(outcome.seconds, 2), convergence_s=outcome.convergence_s,
        verdicts={req: list(v) for req, v in (verdicts or {}).items()},
        submitted=hand_in.relative(submitted.path) if submitted else "",
        submitted_copy=_copy_submitted(submitted, spec.out_dir),
        submitted_data=submitted.data if submitted else None, flags=flags)


def _status(outcome, verdicts, limit: float) -> tuple[str, str]:
    if outcome.timed_out:
        return TIMED_OUT, f"the suite did not finish within --limit {limit:g} s"
    if outcome.returncode not in (0, 1) or verdicts is None:
        return CRASHED, f"the suite ended with exit code {outcome.returncode}: {problem_line(outcome.output)}"
    return JUDGED, ""


def problem_line(output: str) -> str:
    """The line of the suite's output that says what went wrong: pytest's exit message or internal
    error if there is one, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for line in reversed(lines):
        if "INTERNALERROR>" in line or "Exit:" in line or line.startswith("ERROR:"):
            return line.strip("! ").removeprefix("INTERNALERROR> ")[:300]
    return lines[-1][:300] if lines else "no output"


def _run_flags(status: str, problem: str) -> list[Flag]:
    code = {CRASHED: crosscheck.SUITE_CRASHED, TIMED_OUT: crosscheck.TIMED_OUT}.get(status)
    return [Flag(code, problem)] if code else []


def _submitted_flags(hand_in: HandIn, submitted: Submitted | None, judged: Path, emulator, entry) -> list[Flag]:
    if submitted is None:
        return [Flag(crosscheck.NO_REPORT, "no report.html of the suite was handed in")]
    flags = []
    if submitted.others:
        flags.append(Flag(crosscheck.SEVERAL_REPORTS, f"{len(submitted.others) + 1} reports handed in; the newest, "
                                                      f"{hand_in.relative(submitted.path)}, was read"))
    if submitted.data is None:
        code = crosscheck.NO_BLOCK if submitted.missing_block else crosscheck.BAD_BLOCK
        what = "made by a suite older than 1.0 or not by this suite" if submitted.missing_block else submitted.error
        return flags + [Flag(code, f"{hand_in.relative(submitted.path)} has no readable result block: {what}")]
    handed = manifest_digests(judged, manifest_files(judged))
    return flags + crosscheck.report_flags(submitted.data, suite_version=SUITE_VERSION, handed=handed,
                                           emulator=emulator, roster=entry)


def _copy_submitted(submitted: Submitted | None, out_dir: Path) -> str:
    if submitted is None:
        return ""
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(submitted.path, out_dir / SUBMITTED_COPY)
    return SUBMITTED_COPY


def _failing(record: Record) -> bool:
    return any(v[0] == "failed" for v in record.verdicts.values())


def _jsonable(options: Options) -> dict:
    return {"jobs": options.jobs, "limit": options.limit, "timeout_factor": options.timeout_factor,
            "screenshots": options.screenshots, "time_scale": options.time_scale}


def prepare(class_dir: Path, out: Path) -> None:
    """Refuse an OUT inside CLASS (it would be graded as a student), then make OUT ready."""
    if out.resolve().is_relative_to(class_dir.resolve()):
        raise shards.BadShards(f"--out {out} is inside CLASS {class_dir}: the grader would take it for a student's "
                               "folder; write the output elsewhere")
    shards.prepare_out(out)
