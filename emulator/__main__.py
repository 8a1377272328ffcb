"""`python -m emulator serve --kubeconfig PATH [--fault NAME]... [--port N] [--time-scale F]
[--timeline quick|benchmark|realistic] [--milestones PATH] [--plain-http] [--parent-pid PID]
[--flavor minikube|kind [--name NAME] [--kind-config PATH]]` and `python -m emulator faults`.

`--flavor kind` serves what `kind create cluster --name NAME --config PATH` makes (`emulator.seed.kind_config`):
without `--kind-config`, the suite's two-node config with kind's default CNI disabled.

`serve` mints the cluster's certificates, writes the kubeconfig (https://, the CA and the user's
client cert inline, as `minikube start --embed-certs`), prints one line with the URL once the
server answers, and serves until SIGINT or SIGTERM, or with --parent-pid until that process is gone
(exit 0); with --milestones it then writes its milestone record there as JSON: `{"started_at": <unix
time of the emulator's start>, "milestones": {name: seconds since then}}`. Bad arguments: one line on
stderr, exit 2.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from . import EmulatedCluster
from .base.cluster import PROFILE, TIMELINES
from .base.faults import CATALOGUE, UnknownFault
from .base.flavor import FLAVORS, KIND, Flavor
from .seed.kind_config import KindConfigError
from .seed.kind_config import parse as parse_kind_config

# `kind create cluster` as the suite's kind provider asks for it (docs/platform.md §9.2).
TWO_NODES_WITHOUT_CNI = """kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
nodes:
  - role: control-plane
  - role: worker
"""

PARENT_POLL = 0.25  # seconds between two looks at the parent process


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:   # one line, no usage dump
        self.exit(2, f"emulator: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m emulator", description="An emulated minikube+Calico cluster on 127.0.0.1.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    serve = commands.add_parser("serve", help="serve the emulated cluster")
    serve.add_argument("--kubeconfig", required=True, help="where to write the kubeconfig")
    serve.add_argument("--fault", action="append", default=[], help="a fault of the catalogue (repeatable)")
    serve.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    serve.add_argument("--time-scale", type=float, default=1.0, help="multiply every emulated delay")
    serve.add_argument("--timeline", choices=sorted(TIMELINES), default="quick",
                       help="the cluster's delays: quick (default), benchmark (seconds), "
                            "realistic (a laptop's minutes)")
    serve.add_argument("--milestones", metavar="PATH", help="at exit, write the milestone record here as JSON")
    serve.add_argument("--plain-http", action="store_true",
                       help="for debugging: serve plain http, no certificates, no authentication")
    serve.add_argument("--flavor", choices=FLAVORS, default="minikube",
                       help="the platform: minikube (default) or kind (`kind create cluster`, no CNI)")
    serve.add_argument("--name", default=PROFILE, help="kind: the cluster's name (default: lab4)")
    serve.add_argument("--kind-config", metavar="PATH",
                       help="kind: the kind config (default: two nodes, disableDefaultCNI: true)")
    serve.add_argument("--parent-pid", type=int, default=None, metavar="PID",
                       help="serve only while this process is the parent (default: serve on when the parent ends, "
                            "as a cluster outlives the command that created it)")
    commands.add_parser("faults", help="list the fault catalogue")
    return parser


def _list_faults() -> int:
    for fault in CATALOGUE:
        fails = "the run" if fault.ends_run else " ".join(fault.must_fail) or "none"
        print(f"{fault.name:24} must fail: {fails:10} {fault.description}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.time_scale <= 0:
        print("emulator: error: --time-scale must be positive", file=sys.stderr)
        return 2
    try:
        flavor = _flavor(args)
        cluster = EmulatedCluster(args.fault, TIMELINES[args.timeline](scale=args.time_scale), port=args.port,
                                  started=time.monotonic() - _process_age(), plain_http=args.plain_http,
                                  flavor=flavor)
    except (UnknownFault, KindConfigError) as error:
        print(f"emulator: error: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    if args.parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(args.parent_pid, stop), name="parent-watch", daemon=True).start()
    try:
        cluster.start()
    except OSError as error:
        print(f"emulator: error: cannot serve on 127.0.0.1:{args.port}: {error.strerror or error}", file=sys.stderr)
        return 2
    try:
        cluster.write_kubeconfig(args.kubeconfig)
        print(f"emulator: {cluster.describe()} at {cluster.url}", flush=True)
        stop.wait()
    finally:
        cluster.stop()
        if args.milestones:
            _write_milestones(cluster, args.milestones)
    return 0


def _flavor(args: argparse.Namespace) -> Flavor | None:
    """None for minikube (the faults shape it); kind's from its config, as `kind create cluster` reads it."""
    if args.flavor != KIND:
        if args.kind_config:
            raise KindConfigError("--kind-config needs --flavor kind")
        return None
    try:
        text = Path(args.kind_config).read_text() if args.kind_config else TWO_NODES_WITHOUT_CNI
    except OSError as error:
        raise KindConfigError(f"cannot read the kind config {args.kind_config}: {error.strerror}") from None
    return parse_kind_config(text, args.name).flavor()


def _watch_parent(parent: int, stop: threading.Event) -> None:
    """Stop once `parent` is no longer this process's parent: when the parent dies, even by SIGKILL,
    the kernel re-parents the orphan to init or a subreaper, so getppid() changes. Polled, not
    prctl(PR_SET_PDEATHSIG), which fires when the forking *thread* ends (docs/platform.md §20.1)."""
    while not stop.wait(PARENT_POLL):
        if os.getppid() != parent:
            stop.set()


def _process_age() -> float:
    """Seconds since this process was launched, so that the milestones count from
    `python -m emulator serve` itself (loading the emulator included), as a real cluster's count from
    `minikube start`. Linux: /proc/self/stat starttime against CLOCK_BOOTTIME (proc(5)); elsewhere 0."""
    try:
        after_name = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        launched = int(after_name[19]) / os.sysconf("SC_CLK_TCK")   # field 22 of proc(5); fields from 3
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - launched)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def _write_milestones(cluster: EmulatedCluster, path: str) -> None:
    # Milestones count from a monotonic start; the wall-clock start lets another process line them up.
    started_at = time.time() - (time.monotonic() - cluster.milestones_record.started)
    with open(path, "w") as record:
        json.dump({"started_at": started_at, "milestones": cluster.milestones}, record, indent=1)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _list_faults() if args.command == "faults" else _serve(args)


if __name__ == "__main__":
    sys.exit(main())
