"""A planted class (one hand-in per flag, an honest one, one that crashes the suite) and a stand-in
for the suite run that writes the emulator run's report directly, for the grader's self-tests that
are about its own logic rather than the suite's."""
from __future__ import annotations

import pytest

from fixtures.gate.result_block import render
from grade import grading
from grade.runner import RunOutcome
from selftests.grade.blocks import ALL_PASSED, MANIFESTS, digests, honest

ROSTER = {"honest": "Ivan Honest", "copy-a": "Anna Copy", "copy-b": "Boris Copy", "emulated": "Emma Emu",
          "edited": "Ed Edit", "changed": "Chang Ed", "misnamed": "Nina Name", "silent": "Sam Silent",
          "blockless": "Bob Less", "crashing": "Cora Crash"}
# What the stand-in "emulator run" finds per student (default: every check passes).
EMULATOR_FINDS = {"edited": {"R6": "failed"}}


def page(body: str) -> str:
    return f"<!DOCTYPE html><html><head><title>ITMO lab 4 conformance report</title></head><body>{body}</body></html>"


def write_hand_in(root, student: str, report_block: dict | None, *, report_html: str | None = None,
                  files: dict[str, bytes] = MANIFESTS):
    lab = root / student / "course-repo" / "lab4"
    (lab / "manifests").mkdir(parents=True)
    for rel, body in files.items():
        (lab / "manifests" / rel).write_bytes(body)
    (root / student / "course-repo" / "lab3").mkdir()
    (root / student / "course-repo" / "lab3" / "pod.yaml").write_text("kind: Pod\n")
    if report_block is not None or report_html is not None:
        (lab / "report.html").write_text(report_html or page(render(report_block)), encoding="utf-8")


@pytest.fixture
def planted_class(tmp_path):
    root = tmp_path / "K3321"
    root.mkdir()
    (root / "roster.csv").write_text("folder,name,group\n" + "".join(
        f"{folder},{name},K3321\n" for folder, name in ROSTER.items()), encoding="utf-8")
    write_hand_in(root, "honest", honest("Ivan Honest"))
    copied = honest("Anna Copy")
    write_hand_in(root, "copy-a", copied)
    write_hand_in(root, "copy-b", copied | {"student": "Boris Copy"})
    write_hand_in(root, "emulated", honest("Emma Emu", provider="emulator"))
    write_hand_in(root, "edited", honest("Ed Edit"))
    write_hand_in(root, "changed", honest("Chang Ed"), files=MANIFESTS | {"service.yaml": b"kind: Service\nx: 1\n"})
    write_hand_in(root, "misnamed", honest("Someone Else"))
    write_hand_in(root, "silent", None)
    write_hand_in(root, "blockless", None, report_html=page("<h1>ITMO lab 4 conformance report: Bob Less</h1>"))
    write_hand_in(root, "crashing", honest("Cora Crash"))
    return root


@pytest.fixture
def stand_in_suite(monkeypatch):
    """run_suite as the grader calls it: writes the run's report with its result block, or crashes."""
    def run(spec):
        spec.out_dir.mkdir(parents=True, exist_ok=True)
        if spec.student == "crashing":
            spec.output.write_text("INTERNALERROR> KeyError: 'spec'\n")
            return RunOutcome(3, 0.5, spec.output.read_text(), {})
        verdicts = dict(ALL_PASSED) | {req: (v, "planted") for req, v in EMULATOR_FINDS.get(spec.student, {}).items()}
        block = honest(spec.name, provider="emulator", verdicts=verdicts, digests=digests(MANIFESTS))
        spec.report.write_text(page(render(block)), encoding="utf-8")
        return RunOutcome(1 if spec.student in EMULATOR_FINDS else 0, 2.0, "", {"app-listening": 1.5})
    monkeypatch.setattr(grading, "run_suite", run)


