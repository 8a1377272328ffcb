"""`python -m emulator serve --kubeconfig PATH [--fault NAME]... [--port N] [--time-scale F]`
and `python -m emulator faults`.

`serve` writes the kubeconfig, prints one line with the URL once the server answers, and serves
until SIGINT or SIGTERM (exit 0). Bad arguments: one line on stderr, exit 2.
"""
from __future__ import annotations

import argparse
import signal
import sys
import threading

from . import EmulatedCluster, Timeline
from .faults import CATALOGUE, UnknownFault


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
    commands.add_parser("faults", help="list the fault catalogue")
    return parser


def _list_faults() -> int:
    for fault in CATALOGUE:
        fails = " ".join(fault.must_fail) or "none"
        state = "" if fault.implemented else "  (not implemented yet)"
        print(f"{fault.name:24} must fail: {fails:8} {fault.description}{state}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.time_scale <= 0:
        print("emulator: error: --time-scale must be positive", file=sys.stderr)
        return 2
    try:
        cluster = EmulatedCluster(args.fault, Timeline(scale=args.time_scale), port=args.port)
    except UnknownFault as error:
        print(f"emulator: error: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
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
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    return _list_faults() if args.command == "faults" else _serve(args)


if __name__ == "__main__":
    sys.exit(main())
