"""Events about pods and workloads, written the way each component writes them.

Kubelet and controller-manager use the core/v1 recorder (`client-go/tools/record`): source
{component, host}, first/lastTimestamp, and its EventCorrelator (`events_cache.go`, docs/platform.md
§23.3) bumps `count` of an identical event instead of writing a new one; from the 10th event within
600 s that differs from the others of its object and reason only by message, one aggregate event
"(combined from similar events): <message>" takes them all; and a source may write 25 events about
one object, then one more every 300 s (the rest are dropped). kube-scheduler uses the
events.k8s.io/v1 recorder (`client-go/tools/events`), which reads back through core/v1 with
eventTime, reportingComponent/Instance and action set, no source and null first/lastTimestamp.
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


AGGREGATE_MAX_EVENTS, AGGREGATE_INTERVAL = 10, 600.0
SPAM_BURST, SPAM_REFILL_PER_SECOND = 25, 1.0 / 300.0
COMBINED = "(combined from similar events): "


class _TokenBucket:
    def __init__(self, now: float) -> None:
        self.tokens, self.at = float(SPAM_BURST), now

    def take(self, now: float) -> bool:
        self.tokens = min(float(SPAM_BURST), self.tokens + (now - self.at) * SPAM_REFILL_PER_SECOND)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class EventRecorder:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._names: dict[tuple, str] = {}
        self._similar: dict[tuple, tuple[set[str], float]] = {}    # aggregate key -> (messages, last seen)
        self._spam: dict[tuple, _TokenBucket] = {}

    def record(self, obj: Obj, kind: str, reason: str, message: str, *, component: str,
               host: str | None = None, field_path: str | None = None) -> None:
        """A core/v1 event from the kubelet or a controller, aggregated by object, reason and message."""
        namespace = obj["metadata"].get("namespace") or "default"
        uid = obj["metadata"]["uid"]
        key, message = self._aggregate((component, host, uid, kind, reason), message, field_path)
        if not self._spam.setdefault((component, host, uid), _TokenBucket(time.time())).take(time.time()):
            return
        now = timestamp()
        # an aggregate event shows the newest of the messages it combines
        if self._bump(namespace, key, lambda event: event.update(count=event.get("count", 1) + 1,
                                                                 lastTimestamp=now, message=message)):
            return
        source = {"component": component, **({"host": host} if host else {})}
        self._create(namespace, key, obj["metadata"]["name"], {
            "involvedObject": _involved(obj, field_path), "reason": reason, "message": message, "type": kind,
            "count": 1, "source": source, "firstTimestamp": now, "lastTimestamp": now,
            "reportingComponent": component, "reportingInstance": host or ""}, component)

    def _aggregate(self, similar: tuple, message: str, field_path: str | None) -> tuple[tuple, str]:
        """EventAggregator: the cache key and message this occurrence is recorded under."""
        now = time.time()
        messages, last = self._similar.get(similar, (set(), 0.0))
        if now - last > AGGREGATE_INTERVAL:
            messages = set()
        messages.add(message)
        self._similar[similar] = (messages, now)
        if len(messages) < AGGREGATE_MAX_EVENTS:
            return (similar[2], similar[4], message, field_path), message
        messages.pop()
        return ("aggregate", *similar), COMBINED + message

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
