"""Readiness as the kubelet's prober sees it (`pkg/kubelet/prober`).

A container without a readinessProbe is ready once started. A probe passes only after its
initialDelaySeconds (times the Timeline scale); an httpGet / tcpSocket / grpc probe passes when
something listens on the port inside the pod: for the lab app that is port 3000 once its in-pod
build has finished (`react_app`), other images serve their probe ports. calico-node's
`-felix-ready -bird-ready` exec probe passes `calico_node_ready` after its start, unless a fault
keeps BGP down (`calico_node.CalicoNode.felix_and_bird_ready`). Other exec probes pass.
Liveness and startup probes are not run.
"""
from __future__ import annotations

from typing import Any, Callable

from ..base.cluster import Timeline
from ..base.images import image_for, repository
from ..runtime import react_app

Obj = dict[str, Any]


def probe_port(container: Obj, probe: Obj) -> int | None:
    action = probe.get("httpGet") or probe.get("tcpSocket") or probe.get("grpc")
    if action is None:
        return None
    port = action.get("port")
    if isinstance(port, str) and not port.isdigit():
        return next((p["containerPort"] for p in container.get("ports") or [] if p.get("name") == port), -1)
    return int(port)


def ready(pod: Obj, container: Obj, started_at: float, now: float, timeline: Timeline, faults: frozenset[str],
          calico_ready: Callable[[str], bool]) -> bool:
    if repository(container.get("image", "")) == "calico/node":
        return calico_ready(pod["spec"].get("nodeName", "")) and \
            now >= started_at + timeline.seconds(timeline.calico_node_ready)
    probe = container.get("readinessProbe")
    if not probe:
        return True
    if now < started_at + timeline.seconds(probe.get("initialDelaySeconds", 0)):
        return False
    port = probe_port(container, probe)
    if port is None:
        return True
    if image_for(container.get("image", "")).runs_lab_app:
        build = timeline.seconds(timeline.app_build)
        return port == react_app.PORT and react_app.build_finished(started_at, now, build, faults)
    return port > 0
