"""A journal of the API requests the emulator served, so tests can assert what a client did."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from .apirequest import MUTATING, STREAMING_SUBRESOURCES


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    status: int
    at: float

    @property
    def write(self) -> bool:
        """Did this request ask to change stored state (exec, port-forward, logs do not)?"""
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        return self.method in MUTATING and last not in STREAMING_SUBRESOURCES and 200 <= self.status < 300


class Journal:
    """Appended on the server thread, read from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Request] = []

    def record(self, method: str, path: str, query: str, status: int) -> None:
        with self._lock:
            self._entries.append(Request(method, path, query, status, time.time()))

    def entries(self) -> list[Request]:
        with self._lock:
            return list(self._entries)

    def writes(self) -> list[Request]:
        return [r for r in self.entries() if r.write]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
