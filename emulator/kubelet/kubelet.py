"""The kubelets of the emulated nodes: they run the pods bound to their node (`pkg/kubelet`).

A new pod goes through the kubelet's SyncPod steps along the Timeline:
1. accepted: Pending, hostIP, startTime, containers waiting ContainerCreating (init containers
   PodInitializing); a missing imagePullSecret is the Warning FailedToRetrieveImagePullSecret
   "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not
   succeed." and the pull goes on (`kubelet_pods.go` getPullSecretsForPod);
2. sandbox (`sandbox`): the CNI ADD (`emulator.calico.cni`) gives the pod its IP; a failure is the Warning
   FailedCreatePodSandBox with cri-dockerd's wording, retried every `sandbox_retry` while the pod
   stays ContainerCreating; a NotReady node's network is not ready (NetworkNotReady);
3. per container, init containers first: Pulling/Pulled (or "already present on machine"),
   Created, Started (`kuberuntime_container.go`), state running with startedAt. An image the
   registry does not have (`registry`): Failed "Failed to pull image ...", ErrImagePull, then
   after `kubelet_resync` ImagePullBackOff ("Back-off pulling image ...: ErrImagePull: ...") until
   the back-off (`image_backoff`, doubling, at most 30x) lets it pull again. A ConfigMap, Secret or
   key the environment names that is not there (`container_env.config_error`): Failed "Error: ...",
   CreateContainerConfigError, tried again every `kubelet_resync` (docs/platform.md §23.1, §23.2);
4. readiness from `probes` every `probe_period` until every container is Ready.
A started container may end (`container_exits`: OOMKilled, app-crashloop, a shell image without a
command), or its command, run by the pod runtime (`main_process`), returns (Completed or Error):
terminated with its exit code, then restarted at once the first time and after a
doubling CrashLoopBackOff later (Warning BackOff); its output goes to the log book, which keeps
the previous instance for `logs --previous`.
Deletion is graceful: Killing "Stopping container X", the pod unready at once, gone after
min(grace, `pod_termination`), its address released by the CNI DEL.
Pods running at start-up (the seeded system pods) are adopted as they are.
Milestones: app-pod-running/<pod>, app-pod-ready/<pod>, app-listening/<pod> (container start
plus the build), and app-listening once every lab pod listens.
"""
from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store, timestamp
from ..base.cluster import Milestones, Timeline
from ..base.errors import ApiError
from ..base.faults import APP_NEVER_LISTENS
from ..base.flavor import Flavor
from ..base.ids import Ids
from ..base.images import image_for, is_lab_pod
from ..base.reconcile import Reconciler
from ..calico.cni import CniError, installs_cni_config
from ..runtime import container_env, react_app
from . import container_exits, node_status, pod_status, probes, registry
from .image_pulls import ImageCache, go_duration
from .logs import LogBook

Obj = dict[str, Any]


@dataclass
class _PodRun:
    namespace: str
    name: str
    host_network: bool
    adopted: bool = False
    sandbox_ready: bool = False
    terminating: bool = False
    released: bool = False
    started: dict[str, float] = field(default_factory=dict)    # container -> start of this instance
    processes: dict[str, asyncio.Future] = field(default_factory=dict)    # container -> its running command

    def stop_processes(self) -> None:
        for process in self.processes.values():
            process.cancel()
        self.processes.clear()


MainProcess = Callable[[Obj, Obj, Callable[[str], None]], Awaitable[int]]
"""Runs a container's command in the pod runtime, its output line by line to the log; returns its exit code."""


