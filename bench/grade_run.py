"""The `grade` figure: a whole class graded end to end, as a grader runs it (issue 14).

One process, `python -m grade CLASS --out DIR` with its default --jobs (the CPUs), timed from outside;
from its rows (DIR/*/grade.json): each hand-in's own run time, and the share of the runs' time that
is the emulated cluster's own convergence (its milestone record: from the launch of `python -m
emulator serve` to its last milestone, every app pod listening). The CPU time is the grading's whole
process tree (the grader, each suite run and each emulator).
"""
from __future__ import annotations

import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.suite_run import ROOT

RUN_BOUND = 1200.0     # seconds: a hung grading is a failed measurement, not a hang
QUICK_CLASS = {"reference": ROOT / "manifests",
               "zone-nodeport": ROOT / "selftests" / "gate" / "sets" / "good-zone-east-west-nodeport" / "manifests",
               "helm-chart": ROOT / "selftests" / "gate" / "sets" / "bad-helm-chart" / "manifests"}


@dataclasses.dataclass(frozen=True)
class Grading:
    wall_s: float
    cpu_s: float
    returncode: int
    rows: list[dict]


def real_hand_ins() -> Path | None:
    """The 30 real hand-ins: LAB4_CORPUS, else shared/corpus/students beside the checkout (or one up)."""
    if os.environ.get("LAB4_CORPUS"):
        return Path(os.environ["LAB4_CORPUS"])
    return next((p for p in (base / "shared" / "corpus" / "students" for base in ROOT.parents[:2]) if p.is_dir()), None)


def quick_class(folder: Path) -> Path:
    """Three hand-ins from the project's own sets, for the self-test's variant."""
    for student, manifests in QUICK_CLASS.items():
        shutil.copytree(manifests, folder / student)
    return folder


def run_grade(class_dir: Path, out: Path, jobs: int | None = None) -> Grading:
    argv = [sys.executable, "-m", "grade", str(class_dir), "--out", str(out)] + (["--jobs", str(jobs)] if jobs else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=RUN_BOUND)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    rows = [json.loads(p.read_text()) for p in sorted(out.glob("*/grade.json"))]
    if not rows:
        raise RuntimeError(f"python -m grade wrote no rows (exit {proc.returncode}): {proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Grading(wall, cpu, proc.returncode, rows)


def figures(grading: Grading, jobs: int | None = None) -> dict:
    rows = grading.rows
    seconds = [r["seconds"] for r in rows]
    converged = [r["convergence_s"] or 0.0 for r in rows]
    return {
        "grade_hand_ins": len(rows),
        "grade_jobs": jobs or os.cpu_count(),
        "grade_exit": grading.returncode,
        "grade_wall_s": round(grading.wall_s, 2),
        "grade_per_hand_in_s": round(grading.wall_s / len(rows), 2),
        "grade_cpu_s": round(grading.cpu_s, 2),
        "grade_run_mean_s": round(sum(seconds) / len(rows), 2),
        "grade_run_max_s": round(max(seconds), 2),
        "grade_convergence_share": round(sum(converged) / max(sum(seconds), 1e-9), 3),
        "grade_not_judged": [r["student"] for r in rows if r["status"] != "judged"],
    }
