"""Pod status as the kubelet generates it (`pkg/kubelet/status/generate.go`, `kubelet_pods.go`
generateAPIPodStatus / convertToAPIContainerStatuses): the one builder, for the pods the emulated
kubelet runs and for the system pods the seed finds already running (`settled`).

Conditions in the kubelet's order: PodReadyToStartContainers, Initialized, Ready,
ContainersReady, then the scheduler's PodScheduled; container states waiting (ContainerCreating,
PodInitializing, CrashLoopBackOff), running or terminated. Ids read as the node's container runtime writes
them (docs/platform.md §9.1): cri-dockerd's `docker://<id>` with `docker-pullable://<repository>@sha256:...`
image ids, or containerd's `containerd://<id>` with the image reference normalised
(`docker.io/library/busybox:latest`) and `<repository>@sha256:...` image ids.
"""
from __future__ import annotations

import hashlib
from typing import Any, Callable

from ..apiserver.store import timestamp

Obj = dict[str, Any]
ORDER = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")


def _runtime(container_id: str | None) -> str:
    return (container_id or "docker://").split("://", 1)[0]


def normalized(image: str) -> str:
    """The fully qualified reference containerd reports: docker.io/library/busybox:latest."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    if ":" not in last and not digest:
        name += ":latest"
    first = name.split("/", 1)[0]
    if "/" not in name or not ("." in first or ":" in first or first == "localhost"):
        name = "docker.io/" + (name if "/" in name else "library/" + name)
    return f"{name}@{digest}" if digest else name


def status_image(image: str, container_id: str | None) -> str:
    return normalized(image) if _runtime(container_id) == "containerd" else image


def image_id(image: str, digest: str | None = None, runtime: str = "docker") -> str:
    """One digest per image reference by default: docker-pullable://<repository>@sha256:<digest> (cri-dockerd),
    <normalised repository>@sha256:<digest> (containerd)."""
    name = image.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    digest = digest or hashlib.sha256(image.encode()).hexdigest()
    if runtime == "containerd":
        return f"{normalized(name).rsplit(':', 1)[0]}@sha256:{digest}"
    return f"docker-pullable://{name}@sha256:{digest}"


def waiting(container: Obj, reason: str, message: str | None = None, restarts: int = 0,
            last: Obj | None = None) -> Obj:
    state: Obj = {"reason": reason}
    if message:
        state["message"] = message
    status = {"name": container["name"], "image": container["image"], "imageID": "", "ready": False,
              "restartCount": restarts, "started": False, "state": {"waiting": state}, "lastState": last or {}}
    if last:
        previous = last["terminated"]["containerID"]
        status.update({"image": status_image(container["image"], previous), "containerID": previous,
                       "imageID": image_id(container["image"], runtime=_runtime(previous))})
    return status


def running(container: Obj, container_id: str, started_at: str, restarts: int = 0,
            last: Obj | None = None, digest: str | None = None) -> Obj:
    return {"name": container["name"], "image": status_image(container["image"], container_id),
            "imageID": image_id(container["image"], digest, _runtime(container_id)), "containerID": container_id,
            "ready": False, "restartCount": restarts, "started": True,
            "state": {"running": {"startedAt": started_at}}, "lastState": last or {}}


def terminated(status: Obj, exit_code: int, reason: str, finished_at: str) -> Obj:
    """The container's status once its process ended (running -> terminated)."""
    started = (status["state"].get("running") or {}).get("startedAt", finished_at)
    return {**status, "ready": False, "started": False, "state": {"terminated": {
        "exitCode": exit_code, "reason": reason, "startedAt": started, "finishedAt": finished_at,
        "containerID": status.get("containerID", "")}}}


def condition(kind: str, ok: bool, at: str, reason: str | None = None, message: str | None = None) -> Obj:
    found: Obj = {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None, "lastTransitionTime": at}
    if not ok and reason:
        found["reason"] = reason
    if not ok and message:
        found["message"] = message
    return found


