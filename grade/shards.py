"""Beyond one machine: `--shard I/N` judges a stable slice of the class, and `merge` joins slices.

A student's shard comes from the SHA-256 of the student's id (the folder name, UTF-8), so it is the
same on every machine and every run, whatever else the class holds. Each output folder carries
grade-run.json (which shard of how many, which students, with which options); merge checks that
every shard of one class is there exactly once, copies each student's folder into the merged
output and writes the class page and CSV again over all rows (so a report copied across shards is
still flagged on both rows).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import shutil
from pathlib import Path

RUN_FILE = "grade-run.json"
CLASS_FILES = ("class.html", "class.csv", RUN_FILE)
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class BadShards(ValueError):
    """The shard option or the folders to merge are wrong; the message says how."""


@dataclasses.dataclass(frozen=True)
class Shard:
    index: int          # 1-based
    count: int

    def holds(self, student: str) -> bool:
        return shard_of(student, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


ALL = Shard(1, 1)


def parse_shard(text: str) -> Shard:
    match = _SHARD.fullmatch(text or "")
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise BadShards(f"--shard {text!r} is not I/N with 1 <= I <= N, e.g. --shard 2/4")
    return Shard(int(match.group(1)), int(match.group(2)))


def shard_of(student: str, count: int) -> int:
    digest = hashlib.sha256(student.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


# -- an output folder ----------------------------------------------------------------------------

def prepare_out(out: Path) -> None:
    """An empty folder, a new one, or a previous output of the grader (its own files are removed);
    anything else is refused rather than mixed with."""
    if out.exists() and not out.is_dir():
        raise BadShards(f"--out {out} is a file: give a folder for the grader's output")
    if not out.exists():
        out.mkdir(parents=True)
        return
    if not any(out.iterdir()):
        return
    run = read_run(out)
    if run is None:
        raise BadShards(f"--out {out} is not empty and is not an output of python -m grade: give a new or empty "
                        f"folder")
    for student in run.get("students", []):
        shutil.rmtree(out / student, ignore_errors=True)
    for name in CLASS_FILES:
        (out / name).unlink(missing_ok=True)


def write_run(out: Path, *, class_name: str, shard: Shard, students: list[str], options: dict,
              merged_from: list[str] | None = None) -> None:
    run = {"class": class_name, "shard": [shard.index, shard.count], "students": sorted(students), "options": options}
    if merged_from is not None:
        run["merged_from"] = merged_from
    (out / RUN_FILE).write_text(json.dumps(run, indent=1, ensure_ascii=False), encoding="utf-8")


def read_run(folder: Path) -> dict | None:
    try:
        run = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return run if isinstance(run, dict) and isinstance(run.get("shard"), list) else None


# -- merging -----------------------------------------------------------------------------------------

def check_complete(folders: list[Path]) -> list[dict]:
    """The runs of `folders`, once each shard 1..N of one class is there exactly once."""
    if not folders:
        raise BadShards("merge needs the shards' output folders, e.g. python -m grade merge graded-*/")
    runs = []
    for folder in folders:
        run = read_run(folder)
        if run is None:
            raise BadShards(f"{folder} is not an output of python -m grade (no readable {RUN_FILE})")
        runs.append(run)
    counts = {run["shard"][1] for run in runs}
    classes = {run.get("class") for run in runs}
    if len(counts) > 1:
        raise BadShards(f"the folders come from different shard counts ({', '.join(map(str, sorted(counts)))}): "
                        "merge the shards of one run")
    if len(classes) > 1:
        raise BadShards(f"the folders grade different classes ({', '.join(sorted(map(str, classes)))})")
    count = counts.pop()
    seen: dict[int, Path] = {}
    for folder, run in zip(folders, runs, strict=True):
        index = run["shard"][0]
        if index in seen:
            raise BadShards(f"shard {index}/{count} is there twice ({seen[index]} and {folder})")
        seen[index] = folder
    missing = sorted(set(range(1, count + 1)) - seen.keys())
    if missing:
        raise BadShards(f"shard(s) {', '.join(f'{i}/{count}' for i in missing)} missing: merge every shard's folder")
    return runs


def copy_students(folders: list[Path], runs: list[dict], out: Path) -> None:
    for folder, run in zip(folders, runs, strict=True):
        for student in run["students"]:
            if (folder / student).is_dir():
                shutil.copytree(folder / student, out / student, dirs_exist_ok=True)
