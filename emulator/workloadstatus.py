"""Status of ReplicaSets, Deployments and DaemonSets computed from their pods.

Field meanings: `pkg/controller/replicaset/replica_set_utils.go` (calculateStatus),
`pkg/controller/deployment/sync.go` (calculateStatus, conditions Available/Progressing with reasons
MinimumReplicasAvailable/NewReplicaSetAvailable), `pkg/controller/daemon/daemon_controller.go`
(updateDaemonSetStatus). Pure functions: controllers call them with what they list from the store.
"""
from __future__ import annotations

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


def deployment_status(deployment: Obj, replicasets: list[Obj], at: str) -> Obj:
    mine = [rs for rs in replicasets if owned_by(rs, deployment)]
    total = lambda key: sum(rs.get("status", {}).get(key, 0) for rs in mine)
    wanted = deployment["spec"].get("replicas", 1)
    newest = max(mine, key=lambda rs: int(rs["metadata"].get("annotations", {}).get(
        "deployment.kubernetes.io/revision", "0")), default=None)
    available, ready = total("availableReplicas"), total("readyReplicas")
    status: Obj = {"observedGeneration": deployment["metadata"].get("generation", 1), "replicas": total("replicas"),
                   "updatedReplicas": newest.get("status", {}).get("replicas", 0) if newest else 0}
    if ready:
        status["readyReplicas"] = ready
    if available:
        status["availableReplicas"] = available
    unavailable = max(wanted - available, 0)
    if unavailable:
        status["unavailableReplicas"] = unavailable
    status["terminatingReplicas"] = total("terminatingReplicas")
    max_unavailable = deployment["spec"].get("strategy", {}).get("rollingUpdate", {}).get("maxUnavailable", 0)
    allowed = _resolve(max_unavailable, wanted) if deployment["spec"].get("strategy", {}).get("type") != "Recreate" else 0
    has_minimum = available >= wanted - allowed
    old = {c["type"]: c for c in deployment.get("status", {}).get("conditions") or []}
    conditions = [
        _condition("Available", has_minimum, "MinimumReplicasAvailable" if has_minimum else
                   "MinimumReplicasUnavailable", "Deployment has minimum availability." if has_minimum else
                   "Deployment does not have minimum availability.", at),
        _condition("Progressing", True, "NewReplicaSetAvailable" if newest and available >= wanted else
                   "ReplicaSetUpdated", f'ReplicaSet "{newest["metadata"]["name"]}" has successfully progressed.'
                   if newest and available >= wanted else
                   f'ReplicaSet "{newest["metadata"]["name"] if newest else ""}" is progressing.', at)]
    for condition in conditions:
        previous = old.get(condition["type"])
        if previous and previous["status"] == condition["status"]:
            condition["lastTransitionTime"] = previous["lastTransitionTime"]
    status["conditions"] = conditions
    return status


def _resolve(value: Any, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return int(total * int(value[:-1]) / 100)
    return int(value)


def daemonset_status(ds: Obj, pods: list[Obj], node_count: int) -> Obj:
    mine = [p for p in pods if owned_by(p, ds) and not p["metadata"].get("deletionTimestamp")]
    ready = sum(1 for p in mine if pod_ready(p))
    return {"currentNumberScheduled": len(mine), "desiredNumberScheduled": node_count,
            "numberAvailable": ready, "numberMisscheduled": 0, "numberReady": ready,
            "observedGeneration": ds["metadata"].get("generation", 1), "updatedNumberScheduled": len(mine),
            **({"numberUnavailable": node_count - ready} if node_count - ready > 0 else {})}
