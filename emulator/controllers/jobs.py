"""The Job controller (kubernetes `pkg/controller/job/job_controller.go`, 1.35 with its default gates).

A Job that is neither finished nor being deleted keeps `min(parallelism, completions - succeeded)`
pods active (completions unset: `parallelism` until one succeeds), made from its template with a
controller ownerReference and the `batch.kubernetes.io/job-tracking` finalizer. A finished pod is
counted into `status.succeeded`/`failed` and its finalizer removed in the same step
(trackJobStatusAndRemoveFinalizers), so every pod is counted once. StartTime is set at the first
sync. When `succeeded >= completions` and nothing is active the Job gets the interim condition
SuccessCriteriaMet, and on the next sync Complete with completionTime (`newSuccessCondition`:
`delayTerminalCondition()` holds because JobManagedBy and JobPodReplacementPolicy are on by
default); both say reason CompletionsReached, "Reached expected number of succeeded pods", as a
real 1.35 cluster shows them. More failures than `backoffLimit`: FailureTarget, then Failed with
reason BackoffLimitExceeded. Events (job-controller): SuccessfulCreate "Created pod: X",
Completed "Job completed", BackoffLimitExceeded. Not imitated: Indexed jobs, podFailurePolicy,
successPolicy, activeDeadlineSeconds, suspend, the pod re-creation back-off (docs/platform.md §18.3).
"""
from __future__ import annotations

import copy
from typing import Any

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store, timestamp
from ..base.errors import ApiError
from ..base.reconcile import Reconciler
from .controller_utils import active, controlled_by, pod_from_template

Obj = dict[str, Any]
COMPONENT = "job-controller"
MANAGER = "kube-controller-manager"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")


def condition(job: Obj, kind: str) -> Obj | None:
    return next((c for c in (job.get("status") or {}).get("conditions") or []
                 if c.get("type") == kind and c.get("status") == "True"), None)


def finished(job: Obj) -> bool:
    """util.IsJobFinished: a Complete or Failed condition that is True."""
    return bool(condition(job, "Complete") or condition(job, "Failed"))


def _condition(kind: str, reason: str, message: str) -> Obj:
    now = timestamp()
    return {"type": kind, "status": "True", "lastProbeTime": now, "lastTransitionTime": now,
            "reason": reason, "message": message}


def _ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


class JobController:
    def __init__(self, store: Store, events: EventRecorder) -> None:
        self.store, self.events = store, events
        self.loop = Reconciler(COMPONENT, self._sync)

    def watches(self) -> set[str]:
        return {"jobs.batch", "pods"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        for job in self.store.list("jobs.batch")[0]:
            if not finished(job) and not job["metadata"].get("deletionTimestamp"):
                self._sync_one(job)

    def _sync_one(self, job: Obj) -> None:
        namespace = job["metadata"]["namespace"]
        pods = [p for p in self.store.view("pods", namespace) if controlled_by(p, job)]
        status = copy.deepcopy(job.get("status") or {})
        status.setdefault("startTime", timestamp())
        self._count_finished(pods, status)
        spec = job["spec"]
        running = [p for p in pods if active(p)]
        if self._next_condition(job, status, running):
            return self._write(job, status, running, pods)
        completions, parallelism = spec.get("completions"), spec.get("parallelism", 1)
        wanted = parallelism if completions is None and not status.get("succeeded") else \
            max(0, min(parallelism, (completions or 0) - status.get("succeeded", 0)))
        for _ in range(wanted - len(running)):
            self._create(job)
        pods = [p for p in self.store.view("pods", namespace) if controlled_by(p, job)]
        self._write(job, status, [p for p in pods if active(p)], pods)

    def _count_finished(self, pods: list[Obj], status: Obj) -> None:
        """Count each finished pod once: the counted ones lose the tracking finalizer."""
        for pod in pods:
            phase = (pod.get("status") or {}).get("phase")
            finalizers = pod["metadata"].get("finalizers") or []
            if phase in ("Succeeded", "Failed") and TRACKING_FINALIZER in finalizers:
                field = "succeeded" if phase == "Succeeded" else "failed"
                status[field] = status.get(field, 0) + 1
                self.store.patch("pods", pod["metadata"]["namespace"], pod["metadata"]["name"], "merge",
                                 {"metadata": {"finalizers": [f for f in finalizers if f != TRACKING_FINALIZER]
                                               or None}}, manager=MANAGER)

    def _next_condition(self, job: Obj, status: Obj, running: list[Obj]) -> bool:
        """Move along SuccessCriteriaMet -> Complete or FailureTarget -> Failed; True when it did."""
        conditions = status.setdefault("conditions", [])
        if condition(job, "SuccessCriteriaMet"):
            conditions.append(_condition("Complete", *COMPLETIONS_REACHED))
            status["completionTime"] = timestamp()
            self.events.record(job, "Normal", "Completed", "Job completed", component=COMPONENT)
            return True
        if condition(job, "FailureTarget"):
            if not running:   # Failed once the last pod is gone
                conditions.append(_condition("Failed", *BACKOFF_EXCEEDED))
            return True
        completions = job["spec"].get("completions")
        succeeded = status.get("succeeded", 0)
        if not running and (succeeded >= completions if completions is not None else succeeded > 0):
            conditions.append(_condition("SuccessCriteriaMet", *COMPLETIONS_REACHED))
            return True
        if status.get("failed", 0) > job["spec"].get("backoffLimit", 6):
            conditions.append(_condition("FailureTarget", *BACKOFF_EXCEEDED))
            for pod in running:
                self._delete(pod)
            self.events.record(job, "Warning", BACKOFF_EXCEEDED[0], BACKOFF_EXCEEDED[1], component=COMPONENT)
            return True
        if not conditions:
            status.pop("conditions")
        return False

    def _write(self, job: Obj, status: Obj, running: list[Obj], pods: list[Obj]) -> None:
        status["active"] = len(running)
        if not status["active"]:
            status.pop("active")
        status["ready"] = sum(1 for p in running if _ready(p))
        status["terminating"] = sum(1 for p in pods if p["metadata"].get("deletionTimestamp")
                                    and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed"))
        status["uncountedTerminatedPods"] = {}
        if job.get("status") != status:
            job["status"] = status
            self.store.update("jobs.batch", job, manager=MANAGER, subresource="status")

    def _create(self, job: Obj) -> None:
        pod = pod_from_template(job["spec"]["template"], job)
        pod["metadata"]["finalizers"] = (pod["metadata"].get("finalizers") or []) + [TRACKING_FINALIZER]
        try:
            created = self.store.create("pods", pod, manager=MANAGER)
        except ApiError as error:
            self.events.record(job, "Warning", "FailedCreate", f"Error creating: {error.message}", component=COMPONENT)
            return
        self.events.record(job, "Normal", "SuccessfulCreate", f"Created pod: {created['metadata']['name']}",
                           component=COMPONENT)

    def _delete(self, pod: Obj) -> None:
        try:
            self.store.delete("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        except ApiError:
            pass