def refresh_conditions(pod: Obj, sandbox_ready: bool) -> None:
    """Recompute the kubelet's conditions from the container statuses, keeping transition times."""
    status = pod["status"]
    at = timestamp()
    generation = pod["metadata"].get("generation", 1)
    inits = status.get("initContainerStatuses") or []
    pending_inits = [s["name"] for s in inits if (s["state"].get("terminated") or {}).get("exitCode") != 0
                     or "terminated" not in s["state"]]
    unready = [s["name"] for s in status.get("containerStatuses") or [] if not s.get("ready")]
    deleting = bool(pod["metadata"].get("deletionTimestamp"))
    ready_reason = "PodCompleted" if status.get("phase") in ("Succeeded", "Failed") else "ContainersNotReady"
    wanted = {
        "PodReadyToStartContainers": condition("PodReadyToStartContainers", sandbox_ready, at),
        "Initialized": condition("Initialized", not pending_inits, at, "ContainersNotInitialized",
                                 f"containers with incomplete status: [{' '.join(pending_inits)}]"),
        "Ready": condition("Ready", not unready and not deleting, at, ready_reason,
                           f"containers with unready status: [{' '.join(unready)}]"),
        "ContainersReady": condition("ContainersReady", not unready and not deleting, at, ready_reason,
                                     f"containers with unready status: [{' '.join(unready)}]")}
    old = {c["type"]: c for c in status.get("conditions") or []}
    for kind, new in wanted.items():
        previous = old.get(kind)
        if previous and previous.get("status") == new["status"]:
            new["lastTransitionTime"] = previous["lastTransitionTime"]
        new["observedGeneration"] = generation
    merged = {**old, **wanted}
    status["conditions"] = [merged[kind] for kind in ORDER if kind in merged]
    status["observedGeneration"] = generation


def settled(pod: Obj, node_ip: str, pod_ip: str, started_at: float, ready: bool, new_id: Callable[[], str],
            runtime: str = "docker") -> Obj:
    """The status of a pod its kubelet started at `started_at` and has run since (the seeded system
    pods): sandbox and init containers done 2 s later (init containers Completed), every container
    running from then on, Ready as `ready` says. `new_id` draws each container's image digest, then
    its container id."""
    started, running_since = timestamp(started_at), timestamp(started_at + 2)
    spec = pod["spec"]
    unready = f"containers with unready status: [{spec['containers'][0]['name']}]"

    def container(spec_container: Obj, since: str) -> Obj:
        digest, container_id = new_id(), new_id()
        return running(spec_container, f"{runtime}://{container_id}", since, digest=digest)

    status: Obj = {
        "observedGeneration": 1, "phase": "Running",
        "conditions": [
            condition("PodReadyToStartContainers", True, running_since),
            condition("Initialized", True, running_since),
            condition("Ready", ready, running_since, "ContainersNotReady", unready),
            condition("ContainersReady", ready, running_since, "ContainersNotReady", unready),
            condition("PodScheduled", True, started)],
        "hostIP": node_ip, "hostIPs": [{"ip": node_ip}], "podIP": pod_ip, "podIPs": [{"ip": pod_ip}],
        "startTime": started, "qosClass": pod["status"]["qosClass"],
        "containerStatuses": [container(c, running_since) | {"ready": ready} for c in spec["containers"]]}
    for found in status["conditions"]:
        found["observedGeneration"] = 1
    if spec.get("initContainers"):
        status["initContainerStatuses"] = [terminated(container(c, started), 0, "Completed", running_since)
                                           for c in spec["initContainers"]]
    return status


def set_ready(status: Obj, ready: bool, at: str) -> None:
    """A seeded system pod's readiness flipped (the lifecycle's timeline): Ready and ContainersReady
    change with a new transition time (reason and message gone when Ready), and so does every
    container's `ready`."""
    for kind in ("Ready", "ContainersReady"):
        for condition in status["conditions"]:
            if condition["type"] == kind and (condition["status"] == "True") != ready:
                condition["status"] = "True" if ready else "False"
                condition["lastTransitionTime"] = at
                if ready:
                    condition.pop("reason", None)
                    condition.pop("message", None)
    for container in status["containerStatuses"]:
        container["ready"] = ready


def phase(pod: Obj) -> str:
    """kubelet_pods.go getPhase: a container that has not started yet keeps the pod Pending; a
    stopped one (or one backing off after it stopped) counts as Running while it will restart."""
    waiting = running = stopped = succeeded = 0
    for status in pod["status"].get("containerStatuses") or []:
        state = status["state"]
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode") == 0
        elif (status.get("lastState") or {}).get("terminated"):
            stopped += 1
        else:
            waiting += 1
    policy = pod["spec"].get("restartPolicy", "Always")
    if waiting or not (running or stopped):
        return "Pending"
    if running:
        return "Running"
    if policy == "Always":
        return "Running"
    if stopped == succeeded:
        return "Succeeded"
    return "Failed" if policy == "Never" else "Running"
