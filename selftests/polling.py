"""A bounded poll for self-tests that wait on an emulated cluster."""
from __future__ import annotations

import time
from typing import Any, Callable


def wait_for(what: str, probe: Callable[[], Any], timeout: float = 10.0) -> Any:
    """probe() until it returns something truthy; the last value is shown when time runs out."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = probe()
        if last:
            return last
        time.sleep(0.05)
    raise AssertionError(f"{what}: not reached within {timeout} s (last: {last!r})")
