"""The work loop every emulated controller runs on the server's event loop.

Controllers are level-triggered, like their real counterparts' sync handlers: `kick()` asks for
one `sync()` of everything on a later turn of the loop; kicks that arrive before it runs are
coalesced. `later()` runs a callback after an emulated delay (Timeline-scaled by the caller).
A sync that fails is retried shortly, as a workqueue requeues with backoff; each distinct failure
is logged once with its traceback (a serving emulator's stderr may be a pipe nobody drains).
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Callable

log = logging.getLogger("emulator.controllers")
RETRY_SECONDS = 0.2


class Reconciler:
    def __init__(self, name: str, sync: Callable[[], None]) -> None:
        self.name = name
        self._sync = sync
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending = False
        self._timers: set[asyncio.TimerHandle] = set()
        self._reported: set[str] = set()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.kick()

    def stop(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        self._loop = None

    def kick(self) -> None:
        if self._loop is not None and not self._pending:
            self._pending = True
            self._loop.call_soon(self._run)

    def later(self, seconds: float, callback: Callable[..., Any] | None = None, *args: Any) -> None:
        """Run callback(*args) (default: a sync) after `seconds`."""
        if self._loop is None:
            return

        def fire() -> None:
            self._timers.discard(handle)
            if self._loop is None:
                return
            if callback is None:
                self.kick()
            else:
                self._guarded(callback, *args)
        handle = self._loop.call_later(max(seconds, 0.0), fire)
        self._timers.add(handle)

    def _run(self) -> None:
        self._pending = False
        if self._loop is not None:
            self._guarded(self._sync)

    def _guarded(self, callback: Callable[..., Any], *args: Any) -> None:
        try:
            callback(*args)
        except Exception as error:   # a controller bug must not stop the loop: report it and try again
            failure = f"{type(error).__name__}: {error}"
            if failure not in self._reported:
                self._reported.add(failure)
                log.exception("%s: sync failed, retrying", self.name)
            self.later(RETRY_SECONDS)
