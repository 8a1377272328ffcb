"""The optional class roster, CLASS/roster.csv: columns `folder`, `name`, `group` (a header row; any
order; extra columns ignored). It names each student for the grader's own runs and is what the
handed-in reports' student and group are compared with."""
from __future__ import annotations

import csv
import dataclasses
import unicodedata
from pathlib import Path

COLUMNS = ("folder", "name", "group")


class BadRoster(ValueError):
    """The roster cannot be read; the message names the problem and the fix."""


@dataclasses.dataclass(frozen=True)
class Entry:
    name: str
    group: str


def read_roster(path: Path) -> dict[str, Entry]:
    """folder -> Entry; an absent file is an empty roster."""
    if not path.is_file():
        return {}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
            header = [h.strip().lower() for h in (rows and rows[0].keys() or _header(path))]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise BadRoster(f"{path} is not a UTF-8 CSV file ({exc}): save it as CSV with columns "
                        "folder,name,group") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise BadRoster(f"{path} has no column {', '.join(missing)}: its first row must name the columns "
                        f"folder,name,group")
    roster = {}
    for number, row in enumerate(rows, start=2):
        fields = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if isinstance(v, str)}
        if not fields.get("folder"):
            continue
        if fields["folder"] in roster:
            raise BadRoster(f"{path} line {number}: folder {fields['folder']!r} is listed twice; keep one row "
                            "per student")
        roster[fields["folder"]] = Entry(fields.get("name", ""), fields.get("group", ""))
    return roster


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def same_text(a: str | None, b: str | None) -> bool:
    """Names compare as a person would: case, accents' composition and runs of spaces aside."""
    return _normal(a) == _normal(b)


def _normal(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
