"""Status of ReplicaSets, Deployments and DaemonSets computed from their pods.

Field meanings: `pkg/controller/replicaset/replica_set_utils.go` (calculateStatus),
`pkg/controller/deployment/sync.go` (calculateStatus) and `progress.go` (syncRolloutStatus:
Available MinimumReplicasAvailable/Unavailable; Progressing NewReplicaSetCreated,
FoundNewReplicaSet, ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded),
`pkg/controller/deployment/util` (SetDeploymentCondition, ResolveFenceposts),
`pkg/controller/daemon/daemon_controller.go` (updateDaemonSetStatus). Pure functions: controllers
call them with what they list from the store.
"""
from __future__ import annotations

import calendar
import math
import time
from typing import Any

Obj = dict[str, Any]


def pod_ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions") or [])


def owned_by(obj: Obj, owner: Obj) -> bool:
    return any(ref.get("uid") == owner["metadata"]["uid"] for ref in obj["metadata"].get("ownerReferences") or [])


def replicaset_status(rs: Obj, pods: list[Obj]) -> Obj:
    mine = [p for p in pods if owned_by(p, rs) and not p["metadata"].get("deletionTimestamp")]
    ready = sum(1 for p in mine if pod_ready(p))
    status: Obj = {"replicas": len(mine), "fullyLabeledReplicas": len(mine), "observedGeneration":
                   rs["metadata"].get("generation", 1)}
    if ready:
        status["readyReplicas"] = ready
        status["availableReplicas"] = ready
    terminating = sum(1 for p in pods if owned_by(p, rs) and p["metadata"].get("deletionTimestamp"))
    status["terminatingReplicas"] = terminating
    return status


def _condition(kind: str, status: bool, reason: str, message: str, at: str) -> Obj:
    return {"type": kind, "status": "True" if status else "False", "lastUpdateTime": at,
            "lastTransitionTime": at, "reason": reason, "message": message}


def set_condition(status: Obj, condition: Obj) -> None:
    """deploymentutil.SetDeploymentCondition: same status and reason is no change; same status
    keeps the transition time; the new condition goes last."""
    conditions = status.setdefault("conditions", [])
    current = next((c for c in conditions if c["type"] == condition["type"]), None)
    if current and current["status"] == condition["status"] and current["reason"] == condition["reason"]:
        return
    if current and current["status"] == condition["status"]:
        condition["lastTransitionTime"] = current["lastTransitionTime"]
    status["conditions"] = [c for c in conditions if c["type"] != condition["type"]] + [condition]


def max_surge_unavailable(deployment: Obj) -> tuple[int, int]:
    """deploymentutil.ResolveFenceposts: surge rounds up, unavailable down, never both 0."""
    spec = deployment["spec"]
    wanted = spec.get("replicas", 1)
    if (spec.get("strategy") or {}).get("type") == "Recreate":
        return 0, 0
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    surge = _resolve(rolling.get("maxSurge", "25%"), wanted, up=True)
    unavailable = _resolve(rolling.get("maxUnavailable", "25%"), wanted, up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, min(unavailable, wanted)


def revision(obj: Obj) -> int:
    return int((obj["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0") or 0)


def deployment_status(deployment: Obj, replicasets: list[Obj], new_rs: Obj | None, at: str, now: float) -> Obj:
    """sync.go calculateStatus + progress.go syncRolloutStatus: counts, Available, Progressing."""
    mine = [rs for rs in replicasets if owned_by(rs, deployment)]
    def total(key: str) -> int:
        return sum((rs.get("status") or {}).get(key, 0) for rs in mine)
    wanted = deployment["spec"].get("replicas", 1)
    old = deployment.get("status") or {}
    status: Obj = {"observedGeneration": deployment["metadata"].get("generation", 1), "replicas": total("replicas"),
                   "updatedReplicas": (new_rs.get("status") or {}).get("replicas", 0) if new_rs else 0}
    for key in ("readyReplicas", "availableReplicas"):
        if total(key):
            status[key] = total(key)
    available = total("availableReplicas")
    if wanted - available > 0:
        status["unavailableReplicas"] = wanted - available
    status["terminatingReplicas"] = total("terminatingReplicas")
    if old.get("collisionCount"):
        status["collisionCount"] = old["collisionCount"]
    status["conditions"] = [dict(c) for c in old.get("conditions") or []]
    _, unavailable = max_surge_unavailable(deployment)
    if available >= wanted - unavailable:
        set_condition(status, _condition("Available", True, "MinimumReplicasAvailable",
                                         "Deployment has minimum availability.", at))
    else:
        set_condition(status, _condition("Available", False, "MinimumReplicasUnavailable",
                                         "Deployment does not have minimum availability.", at))
    _progress(deployment, status, old, new_rs, at, now)
    if not status["conditions"]:
        del status["conditions"]
    return status


def _progress(deployment: Obj, status: Obj, old: Obj, new_rs: Obj | None, at: str, now: float) -> None:
    name = f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs else f'Deployment "{deployment["metadata"]["name"]}"'
    wanted = deployment["spec"].get("replicas", 1)
    current = next((c for c in status["conditions"] if c["type"] == "Progressing"), None)
    if current and status["replicas"] == status["updatedReplicas"] and current["reason"] == "NewReplicaSetAvailable":
        return
    complete = status["updatedReplicas"] == wanted and status["replicas"] == wanted and \
        status.get("availableReplicas", 0) == wanted and status["observedGeneration"] >= \
        deployment["metadata"].get("generation", 1)
    progressing = status["updatedReplicas"] > old.get("updatedReplicas", 0) or \
        status.get("readyReplicas", 0) > old.get("readyReplicas", 0) or \
        status.get("availableReplicas", 0) > old.get("availableReplicas", 0) or \
        status["replicas"] - status["updatedReplicas"] < old.get("replicas", 0) - old.get("updatedReplicas", 0)
    deadline = deployment["spec"].get("progressDeadlineSeconds", 600)
    if complete:
        set_condition(status, _condition("Progressing", True, "NewReplicaSetAvailable",
                                         f"{name} has successfully progressed.", at))
    elif progressing:
        condition = _condition("Progressing", True, "ReplicaSetUpdated", f"{name} is progressing.", at)
        if current and current["status"] == "True":
            condition["lastTransitionTime"] = current["lastTransitionTime"]
        status["conditions"] = [c for c in status["conditions"] if c["type"] != "Progressing"] + [condition]
    elif current and current["reason"] != "NewReplicaSetAvailable" and \
            now - _epoch(current["lastUpdateTime"]) > deadline:
        set_condition(status, _condition("Progressing", False, "ProgressDeadlineExceeded",
                                         f"{name} has timed out progressing.", at))


def _epoch(stamp: str) -> float:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


def _resolve(value: Any, total: int, up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, str) and value.endswith("%"):
        scaled = total * int(value[:-1]) / 100
        return math.ceil(scaled) if up else math.floor(scaled)
    return int(value)


def daemonset_status(ds: Obj, pods: list[Obj], node_count: int) -> Obj:
    mine = [p for p in pods if owned_by(p, ds) and not p["metadata"].get("deletionTimestamp")]
    ready = sum(1 for p in mine if pod_ready(p))
    return {"currentNumberScheduled": len(mine), "desiredNumberScheduled": node_count,
            "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
            "observedGeneration": ds["metadata"].get("generation", 1), "updatedNumberScheduled": len(mine),
            **({"numberUnavailable": node_count - ready} if node_count - ready > 0 else {})}
