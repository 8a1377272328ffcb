"""Pod status as the kubelet reports it (`pkg/kubelet/status/generate.go`, kubelet_pods.go).

Conditions: PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled; init
containers terminated with reason Completed; containers running with docker:// ids (cri-dockerd).
"""
from __future__ import annotations

from typing import Any

from ..apiserver.store import timestamp
from ..base.ids import Ids


def _condition(kind: str, status: bool, at: str, reason: str | None = None,
               message: str | None = None) -> dict[str, Any]:
    condition: dict[str, Any] = {"type": kind, "status": "True" if status else "False",
                                 "lastProbeTime": None, "lastTransitionTime": at}
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    return condition


def container_status(ids: Ids, container: dict[str, Any], started: str, ready: bool,
                     restarts: int = 0, init_finished: str | None = None) -> dict[str, Any]:
    image = container["image"]
    if "/" not in image.split(":")[0]:
        image = "docker.io/library/" + image
    status: dict[str, Any] = {
        "name": container["name"], "image": image,
        "imageID": f"docker-pullable://{image.split(':')[0]}@sha256:{ids.hex(64)}",
        "containerID": f"docker://{ids.hex(64)}", "ready": ready, "restartCount": restarts,
        "lastState": {}}
    if init_finished:
        status["state"] = {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": started,
                                          "finishedAt": init_finished,
                                          "containerID": status["containerID"]}}
        status["started"] = False
    else:
        status["state"] = {"running": {"startedAt": started}}
        status["started"] = True
    return status


def running(ids: Ids, pod: dict[str, Any], node_ip: str, pod_ip: str, started_at: float,
            ready: bool) -> dict[str, Any]:
    started = timestamp(started_at)
    running_since = timestamp(started_at + 2)
    spec = pod["spec"]
    status: dict[str, Any] = {
        "observedGeneration": 1, "phase": "Running",
        "conditions": [
            _condition("PodReadyToStartContainers", True, running_since),
            _condition("Initialized", True, running_since),
            _condition("Ready", ready, running_since, None if ready else "ContainersNotReady",
                       None if ready else f"containers with unready status: [{spec['containers'][0]['name']}]"),
            _condition("ContainersReady", ready, running_since, None if ready else "ContainersNotReady",
                       None if ready else f"containers with unready status: [{spec['containers'][0]['name']}]"),
            _condition("PodScheduled", True, started)],
        "hostIP": node_ip, "hostIPs": [{"ip": node_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
        "startTime": started, "qosClass": pod["status"]["qosClass"],
        "containerStatuses": [container_status(ids, c, running_since, ready) for c in spec["containers"]]}
    for condition in status["conditions"]:
        condition["observedGeneration"] = 1
    if spec.get("initContainers"):
        status["initContainerStatuses"] = [
            container_status(ids, c, started, False, init_finished=running_since)
            for c in spec["initContainers"]]
    return status
