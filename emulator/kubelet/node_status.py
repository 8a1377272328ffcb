"""The Ready condition a kubelet posts for its node once the node's pod network is up (docs/platform.md §9.4).

A node whose container runtime has no CNI config is NotReady (reason KubeletNotReady, the runtime's
NetworkReady=false message). Once a config is there the runtime reports NetworkReady, and the kubelet's next
node-status update posts Ready (`pkg/kubelet/nodestatus/setters.go` ReadyCondition: reason KubeletReady,
"kubelet is posting ready status") with a new transition time, and records the Event NodeReady
"Node <name> status is now: NodeReady" (`recordNodeStatusEvent`).
"""
from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
READY_REASON, READY_MESSAGE = "KubeletReady", "kubelet is posting ready status"


def is_ready(node: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (node.get("status") or {}).get("conditions") or [])


def mark_ready(node: Obj, now: str) -> bool:
    """Set the node's Ready condition to True; False when it already was."""
    if is_ready(node):
        return False
    conditions = node.setdefault("status", {}).setdefault("conditions", [])
    ready = {"type": "Ready", "status": "True", "lastHeartbeatTime": now, "lastTransitionTime": now,
             "reason": READY_REASON, "message": READY_MESSAGE}
    node["status"]["conditions"] = [c for c in conditions if c.get("type") != "Ready"] + [ready]
    for condition in node["status"]["conditions"]:
        condition["lastHeartbeatTime"] = now
    return True


def node_ready_event(name: str) -> str:
    return f"Node {name} status is now: NodeReady"
