"""What a class folder holds: one folder per student (its name is the student's id), and in each the
lab-4 folder to judge and the reports the student handed in.

Graders clone each student's whole course repository (labs 1-4 side by side): a folder named like
lab 4 (`lab4`, `Lab4`, `lab_4`, `lab-4`, `Lab 4`, `lab04`, `laba4`, `ЛР-4`, `№4_...`, any case, at
any depth; the shallowest wins) is judged alone; without one, the student's whole folder is.
"""
from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

# A word for "lab" + separators + 4 (or 04), not followed by another digit: lab4, Lab_4, "Lab 4", lab-4-calico,
# laba4, lab_work_4, the Russian ЛР-4 / лаб4 / "Лабораторная работа 4", and "№4_communication networks in
# Minikube, CNI and CoreDNS" (a course repository that numbers its labs by the lab's title); not lab40, lab14.
_LAB_WORD = r"(?:lab(?:a|[\s_.-]*work)?|лр|лаб(?:а|оратория|ораторная(?:[\s_.-]*работа)?)?|№)"
LAB4_NAME = re.compile(_LAB_WORD + r"[\s_.-]*0?4(?!\d)", re.I)
LAB4_EXACT = re.compile(_LAB_WORD + r"[\s_.-]*0?4", re.I)
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "venv", ".venv"})
REPORT_SUFFIXES = (".html", ".htm")
ROSTER = "roster.csv"
# A copy of the suite itself in the hand-in (the CI template asks for one beside manifests/).
SUITE_MARKERS = ("conftest.py", "pytest.ini", "tests/test_r01_cluster.py")


class BadClass(ValueError):
    """CLASS cannot be graded; the message names the problem and the fix."""


@dataclasses.dataclass(frozen=True)
class HandIn:
    student: str                         # the folder's name: the student's id
    root: Path                           # CLASS/<student>
    lab: Path                            # the lab-4 folder, or root when there is none
    other_labs: tuple[Path, ...] = ()    # further lab-4-like folders, not judged

    def relative(self, path: Path) -> str:
        """`path` as the class page shows it: relative to the student's folder, '.' for the folder itself."""
        rel = path.relative_to(self.root).as_posix()
        return rel if rel != "." else "."


def class_folders(class_dir: Path, exclude: Path | None = None) -> list[Path]:
    """The student folders of CLASS, sorted; BadClass when CLASS is not a class folder."""
    if not class_dir.exists():
        raise BadClass(f"CLASS {class_dir} does not exist: give the folder that holds one folder per student")
    if not class_dir.is_dir():
        raise BadClass(f"CLASS {class_dir} is not a folder: give the folder that holds one folder per student")
    folders = sorted(p for p in class_dir.iterdir() if p.is_dir() and not p.name.startswith(".")
                     and (exclude is None or p.resolve() != exclude.resolve()))
    if not folders:
        raise BadClass(f"CLASS {class_dir} holds no student folder: put each student's hand-in in a folder "
                       f"named after the student (e.g. {class_dir}/ivanov/)")
    return folders


def find_hand_in(root: Path) -> HandIn:
    labs = lab_folders(root)
    return HandIn(student=root.name, root=root, lab=labs[0] if labs else root, other_labs=tuple(labs[1:]))


def lab_folders(root: Path) -> list[Path]:
    """Lab-4-like folders under `root`, shallowest first, then exact names (lab4) before longer ones
    (lab4-calico), then by name; a lab-4 folder's own subfolders are not searched."""
    found = []
    for current, dirs, _ in os.walk(root):
        kept = []
        for name in sorted(dirs):
            if name.startswith(".") or name in SKIPPED_DIRS:
                continue
            if LAB4_NAME.match(name):
                found.append(Path(current) / name)
            else:
                kept.append(name)
        dirs[:] = kept
    return sorted(found, key=lambda p: (len(p.relative_to(root).parts), not LAB4_EXACT.fullmatch(p.name),
                                        p.as_posix().lower()))


def report_files(folder: Path) -> list[Path]:
    """HTML files under `folder` (hidden folders aside), sorted: the candidates for a handed-in report."""
    return sorted(p for p in _files(folder) if p.suffix.lower() in REPORT_SUFFIXES)


def _files(folder: Path):
    for current, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith("."):
                yield Path(current) / name


def suite_copy_manifests(folder: Path) -> Path | None:
    """`folder/manifests` when `folder` holds a copy of the suite itself: the suite reads its default
    --manifests there, and the suite's own self-test sets must not be judged as the student's."""
    if all((folder / marker).is_file() for marker in SUITE_MARKERS) and (folder / "manifests").is_dir():
        return folder / "manifests"
    return None


def base_of_report(lab: Path, reported_files: list[str]) -> Path | None:
    """The folder under `lab` where the report's relative manifest paths resolve best (most files
    present; the shallowest on a tie): the student ran `--manifests` there."""
    best, best_score = None, 0
    for folder in _folders(lab):
        score = sum(1 for rel in reported_files if (folder / rel).is_file())
        if score > best_score:
            best, best_score = folder, score
    return best


def _folders(root: Path) -> list[Path]:
    """`root` and every folder under it, hidden ones aside, shallowest first."""
    found = [root]
    for current, dirs, _ in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(current) / d for d in dirs]
    return sorted(found, key=lambda p: (len(p.relative_to(root).parts), p.as_posix()))


def judged_folder(hand_in: HandIn, reported_files: list[str] | None) -> Path:
    """The folder whose manifests the grader judges: where the handed-in report's files are, else the
    suite copy's manifests/, else the lab-4 folder."""
    if reported_files:
        base = base_of_report(hand_in.lab, reported_files)
        if base is not None:
            return base
    return suite_copy_manifests(hand_in.lab) or hand_in.lab
