"""Exec through the real kubernetes client, as the suite does: returncode, stdout, stderr."""
from __future__ import annotations

import re
from dataclasses import dataclass

from kubernetes.stream import stream

PING_SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) (?:packets )?received")
PING_LOSS = re.compile(r"([\d.]+)% packet loss")
PING_REPLY = re.compile(r"bytes from ([\d.]+): seq=(\d+) ttl=(\d+) time=([\d.]+) ms")


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str
    protocol: str | None


def run(api, pod: str, argv: list[str], namespace: str = "default", stdin: str | None = None,
        timeout: float = 30) -> Result:
    ws = stream(api.connect_get_namespaced_pod_exec, pod, namespace, command=argv, stderr=True,
                stdin=stdin is not None, stdout=True, tty=False, _preload_content=False)
    if stdin is not None:
        ws.write_stdin(stdin)
        ws.close_channel(0)
    ws.run_forever(timeout=timeout)
    assert not ws.is_open(), f"exec {argv} still running after {timeout} s"
    return Result(ws.returncode, ws.read_stdout(), ws.read_stderr(), ws.subprotocol)


def ping_summary(output: str) -> tuple[int, int, int]:
    transmitted, received = map(int, PING_SUMMARY.search(output).groups())
    return transmitted, received, int(PING_LOSS.search(output).group(1))


def ping_ttls(output: str) -> list[int]:
    return [int(m.group(3)) for m in PING_REPLY.finditer(output)]
