"""What the workload controllers share (`pkg/controller/controller_utils.go`, `history`).

- `template_hash`: pod-template-hash = rand.SafeEncodeString of the decimal FNV-32a hash of the
  pod template (ComputeHash; JSON stands in for Go's DeepHashObject, so the values differ from
  a real cluster's but have the same alphabet and length: 8-10 of `bcdfghjklmnpqrstvwxz2456789`).
- `pod_from_template`: GetPodFromTemplate: the template's labels, annotations, finalizers and
  spec, generateName `<owner>-`, a controller ownerReference.
- `owner_ref`, `controlled_by`, `active`, `deletion_order` (ActivePods ranking).
"""
from __future__ import annotations

import copy
import json
from typing import Any

from ..base.ids import NAME_CHARS

Obj = dict[str, Any]


def fnv32a(data: bytes) -> int:
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) % 2 ** 32
    return value


def template_hash(template: Obj, collisions: int = 0) -> str:
    text = json.dumps(template, sort_keys=True, separators=(",", ":")) + (str(collisions) if collisions else "")
    return "".join(NAME_CHARS[b % len(NAME_CHARS)] for b in str(fnv32a(text.encode())).encode())


def owner_ref(owner: Obj) -> Obj:
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}


def controlled_by(obj: Obj, owner: Obj) -> bool:
    return any(ref.get("uid") == owner["metadata"]["uid"] and ref.get("controller")
               for ref in obj["metadata"].get("ownerReferences") or [])


def controller_of(obj: Obj) -> Obj | None:
    return next((ref for ref in obj["metadata"].get("ownerReferences") or [] if ref.get("controller")), None)


def pod_from_template(template: Obj, owner: Obj, extra_labels: dict[str, str] | None = None) -> Obj:
    meta = template.get("metadata") or {}
    pod_meta: Obj = {"generateName": f"{owner['metadata']['name']}-", "namespace": owner["metadata"]["namespace"],
                     "labels": {**(meta.get("labels") or {}), **(extra_labels or {})},
                     "ownerReferences": [owner_ref(owner)]}
    for key in ("annotations", "finalizers"):
        if meta.get(key):
            pod_meta[key] = copy.deepcopy(meta[key])
    return {"apiVersion": "v1", "kind": "Pod", "metadata": pod_meta, "spec": copy.deepcopy(template.get("spec") or {})}


def active(pod: Obj) -> bool:
    """controller.IsPodActive: not being deleted and not finished."""
    return not pod["metadata"].get("deletionTimestamp") and \
        (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")


def _ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def deletion_order(pods: list[Obj], related: list[Obj]) -> list[Obj]:
    """ActivePodsWithRanks: unscheduled < scheduled, Pending < Running, not ready < ready, more
    related pods on the same node first, then the newest first."""
    per_node: dict[str, int] = {}
    for pod in related:
        node = pod["spec"].get("nodeName")
        if node and active(pod):
            per_node[node] = per_node.get(node, 0) + 1
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}

    def rank(pod: Obj) -> tuple:
        node = pod["spec"].get("nodeName")
        return (bool(node), phase_rank.get((pod.get("status") or {}).get("phase", "Pending"), 0), _ready(pod),
                -per_node.get(node, 0) if node else 0,
                _negated(pod["metadata"].get("creationTimestamp", "")), pod["metadata"]["name"])
    return sorted(pods, key=rank)


def _negated(stamp: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in stamp)
