"""What the grader's own run found: one verdict and first reason per requirement.

Read from the run's own report (the result block: the same verdicts as the report's table); when the
run wrote no readable block, from its JUnit XML (the `requirement` property of each test case, folded
as the report folds them: failed if any test failed, passed if any passed, else skipped).
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from fixtures.gate.result_block import REQUIREMENTS, BlockError, first_reason, read

Verdicts = dict[str, tuple[str, str]]          # requirement -> (verdict, first reason)
NOT_RUN = ("not run", "")
NOTHING_TO_PROVE = {"R3": ("n/a", "the course's introduction to Calico IPAM: nothing to prove")}


def from_report(path: Path) -> Verdicts | None:
    try:
        data = read(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, BlockError):
        return None
    return {req: (entry["verdict"], entry["reason"]) for req, entry in data["requirements"].items()}


def from_junit(path: Path) -> Verdicts | None:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return None
    seen: dict[str, list[tuple[str, str]]] = {}
    for case in root.iter("testcase"):
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        if props.get("requirement"):
            seen.setdefault(props["requirement"], []).append(_outcome(case))
    verdicts = {}
    for req in REQUIREMENTS:
        outcomes = seen.get(req, [])
        verdicts[req] = next(((o, r) for wanted in ("failed", "passed", "skipped") for o, r in outcomes if o == wanted),
                             NOTHING_TO_PROVE.get(req, NOT_RUN))
    return verdicts


def _outcome(case: ET.Element) -> tuple[str, str]:
    for tag, outcome in (("failure", "failed"), ("error", "failed"), ("skipped", "skipped")):
        node = case.find(tag)
        if node is not None:
            text = (node.get("message") or node.text or "").strip()
            return outcome, first_reason(text)
    return "passed", ""


def own_verdicts(report: Path, junit: Path) -> Verdicts | None:
    return from_report(report) or from_junit(junit)
