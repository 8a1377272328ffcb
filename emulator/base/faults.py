"""The fault catalogue (docs/design.md#fault-catalogue): named switches that make the emulated cluster misbehave.

Each fault says what it changes and which lab requirements it must make the suite fail. Where each
is implemented: the seed and `lifecycle` (single-node, three-nodes, no-calico, calico-node-not-ready,
node-not-ready), `middleware` (api-flaky, api-slow), `calico_node` (pool-delete-ignored), `ipam`
(ipam-ignores-selectors), `scheduler` (scheduler-packs), `container_exits` (app-crashloop), the
pod runtime (app-never-listens, dns-broken, cross-node-drop, no-ping, portforward-refused, stream-stall),
and the cluster itself, `emulator/__init__.py` (tls-mismatch: the kubeconfig it writes; apiserver-restart:
its listener, told of the first exec by `middleware`).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable

# One name per fault: the emulator's modules and the self-tests use these, never the strings.
SINGLE_NODE = "single-node"
THREE_NODES = "three-nodes"
NO_CALICO = "no-calico"
CALICO_NODE_NOT_READY = "calico-node-not-ready"
NODE_NOT_READY = "node-not-ready"
POOL_DELETE_IGNORED = "pool-delete-ignored"
IPAM_IGNORES_SELECTORS = "ipam-ignores-selectors"
SCHEDULER_PACKS = "scheduler-packs"
APP_NEVER_LISTENS = "app-never-listens"
APP_CRASHLOOP = "app-crashloop"
DNS_BROKEN = "dns-broken"
CROSS_NODE_DROP = "cross-node-drop"
NO_PING = "no-ping"
PORTFORWARD_REFUSED = "portforward-refused"
STREAM_STALL = "stream-stall"
API_FLAKY = "api-flaky"
API_SLOW = "api-slow"
APISERVER_RESTART = "apiserver-restart"
TLS_MISMATCH = "tls-mismatch"


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    must_fail: tuple[str, ...]
    ends_run: bool = False      # the suite cannot reach the cluster: no requirement is checked, exit 4


CATALOGUE: tuple[Fault, ...] = (
    Fault(SINGLE_NODE, "has one node", ("R1",)),
    Fault(THREE_NODES, "has three nodes (lab4-m03)", ("R1",)),
    Fault(NO_CALICO, "runs another CNI (kindnet): no Calico pods, no Calico CRDs", ("R1", "R2")),
    Fault(CALICO_NODE_NOT_READY, "never gets calico-node Ready on the second node", ("R2",)),
    Fault(NODE_NOT_READY, "has its second node NotReady", ("R2",)),
    Fault(POOL_DELETE_IGNORED, "brings the default pool back after it is deleted", ("R5",)),
    Fault(IPAM_IGNORES_SELECTORS, "gives pods addresses from the default CIDR whatever the pools",
          ("R5",)),
    Fault(SCHEDULER_PACKS, "puts every replica on the first node", ("R6", "R10")),
    Fault(APP_NEVER_LISTENS, "never finishes the in-pod build: port 3000 refuses", ("R8", "R9")),
    Fault(APP_CRASHLOOP, "restarts the app container forever", ("R6",)),
    Fault(DNS_BROKEN, "resolves no pod FQDN", ("R10",)),
    Fault(CROSS_NODE_DROP, "drops packets between nodes (same node works)", ("R10",)),
    Fault(NO_PING, "has no ping in the image (`sh: ping: not found`)", ("R10",)),
    Fault(PORTFORWARD_REFUSED, "refuses port-forwards (error channel)", ("R8", "R9")),
    Fault(STREAM_STALL, "sends one frame on every exec and port-forward stream, then keeps it open and silent",
          ("R8", "R9", "R10")),
    Fault(API_FLAKY, "fails about one API request in five (500, 429, dropped connection)", ()),
    Fault(API_SLOW, "answers every API request 200 ms late", ()),
    Fault(APISERVER_RESTART, "restarts its API server once, as the first exec runs: connections refused for "
          "4 s, open watches and streams cut, then the same store on the same port", ()),
    Fault(TLS_MISMATCH, "writes a kubeconfig whose CA did not sign the API server's certificate", (), ends_run=True),
)

BY_NAME = {fault.name: fault for fault in CATALOGUE}


class UnknownFault(ValueError):
    pass


def parse(names: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(names)
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownFault(f"unknown fault {', '.join(unknown)}; known faults: {', '.join(BY_NAME)}")
    if {SINGLE_NODE, THREE_NODES} <= chosen:
        raise UnknownFault(f"faults {SINGLE_NODE} and {THREE_NODES} exclude each other")
    return chosen


class Flakiness:
    """Which API request the `api-flaky` fault breaks, and how.

    A seeded RNG keeps runs reproducible for the same request sequence. Each request fails with
    probability 0.25, never two in a row (so one retry always gets through), which gives about one
    failure in five: 0.25 / (1 + 0.25) = 0.2.
    """

    FAILURES = ("500", "429", "drop")

    def __init__(self, seed: int = 4) -> None:
        self._rng = random.Random(seed)
        self._failed_last = False

    def next_failure(self) -> str | None:
        fails = self._rng.random() < 0.25 and not self._failed_last
        self._failed_last = fails
        return self._rng.choice(self.FAILURES) if fails else None
