"""OUT/class.csv: one row per student; columns student, R1..R13, flags, seconds."""
from __future__ import annotations

import csv
from pathlib import Path

from fixtures.gate.result_block import REQUIREMENTS
from grade.crosscheck import Flag
from grade.records import Record

COLUMNS = ("student", *REQUIREMENTS, "flags", "seconds")
FLAG_SEPARATOR = " | "   # a flag's own text may hold "; " and ", "


def rows(records: list[Record], flags: dict[str, list[Flag]]) -> list[dict[str, str]]:
    return [{"student": r.student,
             **{req: (r.verdicts.get(req) or ["not run"])[0] for req in REQUIREMENTS},
             "flags": FLAG_SEPARATOR.join(f"{f.code}: {f.text}" for f in flags.get(r.student, [])),
             "seconds": f"{r.seconds:.1f}"}
            for r in sorted(records, key=lambda r: r.student)]


def write(path: Path, records: list[Record], flags: dict[str, list[Flag]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows(records, flags))


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
