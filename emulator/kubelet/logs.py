"""Container logs: a per-container line buffer that the runtime appends to and `pods/log` reads.

Request handling mirrors `pkg/registry/core/pod/rest/log.go` and the kubelet's
`GetContainerLogs`: `container` is required when the pod has several containers, `tailLines`
and `limitBytes` trim, `timestamps` prefixes RFC3339Nano times, `previous` reads the last
terminated instance.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class _Stream:
    lines: list[tuple[float, str]] = field(default_factory=list)
    previous: list[tuple[float, str]] = field(default_factory=list)


class LogBook:
    def __init__(self) -> None:
        self._streams: dict[tuple[str, str, str], _Stream] = {}

    def append(self, namespace: str, pod: str, container: str, line: str, at: float | None = None) -> None:
        stream = self._streams.setdefault((namespace, pod, container), _Stream())
        stream.lines.append((time.time() if at is None else at, line.rstrip("\n")))

    def restart(self, namespace: str, pod: str, container: str) -> None:
        """The container restarted: its log so far becomes `previous`."""
        stream = self._streams.setdefault((namespace, pod, container), _Stream())
        stream.previous, stream.lines = stream.lines, []

    def forget(self, namespace: str, pod: str) -> None:
        for key in [k for k in self._streams if k[:2] == (namespace, pod)]:
            del self._streams[key]

    def entries(self, namespace: str, pod: str, container: str, previous: bool = False) -> list[tuple[float, str]]:
        stream = self._streams.get((namespace, pod, container), _Stream())
        return list(stream.previous if previous else stream.lines)

    def read(self, namespace: str, pod: str, container: str, *, previous: bool = False,
             tail_lines: int | None = None, timestamps: bool = False, limit_bytes: int | None = None) -> str:
        return render(self.entries(namespace, pod, container, previous), tail_lines=tail_lines,
                      timestamps=timestamps, limit_bytes=limit_bytes)


def render(lines: list[tuple[float, str]], *, tail_lines: int | None = None, timestamps: bool = False,
           limit_bytes: int | None = None) -> str:
    if tail_lines is not None:
        lines = lines[-tail_lines:] if tail_lines > 0 else []
    text = "".join((_stamp(at) + " " if timestamps else "") + line + "\n" for at, line in lines)
    return text[:limit_bytes] if limit_bytes is not None else text


def _stamp(at: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(at)) + f".{int((at % 1) * 1e9):09d}Z"
