"""`python -m bench [--json] [--quick]`: the table of issue 7; with --json, one JSON object on the last line.

--quick: a reduced variant for the self-tests (fewer gate documents, fewer replicas), under a minute.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench import corpus, table
from bench.gate import run_gate, run_kubernetes_validate
from bench.suite_run import ROOT, SuiteRun, run_suite

FULL = {"gate_docs": 1000, "replicas": 20}
QUICK = {"gate_docs": 200, "replicas": 6}


def measure(sizes: dict[str, int], workdir: Path) -> dict:
    reference = run_suite(ROOT / "manifests", workdir / "reference")
    files = corpus.write_corpus(workdir / "corpus", sizes["gate_docs"])
    gate = run_gate(workdir / "corpus", workdir)
    validate = run_kubernetes_validate(files)
    scaled = corpus.scaled_copy(ROOT / "manifests", workdir / "scaled", sizes["replicas"])
    many = run_suite(scaled, workdir / "replicas")
    return {
        "emulator_convergence_s": round(reference.convergence_s, 2),
        "suite_total_s": round(reference.total_s, 2),
        "harness_overhead_s": round(reference.total_s - reference.convergence_s, 2),
        "gate_docs": sizes["gate_docs"],
        "gate_s": round(gate.seconds, 2),
        "kubernetes_validate_s": round(validate.seconds, 2),
        f"replicas{sizes['replicas']}_total_s": round(many.total_s, 2),
        "replicas20_total_s": round(many.total_s, 2),
        "replicas": sizes["replicas"],
        "phases": _phases(reference),
        "suite_outcomes": reference.outcomes,
        "suite_failed": list(reference.failed),
        "replicas_convergence_s": round(many.convergence_s, 2),
        "replicas_outcomes": many.outcomes,
        "replicas_failed": list(many.failed),
        "replicas_phases": _phases(many),
        "gate_exit": gate.returncode,
        "kubernetes_validate_exit": validate.returncode,
    }


def _phases(run: SuiteRun) -> dict:
    return {"before_cluster_s": round(run.cluster_start_s, 2),
            "after_convergence_s": round(run.after_convergence_s, 2),
            "by_requirement_s": run.by_requirement}


def rows(figures: dict) -> list[tuple[str, object]]:
    n = figures["replicas"]
    return [
        ("emulator convergence (benchmark timeline)", figures["emulator_convergence_s"]),
        ("suite total, browser step off", figures["suite_total_s"]),
        ("harness overhead (total - convergence)", figures["harness_overhead_s"]),
        ("  pytest launch -> emulator start", figures["phases"]["before_cluster_s"]),
        ("  last milestone -> verdict", figures["phases"]["after_convergence_s"]),
        ("  seconds per requirement", figures["phases"]["by_requirement_s"]),
        ("suite outcomes", figures["suite_outcomes"]),
        (f"gate: pytest --cluster=none, {figures['gate_docs']} documents", figures["gate_s"]),
        ("kubernetes-validate --strict, same files", figures["kubernetes_validate_s"]),
        ("gate / kubernetes-validate", figures["gate_s"] / max(figures["kubernetes_validate_s"], 1e-9)),
        (f"suite total, {n} replicas", figures["replicas20_total_s"]),
        (f"  emulator convergence, {n} replicas", figures["replicas_convergence_s"]),
        (f"  outcomes, {n} replicas", figures["replicas_outcomes"]),
        (f"  failed, {n} replicas", ", ".join(t.rsplit("::", 1)[-1] for t in figures["replicas_failed"]) or "none"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="end with one JSON object on the last line")
    parser.add_argument("--quick", action="store_true", help="a reduced variant (under a minute)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lab4-bench-") as tmp:
        figures = measure(QUICK if args.quick else FULL, Path(tmp))
    print(table.render(rows(figures)))
    if args.json:
        print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
