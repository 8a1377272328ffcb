"""Result blocks made directly (no suite run) for the cross-check tests: an honest report of a student
who did the lab on their own minikube, and the ways of changing it that a grader must notice."""
from __future__ import annotations

import hashlib
import uuid

from fixtures import SUITE_VERSION
from fixtures.gate.result_block import REQUIREMENTS, result_data

MANIFESTS = {"deployment.yaml": b"kind: Deployment\n", "service.yaml": b"kind: Service\n",
             "ippools.yaml": b"kind: IPPool\n"}
ALL_PASSED = {req: ("n/a", "nothing to prove") if req == "R3" else ("passed", "") for req in REQUIREMENTS}


def digests(files: dict[str, bytes]) -> dict[str, str]:
    return {path: hashlib.sha256(body).hexdigest() for path, body in files.items()}


def fingerprint(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 64, 2))


def own_cluster(seed: str) -> dict:
    """A minikube cluster's identity as fixtures/identity.py reads it: random UIDs, a real fingerprint."""
    ids = uuid.uuid5(uuid.NAMESPACE_DNS, seed)
    return {"description": "minikube profile lab4 (docker)", "kube_system_uid": str(uuid.uuid5(ids, "ns")),
            "ca_fingerprint": fingerprint(seed),
            "nodes": [{"name": "lab4", "system_uuid": str(uuid.uuid5(ids, "n1"))},
                      {"name": "lab4-m02", "system_uuid": str(uuid.uuid5(ids, "n2"))}]}


def honest(student: str = "Ivan Petrov", group: str = "K3321", **changes) -> dict:
    base = dict(suite_version=SUITE_VERSION, student=student, group=group, date="2026-03-01T10:30:00+03:00",
                provider="minikube", cluster=own_cluster(student or "anonymous"), cluster_note="", verdicts=ALL_PASSED,
                manifests_root="manifests", digests=digests(MANIFESTS))
    return result_data(**(base | changes))


def emulator_verdicts(**changes: str) -> dict[str, str]:
    return {req: verdict for req, (verdict, _) in ALL_PASSED.items()} | changes
