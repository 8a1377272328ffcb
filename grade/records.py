"""One student's row, kept as OUT/<student>/grade.json: what the class page and the CSV are made of,
and what `python -m grade merge` reads back from each shard (the class-wide cross-check of cluster
identities is made again over the merged rows, so a copy across shards is still found)."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from grade.crosscheck import Flag

RECORD = "grade.json"
JUDGED, CRASHED, TIMED_OUT = "judged", "crashed", "timed out"


@dataclasses.dataclass
class Record:
    student: str
    lab_folder: str                      # the lab-4 folder used, relative to the student's folder ("." = all of it)
    judged_folder: str                   # the folder given to --manifests, relative to the student's folder
    other_lab_folders: list[str]         # lab-4-like folders not used
    status: str                          # judged | crashed | timed out
    problem: str                         # for crashed / timed out: what the run said last
    seconds: float                       # the suite run's wall time
    convergence_s: float | None          # the emulated cluster's own time to its last milestone
    verdicts: dict[str, list[str]]       # requirement -> [verdict, first reason]
    submitted: str = ""                  # the handed-in report read, relative to the student's folder
    submitted_copy: str = ""             # its copy under OUT/<student>/
    submitted_data: dict | None = None   # its result block (for the class-wide identity check)
    flags: list[Flag] = dataclasses.field(default_factory=list)   # this student's own flags

    @property
    def judged(self) -> bool:
        return self.status == JUDGED

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Record":
        raw = json.loads(text)
        raw["flags"] = [Flag(**flag) for flag in raw.get("flags", [])]
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in names})


def save(record: Record, out: Path) -> Path:
    path = out / record.student / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record.to_json(), encoding="utf-8")
    return path


def load_all(out: Path) -> list[Record]:
    return [Record.from_json(p.read_text(encoding="utf-8")) for p in sorted(out.glob(f"*/{RECORD}"))]
