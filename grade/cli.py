"""The command line: `python -m grade CLASS --out OUT [--jobs N] [--limit S] [--shard I/N] ...` and
`python -m grade merge DIR... [--out OUT]`.

Exit 0 when every hand-in was judged (whatever the verdicts); 1 when the suite could not judge some
hand-in (its row says why); 2 with one line on stderr for bad arguments.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from grade import records, shards
from grade.discovery import ROSTER, BadClass, class_folders, find_hand_in
from grade.grading import Options, grade_class, prepare, write_class
from grade.roster import BadRoster, read_roster

DEFAULT_LIMIT = 300.0          # seconds per hand-in: above the suite's worst case at --timeout-factor 0.1
DEFAULT_FACTOR = 0.1           # the emulator's quick timeline converges in seconds (README "For graders")
# The emulated cluster's own delays (its quick timeline) times this: the same verdicts on the 30 real
# hand-ins at 1, 0.3 and 0.1, and the same CPU; less of each run spent waiting for the emulator.
DEFAULT_TIME_SCALE = 0.3
DEFAULT_OUT = "graded"


class BadArguments(ValueError):
    """An option's value is wrong; the message names it and what would be right."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:   # one line, no usage dump
        self.exit(2, f"grade: error: {message}\n")


def _grade_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m grade", description="Judge every hand-in of a class on its own emulated "
                     "cluster and cross-check the reports they handed in. `python -m grade merge DIR...` joins shards.")
    parser.add_argument("class_dir", metavar="CLASS", type=Path, help="one folder per student (its name is the id)")
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help=f"output folder (default {DEFAULT_OUT})")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="hand-ins judged at once (default: CPUs)")
    parser.add_argument("--limit", type=float, default=DEFAULT_LIMIT, metavar="SECONDS",
                        help=f"bound of one hand-in's run (default {DEFAULT_LIMIT:g})")
    parser.add_argument("--timeout-factor", type=float, default=DEFAULT_FACTOR, metavar="F",
                        help=f"the suite's --timeout-factor (default {DEFAULT_FACTOR:g})")
    parser.add_argument("--time-scale", type=float, default=DEFAULT_TIME_SCALE, metavar="F",
                        help=f"multiply the emulated cluster's delays (default {DEFAULT_TIME_SCALE:g})")
    parser.add_argument("--shard", type=str, default="1/1", metavar="I/N", help="judge the I-th of N stable slices")
    parser.add_argument("--screenshots", action="store_true", help="run R13 too (headless Chromium per hand-in)")
    return parser


def _merge_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m grade merge", description="Join the shards' outputs into one class page and CSV.")
    parser.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="the shards' --out folders")
    parser.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), help=f"merged output (default {DEFAULT_OUT})")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        return merge(argv[1:]) if argv[:1] == ["merge"] else grade(argv)
    except (BadArguments, BadClass, BadRoster, shards.BadShards) as exc:
        print(f"grade: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("grade: interrupted: the hand-ins judged so far are in their folders; no class page was written",
              file=sys.stderr)
        return 130


def grade(argv: list[str]) -> int:
    args = _grade_parser().parse_args(argv)
    _positive(jobs=args.jobs, limit=args.limit, timeout_factor=args.timeout_factor, time_scale=args.time_scale)
    shard = shards.parse_shard(args.shard)
    folders = class_folders(args.class_dir)
    roster = read_roster(args.class_dir / ROSTER)
    prepare(args.class_dir, args.out)
    hand_ins = [find_hand_in(folder) for folder in folders if shard.holds(folder.name)]
    options = Options(args.out, args.jobs, args.limit, args.timeout_factor, args.screenshots, shard, args.time_scale)
    rows = grade_class(args.class_dir.resolve().name, hand_ins, roster, options)
    unjudged = [r.student for r in rows if not r.judged]
    print(f"graded {len(rows)} hand-in(s) into {args.out / 'class.html'}"
          + (f"; not judged: {', '.join(unjudged)}" if unjudged else ""), file=sys.stderr)
    return 1 if unjudged else 0


def merge(argv: list[str]) -> int:
    args = _merge_parser().parse_args(argv)
    if any(folder.resolve() == args.out.resolve() for folder in args.folders):
        raise shards.BadShards(f"--out {args.out} is one of the folders to merge: give a new folder")
    runs = shards.check_complete(args.folders)
    shards.prepare_out(args.out)
    shards.copy_students(args.folders, runs, args.out)
    rows = records.load_all(args.out)
    first = runs[0].get("options", {})
    options = Options(args.out, 1, first.get("limit", DEFAULT_LIMIT), first.get("timeout_factor", DEFAULT_FACTOR),
                      bool(first.get("screenshots")), shards.ALL, first.get("time_scale", DEFAULT_TIME_SCALE))
    write_class(args.out, rows, runs[0].get("class", ""), options, [r.student for r in rows],
                merged_from=[str(f) for f in args.folders])
    print(f"merged {len(rows)} hand-in(s) from {len(args.folders)} shard(s) into {args.out / 'class.html'}",
          file=sys.stderr)
    return 0 if all(r.judged for r in rows) else 1


def _positive(**values: float) -> None:
    for name, value in values.items():
        if value <= 0:
            raise BadArguments(f"--{name.replace('_', '-')} must be a positive number, not {value:g}")

