"""A call run in a daemon thread with a bound, for self-tests of code that might hang: a hang fails the
test instead of the session."""
from __future__ import annotations

import threading
import time


def call_within(seconds: float, call) -> tuple[bool, object, float]:
    """(whether call() returned in time, its value or exception, seconds taken)."""
    box = {}
    started = time.monotonic()

    def run():
        try:
            box["value"] = call()
        except BaseException as exc:
            box["value"] = exc
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive(), box.get("value"), time.monotonic() - started
