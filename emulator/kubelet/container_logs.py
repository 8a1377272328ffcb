"""What `pods/log` serves: the kubelet's log book, plus the lab app's own lines.

The log book (`emulator.kubelet.logs`) holds what the emulated kubelet recorded (output of containers
that ended, kept as `previous` after a restart). The running lab app's lines come from the pod
runtime, which derives them from the container's startedAt and the build time (`Builing
frontend` at the start, `build finished` / `Server started on port 3000` when the build is done);
they are stamped with those times and merged in time order.
"""
from __future__ import annotations

from typing import Any, Callable

from ..runtime import react_app
from .logs import LogBook, render

Obj = dict[str, Any]


class ContainerLogs:
    def __init__(self, book: LogBook, app_log: Callable[[Obj, str], str] | None = None,
                 build_seconds: float = 0.0) -> None:
        self.book, self.app_log, self.build_seconds = book, app_log, build_seconds

    def read(self, pod: Obj, container: str, *, previous: bool = False, tail_lines: int | None = None,
             timestamps: bool = False, limit_bytes: int | None = None) -> str:
        entries = self.book.entries(pod["metadata"]["namespace"], pod["metadata"]["name"], container, previous)
        if not previous:
            entries = sorted(entries + self._app_lines(pod, container), key=lambda entry: entry[0])
        return render(entries, tail_lines=tail_lines, timestamps=timestamps, limit_bytes=limit_bytes)

    def _app_lines(self, pod: Obj, container: str) -> list[tuple[float, str]]:
        started = react_app.container_started_at(pod, container)
        if self.app_log is None or started is None:
            return []
        lines = self.app_log(pod, container).splitlines()
        return [(started if i == 0 else started + self.build_seconds, line) for i, line in enumerate(lines)]
