"""When and how a started container's process ends, and how long the kubelet waits to restart it.

- The lab app builds React inside the pod at start (docs/lab.md#the-app-inside-the-image); real
  hand-ins build and serve it under a 256Mi limit (docs/platform.md §8.2). A memory limit below
  BUILD_MEMORY gets the process OOM-killed during the build (`oom_after`): terminated reason
  OOMKilled, exit code 137 (128 + SIGKILL), so it never listens (docs/lab.md mistake 11). This is
  behaviour, not a fault.
- Fault `app-crashloop`: the lab app's start script fails at once (npm's ELIFECYCLE, exit code 1,
  reason Error), every time; so fast that the kubelet never reports it running, so never Ready.
- An image whose default command is a shell or a REPL (busybox, alpine, node:*-alpine) started
  without `command`/`args` has no stdin, so it exits 0 at once (reason Completed).
- In such an image a one-shot command ends by itself (`one_shot`): `echo hi`, `true`,
  `false`, `sleep 5`, `exit 3` and `sh -c` scripts of them joined by `;`/`&&`, as a Job's pod runs
  them (`kubectl create job x --image=busybox -- echo hi`): exit code 0 (Completed) or the script's
  (Error), after its sleeps, having printed its echoes. A script with anything else (a loop, a
  server) runs until it is stopped. This is the part of BusyBox's `sh` a Job needs until the pod
  runtime runs pod commands itself.
An exit `after` 0 seconds happens before the kubelet's next relist: the API never shows the
container running.
Everything else runs until it is stopped.

Restart back-off (`pkg/kubelet/kubelet.go` backOff, `kuberuntime` doBackOff): the first restart
is immediate, then `crash_backoff` doubling per restart, at most 30 times the base
(the real 10 s .. 300 s).
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from ..base import quantity
from ..base.cluster import Timeline
from ..base.faults import APP_CRASHLOOP
from ..base.images import image_for
from ..runtime import react_app

Obj = dict[str, Any]
BUILD_MEMORY = 256 * quantity.MI   # the least a real hand-in shows enough (docs/platform.md §8.2)
BACKOFF_CAP = 30
NPM_FAILURE = (react_app.LOG_STARTED, "npm ERR! code ELIFECYCLE", "npm ERR! errno 1",
               "npm ERR! frontend@0.1.0 build: `react-scripts build`", "npm ERR! Exit status 1",
               "npm ERR! Failed at the frontend@0.1.0 build script.")


@dataclass(frozen=True)
class Exit:
    after: float               # seconds after the container started (0: before anyone saw it run)
    code: int
    reason: str                # OOMKilled | Error | Completed
    output: tuple[str, ...]    # what the process printed last


def memory_limit(container: Obj) -> int | None:
    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    return quantity.byte_count(limit) if limit is not None else None


def planned_exit(container: Obj, timeline: Timeline, faults: frozenset[str]) -> Exit | None:
    image = image_for(container.get("image", ""))
    if image.runs_lab_app:
        limit = memory_limit(container)
        if limit is not None and limit < BUILD_MEMORY:
            return Exit(timeline.seconds(timeline.oom_after), 137, "OOMKilled", ())
        if APP_CRASHLOOP in faults:
            return Exit(0.0, 1, "Error", NPM_FAILURE)
        return None
    if image.shell == "busybox" and not container.get("command") and not container.get("args"):
        return Exit(0.0, 0, "Completed", ())
    if image.shell == "busybox":
        ended = one_shot([str(w) for w in (container.get("command") or []) + (container.get("args") or [])])
        if ended is not None:
            seconds, code, output = ended
            return Exit(timeline.seconds(seconds), code, "Completed" if code == 0 else "Error", output)
    return None


_QUIET = {"true": 0, "false": 1, ":": 0}


def one_shot(argv: list[str]) -> tuple[float, int, tuple[str, ...]] | None:
    """(seconds, exit code, output lines) of a command that ends by itself; None for anything else."""
    if len(argv) == 3 and argv[0] in ("sh", "/bin/sh") and argv[1] == "-c":
        return _script(argv[2])
    return _script(shlex.join(argv)) if argv else None


def _script(script: str) -> tuple[float, int, tuple[str, ...]] | None:
    seconds, output = 0.0, []
    for part in re.split(r"\s*(?:;|&&|\n)\s*", script.strip()):
        try:
            words = shlex.split(part)
        except ValueError:
            return None
        if not words:
            continue
        name, args = words[0].rsplit("/", 1)[-1], words[1:]
        if name == "echo":
            output.append(" ".join(a for a in args if a != "-n"))
        elif name == "sleep" and len(args) == 1 and re.fullmatch(r"\d+(\.\d+)?", args[0]):
            seconds += float(args[0])
        elif name == "exit" and len(args) <= 1 and all(a.isdigit() for a in args):
            return seconds, int(args[0]) if args else 0, tuple(output)
        elif name in _QUIET and not args:
            if _QUIET[name]:
                return seconds, _QUIET[name], tuple(output)
        else:
            return None
    return seconds, 0, tuple(output)


def restarts(exit_code: int, policy: str) -> bool:
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def backoff(timeline: Timeline, restart_count: int) -> float:
    """Seconds to wait before restart number `restart_count + 1`."""
    if restart_count == 0:
        return 0.0
    return timeline.seconds(timeline.crash_backoff * min(2 ** (restart_count - 1), BACKOFF_CAP))
