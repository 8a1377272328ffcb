"""The 30 real hand-ins of shared/corpus, beside the checkout (CI's copy, or the workplace's);
LAB4_CORPUS points elsewhere. Input for the self-tests, never expected output."""
from __future__ import annotations

import os
from pathlib import Path

BESIDE = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "students"
CORPUS = Path(os.environ.get("LAB4_CORPUS") or (BESIDE if BESIDE.is_dir() else "/work/shared/corpus/students"))
STUDENTS = sorted(p.name for p in CORPUS.iterdir()) if CORPUS.is_dir() else []
