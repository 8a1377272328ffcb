"""The report a student handed in: found among the hand-in's HTML files, its result block read.

A page counts as a report when it carries the result block or the suite's title; of several, the
newest by the block's date is read and the others are named. A report without a readable block
is kept with the reason, never an exception.
"""
from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

from fixtures.gate.result_block import BLOCK_ID, BlockError, NoBlock, read
from grade.discovery import HandIn, report_files

SUITE_TITLE = "ITMO lab 4 conformance report"


@dataclasses.dataclass(frozen=True)
class Submitted:
    path: Path                        # the report read
    data: dict | None                 # its result block
    error: str = ""                   # why data is None
    missing_block: bool = False       # a suite report with no block at all (an older suite)
    others: tuple[Path, ...] = ()     # further reports handed in, not read


def find_submitted(hand_in: HandIn) -> Submitted | None:
    """The handed-in report, from the lab-4 folder or, when it has none, the student's whole folder."""
    for folder in dict.fromkeys((hand_in.lab, hand_in.root)):
        found = [read_report(path) for path in report_files(folder)]
        found = [s for s in found if s is not None]
        if found:
            return _newest(found)
    return None


def read_report(path: Path) -> Submitted | None:
    """The report at `path`, or None when the page is not a suite report at all."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return Submitted(path, None, f"cannot be read ({exc.strerror or exc})")
    if BLOCK_ID not in text and SUITE_TITLE not in text:
        return None
    try:
        return Submitted(path, read(text))
    except NoBlock as exc:
        return Submitted(path, None, str(exc), missing_block=True)
    except BlockError as exc:
        return Submitted(path, None, str(exc))


def _newest(found: list[Submitted]) -> Submitted:
    ranked = sorted(found, key=lambda s: (s.data is not None, _date(s.data), s.path.as_posix()), reverse=True)
    return dataclasses.replace(ranked[0], others=tuple(s.path for s in ranked[1:]))


def _date(data: dict | None) -> float:
    try:
        return datetime.datetime.fromisoformat(data["date"]).timestamp() if data else 0.0
    except (ValueError, TypeError, KeyError, OverflowError):
        return 0.0
