"""The cross-checks of handed-in reports: what a report claims against what the grader knows.

Pure functions over the result blocks (fixtures/gate/result_block.py); no files, no runs. Each flag
is a prompt to look, with the reason in one line, never a verdict on its own (README "For graders").
The identity check rests on docs/platform.md §1.11: the kube-system UID is one cluster's, a node's
systemUUID one node container's, the CA one minikube home's.
"""
from __future__ import annotations

import dataclasses
import re
from collections import defaultdict

from grade.roster import Entry, same_text

# Flag codes (the CSV and the page show the text; the code is for filtering and the self-tests).
SAME_CLUSTER = "same-cluster"
EMULATOR_REPORT = "emulator-report"
OFFLINE_REPORT = "offline-report"
MANIFESTS_DIFFER = "manifests-differ"
VERDICTS_DIFFER = "verdicts-differ"
ROSTER_NAME = "roster-name"
ROSTER_GROUP = "roster-group"
OLD_SUITE = "old-suite"
NO_BLOCK = "no-result-block"
BAD_BLOCK = "bad-result-block"
NO_REPORT = "no-report"
SEVERAL_REPORTS = "several-reports"
SUITE_CRASHED = "suite-crashed"
TIMED_OUT = "timed-out"

# R1, R2, R12, R13 describe the cluster the suite ran on: the emulator's verdicts say nothing about
# the student's; R4-R11 follow from the manifests, so the emulator's verdicts must match the report's.
COMPARED = tuple(f"R{n}" for n in range(4, 12))
DECIDED = ("passed", "failed")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
FINGERPRINT = re.compile(r"(?:[0-9A-F]{2}:){31}[0-9A-F]{2}", re.I)
LISTED = 4   # names shown in one flag before "and N more"
_DOTTED = re.compile(r"\d+(?:\.\d+)*")


@dataclasses.dataclass(frozen=True, order=True)
class Flag:
    code: str
    text: str


# -- one report against its own hand-in ------------------------------------------------------------

def report_flags(data: dict, *, suite_version: str, handed: dict[str, str] | None,
                 emulator: dict[str, str] | None, roster: Entry | None) -> list[Flag]:
    """The flags of one readable report. `handed`: digest per manifest file of the hand-in (None when
    it was not read); `emulator`: requirement -> verdict of the grader's run (None when it crashed)."""
    flags = [provider_flag(data.get("provider", "")), version_flag(data.get("suite_version", ""), suite_version)]
    flags += roster_flags(data, roster)
    if handed is not None:
        flags.append(manifest_flag(data["manifests"]["files"], handed))
    if emulator is not None:
        flags.append(verdict_flag(data["requirements"], emulator))
    return [flag for flag in flags if flag]


def provider_flag(provider: str) -> Flag | None:
    if provider == "emulator":
        return Flag(EMULATOR_REPORT, "the report was made on the emulated cluster (--cluster=emulator), "
                                     "not on the student's own: it proves nothing about the student's cluster")
    if provider == "none":
        return Flag(OFFLINE_REPORT, "the report was made with --cluster=none: only the offline check R11 ran")
    return None


def version_flag(reported: str, current: str) -> Flag | None:
    made, ours = version_key(reported), version_key(current)
    if made is None:
        return Flag(OLD_SUITE, f"the report names suite version {reported!r}, which is not a version of this suite")
    if made < ours:
        return Flag(OLD_SUITE, f"the report was made by suite version {reported}; this grader's is {current}: "
                               "its checks were older")
    if made > ours:
        return Flag(OLD_SUITE, f"the report was made by suite version {reported}, newer than this grader's "
                               f"{current}: update the grader")
    return None


def version_key(version: str) -> tuple[int, ...] | None:
    """(1, 0) for "1.0" (fixtures.SUITE_VERSION is dotted integers); None for anything else."""
    return tuple(int(part) for part in version.split(".")) if _DOTTED.fullmatch(version or "") else None


def roster_flags(data: dict, entry: Entry | None) -> list[Flag]:
    if entry is None:
        return []
    flags = []
    for code, field, wanted in ((ROSTER_NAME, "student", entry.name), (ROSTER_GROUP, "group", entry.group)):
        claimed = data.get(field)
        if wanted and not same_text(claimed, wanted):
            said = f"{claimed!r}" if claimed else f"no {field} (run without --{field})"
            flags.append(Flag(code, f"the report names {said}; the roster says {wanted!r}"))
    return flags


def manifest_flag(reported: dict[str, str], handed: dict[str, str]) -> Flag | None:
    """The report's manifest digests against the hand-in's files (same relative paths)."""
    changed = sorted(p for p in reported.keys() & handed.keys() if reported[p] != handed[p])
    missing = sorted(reported.keys() - handed.keys())
    extra = sorted(handed.keys() - reported.keys())
    parts = [f"{label}: {_names(paths)}" for label, paths in (
        ("changed since the report", changed), ("in the report, not handed in", missing),
        ("handed in, not in the report", extra)) if paths]
    if not parts:
        return None
    return Flag(MANIFESTS_DIFFER, "the report checked other manifests than those handed in: " + "; ".join(parts))


def verdict_flag(reported: dict[str, dict], emulator: dict[str, str]) -> Flag | None:
    """R4-R11 decided (passed/failed) both in the report and by the emulator run, and different."""
    differ = [f"{req} (report {reported[req]['verdict']}, emulator {emulator[req]})" for req in COMPARED
              if reported.get(req, {}).get("verdict") in DECIDED and emulator.get(req) in DECIDED
              and reported[req]["verdict"] != emulator[req]]
    if not differ:
        return None
    return Flag(VERDICTS_DIFFER, "verdicts differ from the emulator run of the same manifests: " + ", ".join(differ))


def _names(paths: list[str]) -> str:
    shown = ", ".join(paths[:LISTED])
    return shown + (f" and {len(paths) - LISTED} more" if len(paths) > LISTED else "")


# -- reports across the class -------------------------------------------------------------------------

def identity_values(data: dict) -> list[tuple[str, str]]:
    """(what, value) of a report's cluster identity that can tell clusters apart: the kube-system
    UID, each node's systemUUID, the CA fingerprint; placeholders ("no CA (plain http)", "?") aside."""
    cluster = data.get("cluster") or {}
    values = []
    uid = cluster.get("kube_system_uid", "")
    if UUID.fullmatch(uid):
        values.append(("kube-system UID", uid.lower()))
    for node in cluster.get("nodes") or []:
        if UUID.fullmatch(node.get("system_uuid", "")):
            values.append((f"systemUUID of node {node.get('name')}", node["system_uuid"].lower()))
    if FINGERPRINT.fullmatch(cluster.get("ca_fingerprint", "")):
        values.append(("API server CA", cluster["ca_fingerprint"].upper()))
    return values


def shared_identity_flags(reports: dict[str, dict]) -> dict[str, list[Flag]]:
    """student -> one flag per other student whose report shares any identity value, naming which."""
    holders: dict[str, set[tuple[str, str]]] = defaultdict(set)   # value -> {(student, what)}
    for student, data in reports.items():
        for what, value in identity_values(data):
            holders[value].add((student, what))
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)    # (student, other) -> {what}
    for owners in holders.values():
        for student, what in owners:
            for other, _ in owners:
                if other != student:
                    shared[(student, other)].add(what)
    flags: dict[str, list[Flag]] = defaultdict(list)
    for (student, other), whats in sorted(shared.items()):
        flags[student].append(Flag(SAME_CLUSTER, f"same cluster identity as {other}'s report: "
                                                 f"{', '.join(sorted(whats))}"))
    return dict(flags)

