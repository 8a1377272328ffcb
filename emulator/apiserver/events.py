"""Events about pods and workloads, written the way each component writes them.

Kubelet and controller-manager use the core/v1 recorder (`client-go/tools/record`): source
{component, host}, first/lastTimestamp, and the EventCorrelator bumps `count` of an identical
event instead of writing a new one. kube-scheduler uses the events.k8s.io/v1 recorder
(`client-go/tools/events`), which reads back through core/v1 with eventTime,
reportingComponent/Instance and action set, no source and null first/lastTimestamp.
"""
from __future__ import annotations

import time
from typing import Any

from ..base.errors import ApiError
from .store import Store, timestamp

Obj = dict[str, Any]


def micro_time(at: float | None = None) -> str:
    at = time.time() if at is None else at
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int(at % 1 * 1e6):06d}Z"


def _involved(obj: Obj, field_path: str | None) -> Obj:
    meta = obj["metadata"]
    involved = {"kind": obj.get("kind", "Pod"), "namespace": meta.get("namespace"), "name": meta["name"],
                "uid": meta["uid"], "apiVersion": obj.get("apiVersion", "v1"),
                "resourceVersion": meta.get("resourceVersion")}
    if field_path:
        involved["fieldPath"] = field_path
    return {k: v for k, v in involved.items() if v is not None}


class EventRecorder:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._names: dict[tuple, str] = {}

    def record(self, obj: Obj, kind: str, reason: str, message: str, *, component: str,
               host: str | None = None, field_path: str | None = None) -> None:
        """A core/v1 event from the kubelet or a controller, aggregated by object, reason and message."""
        namespace = obj["metadata"].get("namespace") or "default"
        key = (obj["metadata"]["uid"], reason, message, field_path)
        now = timestamp()
        if self._bump(namespace, key, lambda event: event.update(count=event.get("count", 1) + 1,
                                                                 lastTimestamp=now)):
            return
        source = {"component": component, **({"host": host} if host else {})}
        self._create(namespace, key, obj["metadata"]["name"], {
            "involvedObject": _involved(obj, field_path), "reason": reason, "message": message, "type": kind,
            "count": 1, "source": source, "firstTimestamp": now, "lastTimestamp": now,
            "reportingComponent": component, "reportingInstance": host or ""}, component)

    def record_new(self, obj: Obj, kind: str, reason: str, message: str, *, controller: str,
                   instance: str, action: str) -> None:
        """An events.k8s.io/v1 event (kube-scheduler), seen through core/v1; repeats grow its series."""
        namespace = obj["metadata"].get("namespace") or "default"
        key = (obj["metadata"]["uid"], reason, message, None)

        def grow(event: Obj) -> None:
            series = event.get("series") or {"count": 1}
            event["series"] = {"count": series["count"] + 1, "lastObservedTime": micro_time()}
        if self._bump(namespace, key, grow):
            return
        self._create(namespace, key, obj["metadata"]["name"], {
            "involvedObject": _involved(obj, None), "reason": reason, "message": message, "type": kind,
            "source": {}, "firstTimestamp": None, "lastTimestamp": None, "eventTime": micro_time(),
            "reportingComponent": controller, "reportingInstance": instance, "action": action}, controller)

    def _bump(self, namespace: str, key: tuple, change) -> bool:
        name = self._names.get(key)
        if name is None:
            return False
        try:
            event = self.store.get("events", namespace, name)
        except ApiError:
            return False
        change(event)
        self.store.update("events", event, manager=event.get("reportingComponent") or "kubelet")
        return True

    def _create(self, namespace: str, key: tuple, object_name: str, body: Obj, manager: str) -> None:
        name = self._names[key] = f"{object_name}.{time.time_ns():x}"
        try:
            self.store.create("events", {"metadata": {"name": name, "namespace": namespace}, **body},
                              manager=manager)
        except ApiError:       # the namespace is terminating: the recorder drops the event
            self._names.pop(key, None)