def _ready_condition(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


class Kubelet:
    def __init__(self, store: Store, cni: Any, events: EventRecorder, logs: LogBook,
                 app_log: Callable[[Obj, str], str], calico_ready: Callable[[str], bool], timeline: Timeline,
                 faults: frozenset[str], milestones: Milestones, ids: Ids, flavor: Flavor,
                 main_process: MainProcess | None = None) -> None:
        self.store, self.cni, self.events, self.logs = store, cni, events, logs
        self.main_process = main_process
        self.app_log, self.calico_ready = app_log, calico_ready
        self.timeline, self.faults, self.milestones, self.ids = timeline, faults, milestones, ids
        self.flavor = flavor
        self.images = ImageCache()
        for node in flavor.nodes:           # the node image's own images (kind preloads them)
            for image in flavor.preloaded_images:
                self.images.add(node.name, image)
        self.loop = Reconciler("kubelet", self._sync)
        self._runs: dict[str, _PodRun] = {}
        self._pull_failures: dict[tuple[str, str], int] = {}     # (pod uid, image) -> failed pulls

    def watches(self) -> set[str]:
        return {"pods", "nodes"}

    def observe(self, event: Event) -> None:
        if event.resource.key == "pods" and event.type == "DELETED":
            self.loop.later(0, self._gone, event.object)     # the CNI DEL writes: not inside this write
        self.loop.kick()

    def adopt_running(self) -> None:
        """Pods already running at start-up keep running; their images are on their nodes."""
        for pod in self.store.view("pods"):
            node = pod["spec"].get("nodeName")
            if node and (pod.get("status") or {}).get("phase") == "Running":
                self._runs[pod["metadata"]["uid"]] = _PodRun(
                    pod["metadata"]["namespace"], pod["metadata"]["name"], bool(pod["spec"].get("hostNetwork")),
                    adopted=True, sandbox_ready=True)
                for container in (pod["spec"].get("initContainers") or []) + pod["spec"]["containers"]:
                    self.images.add(node, container["image"])

    # --- the sync loop ----------------------------------------------------------------------------
    def _sync(self) -> None:
        nodes = {n["metadata"]["name"] for n in self.store.list("nodes")[0]}
        for seen in self.store.view("pods"):
            if seen["spec"].get("nodeName") not in nodes:
                continue
            uid = seen["metadata"]["uid"]
            run = self._runs.get(uid)
            if run is None:
                run = self._runs[uid] = _PodRun(seen["metadata"]["namespace"], seen["metadata"]["name"],
                                                bool(seen["spec"].get("hostNetwork")))
                self._accept(self.store.get("pods", run.namespace, run.name))
            if seen["metadata"].get("deletionTimestamp") and not run.terminating:
                self._terminate(self.store.get("pods", run.namespace, run.name), run)

    def _fresh(self, uid: str) -> tuple[Obj, _PodRun] | None:
        """The pod as stored now and its run, unless it is gone, replaced or being deleted."""
        run = self._runs.get(uid)
        if run is None or run.terminating:
            return None
        try:
            pod = self.store.get("pods", run.namespace, run.name)
        except ApiError:
            return None
        if pod["metadata"]["uid"] != uid or pod["metadata"].get("deletionTimestamp"):
            return None
        return pod, run

    def _write(self, pod: Obj) -> Obj:
        return self.store.update("pods", pod, manager="kubelet", subresource="status")

    def _event(self, pod: Obj, kind: str, reason: str, message: str, container: str | None = None,
               init: bool = False) -> None:
        path = f"spec.{'initContainers' if init else 'containers'}{{{container}}}" if container else None
        self.events.record(pod, kind, reason, message, component="kubelet", host=pod["spec"]["nodeName"],
                           field_path=path)

    def _later(self, seconds: float, step: Callable[..., None], *args: Any) -> None:
        self.loop.later(seconds, step, *args)

    # --- 1. accept --------------------------------------------------------------------------------
    def _accept(self, pod: Obj) -> None:
        node = self.store.get("nodes", None, pod["spec"]["nodeName"])
        host_ip = next((a["address"] for a in node["status"].get("addresses") or [] if a["type"] == "InternalIP"), "")
        status = pod.setdefault("status", {})
        status.update({"phase": "Pending", "hostIP": host_ip, "hostIPs": [{"ip": host_ip}], "startTime": timestamp(),
                       "containerStatuses": [pod_status.waiting(c, "ContainerCreating")
                                             for c in pod["spec"]["containers"]]})
        if pod["spec"].get("initContainers"):
            status["initContainerStatuses"] = [pod_status.waiting(c, "PodInitializing")
                                               for c in pod["spec"]["initContainers"]]
        pod_status.refresh_conditions(pod, False)
        self._write(pod)
        self._check_pull_secrets(pod)
        self._later(self.timeline.seconds(self.timeline.sandbox), self._sandbox, pod["metadata"]["uid"])

    def _check_pull_secrets(self, pod: Obj) -> None:
        names = [s.get("name") for s in pod["spec"].get("imagePullSecrets") or [] if s.get("name")]
        missing = []
        for name in names:
            try:
                self.store.get("secrets", pod["metadata"]["namespace"], name)
            except ApiError:
                missing.append(name)
        if missing:
            self._event(pod, "Warning", "FailedToRetrieveImagePullSecret",
                        f"Unable to retrieve some image pull secrets ({', '.join(missing)}); attempting to pull "
                        "the image may not succeed.")

    # --- 2. sandbox -------------------------------------------------------------------------------
    def _sandbox(self, uid: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        if not run.host_network and not self._node_ready(pod["spec"]["nodeName"]):
            self._event(pod, "Warning", "NetworkNotReady",
                        f"network is not ready: {self.flavor.node_network_not_ready()}")
            self._later(self.timeline.seconds(self.timeline.sandbox_retry), self._sandbox, uid)
            return
        sandbox = self.ids.hex(64)
        if run.host_network:
            ip = pod["status"]["hostIP"]
        else:
            try:
                ip = self.cni.add(pod, sandbox)
            except CniError as error:
                self._event(pod, "Warning", "FailedCreatePodSandBox",
                            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up "
                            f'sandbox container "{sandbox}" network for pod "{run.name}": networkPlugin cni failed '
                            f'to set up pod "{run.name}_{run.namespace}" network: {error}')
                self._later(self.timeline.seconds(self.timeline.sandbox_retry), self._sandbox, uid)
                return
            pod = self.store.get("pods", run.namespace, run.name)
        run.sandbox_ready = True
        pod["status"].update({"podIP": ip, "podIPs": [{"ip": ip}]})
        pod_status.refresh_conditions(pod, True)
        self._write(pod)
        self._next_container(uid)

    def _node_ready(self, name: str) -> bool:
        try:
            node = self.store.get("nodes", None, name)
        except ApiError:
            return False
        return _ready_condition(node)

    # --- 3. containers ----------------------------------------------------------------------------
    def _next_container(self, uid: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, _ = found
        for status in pod["status"].get("initContainerStatuses") or []:
            if "terminated" not in status["state"]:
                if "waiting" in status["state"]:
                    self._pull(pod, status["name"], init=True)
                return
        for status in pod["status"]["containerStatuses"]:
            if status["state"].get("waiting", {}).get("reason") in ("ContainerCreating", "PodInitializing"):
                self._pull(pod, status["name"], init=False)
                return

    def _spec(self, pod: Obj, name: str, init: bool) -> Obj:
        return next(c for c in pod["spec"].get("initContainers" if init else "containers") or [] if c["name"] == name)

    def _pull(self, pod: Obj, name: str, init: bool) -> None:
        container = self._spec(pod, name, init)
        image, node = container["image"], pod["spec"]["nodeName"]
        policy = container.get("imagePullPolicy", "IfNotPresent")
        uid = pod["metadata"]["uid"]
        if policy == "Never" and not self.images.present(node, image):
            self._set_waiting(pod, name, init, "ErrImageNeverPull",
                              f'Container image "{image}" is not present with pull policy of Never')
            self._event(pod, "Warning", "ErrImageNeverPull",
                        f'Container image "{image}" is not present with pull policy of Never', name, init)
            return
        if not self.images.must_pull(node, image, policy):
            self._event(pod, "Normal", "Pulled", f'Container image "{image}" already present on machine', name, init)
            self._create(uid, name, init)
            return
        self._check_pull_secrets(pod)
        self._event(pod, "Normal", "Pulling", f'Pulling image "{image}"', name, init)
        refused = registry.pull_error(image)
        if refused:
            self._later(self.timeline.seconds(self.timeline.pull_refused), self._pull_failed, uid, name, init, refused)
            return
        seconds = self.images.pull_seconds(node, image, self.timeline)
        self._later(seconds, self._pulled, uid, name, init, seconds)

    def _pull_failed(self, uid: str, name: str, init: bool, refused: str) -> None:
        """`image_manager.go` pullImage: the Failed events, ErrImagePull, then the back-off."""
        found = self._fresh(uid)
        if found is None:
            return
        pod, _ = found
        image = self._spec(pod, name, init)["image"]
        message = f"rpc error: code = Unknown desc = Error response from daemon: {refused}"
        self._event(pod, "Warning", "Failed", f'Failed to pull image "{image}": {message}', name, init)
        self._event(pod, "Warning", "Failed", "Error: ErrImagePull", name, init)
        self._set_waiting(pod, name, init, "ErrImagePull", message)
        failures = self._pull_failures[(uid, image)] = self._pull_failures.get((uid, image), 0) + 1
        backoff = self.timeline.seconds(self.timeline.image_backoff) * min(2 ** (failures - 1), 30)
        resync = min(self.timeline.seconds(self.timeline.kubelet_resync), backoff)
        self._later(resync, self._pull_backing_off, uid, name, init, message, backoff - resync)

    def _pull_backing_off(self, uid: str, name: str, init: bool, message: str, remaining: float) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, _ = found
        image = self._spec(pod, name, init)["image"]
        self._event(pod, "Normal", "BackOff", f'Back-off pulling image "{image}"', name, init)
        self._event(pod, "Warning", "Failed", "Error: ImagePullBackOff", name, init)
        self._set_waiting(pod, name, init, "ImagePullBackOff",
                          f'Back-off pulling image "{image}": ErrImagePull: {message}')
        self._later(max(remaining, 0.0), self._pull_again, uid, name, init)

    def _pull_again(self, uid: str, name: str, init: bool) -> None:
        found = self._fresh(uid)
        if found is not None:
            self._pull(found[0], name, init)

    def _pulled(self, uid: str, name: str, init: bool, seconds: float) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, _ = found
        image = self._spec(pod, name, init)["image"]
        self.images.add(pod["spec"]["nodeName"], image)
        took = go_duration(seconds)
        self._event(pod, "Normal", "Pulled", f'Successfully pulled image "{image}" in {took} ({took} including '
                                             f"waiting). Image size: {self.images.size(image)} bytes.", name, init)
        self._create(uid, name, init)

    def _create(self, uid: str, name: str, init: bool) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod = found[0]
        problem = container_env.config_error(pod, self._spec(pod, name, init), self.store.list("configmaps")[0],
                                              self.store.list("secrets")[0])
        if problem:
            # kuberuntime startContainer: generateContainerConfig failed; the next sync tries again
            self._event(pod, "Warning", "Failed", f"Error: {problem}", name, init)
            self._set_waiting(pod, name, init, "CreateContainerConfigError", problem)
            self._later(self.timeline.seconds(self.timeline.kubelet_resync), self._create, uid, name, init)
            return
        self._event(pod, "Normal", "Created", f"Created container: {name}", name, init)
        self._later(self.timeline.seconds(self.timeline.container_start), self._start, uid, name, init)

    def _start(self, uid: str, name: str, init: bool) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        statuses = pod["status"]["initContainerStatuses" if init else "containerStatuses"]
        index = next(i for i, s in enumerate(statuses) if s["name"] == name)
        old = statuses[index]
        last = ({"terminated": old["state"]["terminated"]} if "terminated" in old["state"]
                else old.get("lastState") or {})
        restarts = old["restartCount"] + (1 if last else 0)
        if restarts:
            self.logs.restart(run.namespace, run.name, name)
        container_id = f"{self.flavor.container_runtime}://{self.ids.hex(64)}"
        now = time.time()
        statuses[index] = pod_status.running(self._spec(pod, name, init), container_id, timestamp(now), restarts, last)
        run.started[name] = now
        # a command the pod runtime runs ends when it returns; container_exits' one-shot rule is its stand-in
        # where no runtime runs commands
        spec = None if init else self._spec(pod, name, False)
        planned = None if spec is None or self._runs_command(spec) else container_exits.planned_exit(
            spec, self.timeline, self.faults)
        if planned and planned.after <= 0:
            # it ends before the kubelet's next relist (PLEG): the API never shows it running
            self._event(pod, "Normal", "Started", f"Started container: {name}", name)
            self._end(pod, run, name, planned, [])
            self._next_container(uid)
            return
        pod["status"]["phase"] = pod_status.phase(pod) if not init else "Pending"
        pod_status.refresh_conditions(pod, True)
        pod = self._write(pod)
        self._event(pod, "Normal", "Started", f"Started container: {name}", name, init)
        if init:
            self._later(self.timeline.seconds(self.timeline.container_start), self._init_done, uid, name, container_id)
            return
        if planned:
            self._later(planned.after, self._exited, uid, name, container_id, planned)
        elif self._runs_command(self._spec(pod, name, False)):
            self._run_command(pod, run, name, container_id)
        self._app_started(pod, name, container_id, planned)
        self._probe(uid)
        self._next_container(uid)

    def _init_done(self, uid: str, name: str, container_id: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        statuses = pod["status"]["initContainerStatuses"]
        index = next(i for i, s in enumerate(statuses) if s["name"] == name)
        if statuses[index].get("containerID") != container_id:
            return
        statuses[index] = pod_status.terminated(statuses[index], 0, "Completed", timestamp())
        if installs_cni_config(pod, name):
            self._later(self.timeline.seconds(self.timeline.network_ready), self._network_ready,
                        pod["spec"]["nodeName"])
        if all("terminated" in s["state"] for s in statuses):
            pod["status"]["containerStatuses"] = [
                pod_status.waiting(c, "ContainerCreating") if s["state"].get("waiting", {}).get("reason") ==
                "PodInitializing" else s
                for c, s in zip(pod["spec"]["containers"], pod["status"]["containerStatuses"], strict=False)]
        pod_status.refresh_conditions(pod, True)
        self._write(pod)
        self._next_container(uid)

    def _network_ready(self, name: str) -> None:
        """The node's CNI config is in place: its runtime reports NetworkReady, the kubelet posts Ready."""
        try:
            node = self.store.get("nodes", None, name)
        except ApiError:
            return
        if node_status.mark_ready(node, timestamp()):
            self.store.update("nodes", node, manager="kubelet", subresource="status")
            self.events.record(node, "Normal", "NodeReady", node_status.node_ready_event(name), component="kubelet",
                               host=name)

    def _set_waiting(self, pod: Obj, name: str, init: bool, reason: str, message: str) -> None:
        statuses = pod["status"]["initContainerStatuses" if init else "containerStatuses"]
        index = next(i for i, s in enumerate(statuses) if s["name"] == name)
        old = statuses[index]
        statuses[index] = pod_status.waiting(self._spec(pod, name, init), reason, message, old["restartCount"],
                                             old.get("lastState") or None)
        pod_status.refresh_conditions(pod, True)
        self._write(pod)

    # --- 4. readiness -----------------------------------------------------------------------------
    def _probe(self, uid: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        now = time.time()
        waiting_for = False
        for status in pod["status"]["containerStatuses"]:
            if "running" not in status["state"]:
                continue
            ready = probes.ready(pod, self._spec(pod, status["name"], False), run.started[status["name"]], now,
                                 self.timeline, self.faults, self.calico_ready)
            status["ready"] = ready
            waiting_for = waiting_for or not ready
        before = _ready_condition(pod)
        pod_status.refresh_conditions(pod, True)
        pod = self._write(pod)
        if _ready_condition(pod) and not before and is_lab_pod(pod):
            self.milestones.mark(f"app-pod-ready/{run.name}")
        if waiting_for:
            self._later(self.timeline.seconds(self.timeline.probe_period), self._probe, uid)

    # --- the container's own command ----------------------------------------------------------------
    def _runs_command(self, container: Obj) -> bool:
        """BusyBox images (busybox, alpine, node-alpine) with a command: the runtime emulates their
        applets. Other images' commands (calico's binaries, CoreDNS) are not emulated: they run until stopped."""
        image = image_for(container["image"])
        return (self.main_process is not None and not image.runs_lab_app and image.shell == "busybox"
                and bool(container.get("command") or container.get("args")))

    def _run_command(self, pod: Obj, run: _PodRun, name: str, container_id: str) -> None:
        """The runtime runs the command; when it returns, the container has exited with its status
        (kuberuntime: Completed for 0, Error otherwise)."""
        uid = pod["metadata"]["uid"]

        def log(line: str) -> None:
            self.logs.append(run.namespace, run.name, name, line)

        def ended(process: asyncio.Future) -> None:
            if process.cancelled() or run.processes.get(name) is not process:
                return
            del run.processes[name]
            code = process.result() if process.exception() is None else 128
            exit_ = container_exits.Exit(0.0, code, "Completed" if code == 0 else "Error", ())
            self._later(0, self._exited, uid, name, container_id, exit_)

        assert self.main_process is not None
        process = asyncio.ensure_future(self.main_process(pod, self._spec(pod, name, False), log))
        run.processes[name] = process
        process.add_done_callback(ended)

    # --- exits and restarts -----------------------------------------------------------------------
    def _exited(self, uid: str, name: str, container_id: str, planned: container_exits.Exit) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        status = next(s for s in pod["status"]["containerStatuses"] if s["name"] == name)
        if status.get("containerID") == container_id and "running" in status["state"]:
            self._end(pod, run, name, planned, self.app_log(pod, name).splitlines())

    def _end(self, pod: Obj, run: _PodRun, name: str, planned: container_exits.Exit, printed: list[str]) -> None:
        """The container's process ended: what it printed to the log book, terminated, then a restart."""
        for line in printed + list(planned.output):
            self.logs.append(run.namespace, run.name, name, line)
        statuses = pod["status"]["containerStatuses"]
        index = next(i for i, s in enumerate(statuses) if s["name"] == name)
        statuses[index] = pod_status.terminated(statuses[index], planned.code, planned.reason, timestamp())
        pod["status"]["phase"] = pod_status.phase(pod)
        pod_status.refresh_conditions(pod, True)
        self._write(pod)
        uid = pod["metadata"]["uid"]
        if container_exits.restarts(planned.code, pod["spec"].get("restartPolicy", "Always")):
            delay = container_exits.backoff(self.timeline, statuses[index]["restartCount"])
            settle = self.timeline.seconds(self.timeline.container_start)
            if delay:
                self._later(settle, self._back_off, uid, name, delay)
            else:
                self._later(settle, self._restart, uid, name)

    def _back_off(self, uid: str, name: str, delay: float) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        status = next(s for s in pod["status"]["containerStatuses"] if s["name"] == name)
        if "terminated" not in status["state"]:
            return
        message = f"back-off {go_duration(delay)} restarting failed container={name} " \
                  f"pod={run.name}_{run.namespace}({uid})"
        last = {"terminated": status["state"]["terminated"]}
        statuses = pod["status"]["containerStatuses"]
        statuses[statuses.index(status)] = {**status, "state": {"waiting": {"reason": "CrashLoopBackOff",
                                                                            "message": message}},
                                            "lastState": last}
        pod_status.refresh_conditions(pod, True)
        self._write(pod)
        self._event(pod, "Warning", "BackOff", f"Back-off restarting failed container {name} in pod "
                                               f"{run.name}_{run.namespace}({uid})", name)
        self._later(delay, self._restart, uid, name)

    def _restart(self, uid: str, name: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        self._pull(found[0], name, init=False)

    # --- milestones -------------------------------------------------------------------------------
    def _app_started(self, pod: Obj, name: str, container_id: str, planned: container_exits.Exit | None) -> None:
        container = self._spec(pod, name, False)
        if not image_for(container["image"]).runs_lab_app:
            return
        self.milestones.mark(f"app-pod-running/{pod['metadata']['name']}")
        if planned is None and APP_NEVER_LISTENS not in self.faults:
            # The pod runtime serves once the build has run from the recorded startedAt (whole seconds,
            # as the API writes it): the milestone keeps the same clock, so it is never after the app answers.
            started = react_app.container_started_at(pod, name) or time.time()
            ends_in = started + self.timeline.seconds(self.timeline.app_build) - time.time()
            self._later(max(0.0, ends_in), self._listening, pod["metadata"]["uid"], name, container_id)

    def _listening(self, uid: str, name: str, container_id: str) -> None:
        found = self._fresh(uid)
        if found is None:
            return
        pod, run = found
        status = next(s for s in pod["status"]["containerStatuses"] if s["name"] == name)
        if status.get("containerID") != container_id:
            return
        self.milestones.mark(f"app-listening/{run.name}")
        lab = [p for p in self.store.view("pods") if is_lab_pod(p) and not p["metadata"].get("deletionTimestamp")]
        if all(f"app-listening/{p['metadata']['name']}" in self.milestones.reached for p in lab):
            self.milestones.mark("app-listening")

    # --- deletion ---------------------------------------------------------------------------------
    def _terminate(self, pod: Obj, run: _PodRun) -> None:
        run.terminating = True
        run.stop_processes()
        for status in pod["status"].get("containerStatuses") or []:
            if "running" in status["state"]:
                self._event(pod, "Normal", "Killing", f"Stopping container {status['name']}", status["name"])
            status["ready"] = False
        if pod["status"].get("conditions"):
            pod_status.refresh_conditions(pod, run.sandbox_ready)
            self._write(pod)
        grace = pod["metadata"].get("deletionGracePeriodSeconds") or 0
        seconds = min(float(grace), self.timeline.seconds(self.timeline.pod_termination))
        self._later(seconds, self._stopped, pod["metadata"]["uid"])

    def _stopped(self, uid: str) -> None:
        run = self._runs.get(uid)
        if run is None:
            return
        try:
            pod = self.store.get("pods", run.namespace, run.name)
        except ApiError:
            return
        if pod["metadata"]["uid"] != uid:
            return
        self._release(pod, run)
        self.store.finalize_delete("pods", run.namespace, run.name)

    def _release(self, pod: Obj, run: _PodRun) -> None:
        """The CNI DEL of the pod's sandbox."""
        if not run.released and not run.host_network:
            run.released = True
            self.cni.delete(pod)

    def _gone(self, pod: Obj) -> None:
        run = self._runs.pop(pod["metadata"]["uid"], None)
        if run is not None:
            run.stop_processes()
            self._release(pod, run)
            self.logs.forget(run.namespace, run.name)
