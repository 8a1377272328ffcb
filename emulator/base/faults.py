"""The fault catalogue of DESIGN.md: named switches that make the emulated cluster misbehave.

Each fault says what it changes and which lab requirements it must make the suite fail. Where each
is implemented: the seed and `lifecycle` (single-node, three-nodes, no-calico, calico-node-not-ready,
node-not-ready), `middleware` (api-flaky, api-slow), `calico_node` (pool-delete-ignored), `ipam`
(ipam-ignores-selectors), `scheduler` (scheduler-packs), `container_exits` (app-crashloop), and the
pod runtime (app-never-listens, dns-broken, cross-node-drop, no-ping, portforward-refused).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Iterable


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    must_fail: tuple[str, ...]


CATALOGUE: tuple[Fault, ...] = (
    Fault("single-node", "has one node", ("R1",)),
    Fault("three-nodes", "has three nodes (lab4-m03)", ("R1",)),
    Fault("no-calico", "runs another CNI (kindnet): no Calico pods, no Calico CRDs", ("R1", "R2")),
    Fault("calico-node-not-ready", "never gets calico-node Ready on the second node", ("R2",)),
    Fault("node-not-ready", "has its second node NotReady", ("R2",)),
    Fault("pool-delete-ignored", "brings the default pool back after it is deleted", ("R5",)),
    Fault("ipam-ignores-selectors", "gives pods addresses from the default CIDR whatever the pools",
          ("R5",)),
    Fault("scheduler-packs", "puts every replica on the first node", ("R6", "R10")),
    Fault("app-never-listens", "never finishes the in-pod build: port 3000 refuses", ("R8", "R9")),
    Fault("app-crashloop", "restarts the app container forever", ("R6",)),
    Fault("dns-broken", "resolves no pod FQDN", ("R10",)),
    Fault("cross-node-drop", "drops packets between nodes (same node works)", ("R10",)),
    Fault("no-ping", "has no ping in the image (`sh: ping: not found`)", ("R10",)),
    Fault("portforward-refused", "refuses port-forwards (error channel)", ("R8", "R9")),
    Fault("api-flaky", "fails about one API request in five (500, 429, dropped connection)", ()),
    Fault("api-slow", "answers every API request 200 ms late", ()),
)

BY_NAME = {fault.name: fault for fault in CATALOGUE}


class UnknownFault(ValueError):
    pass


def parse(names: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(names)
    unknown = sorted(chosen - BY_NAME.keys())
    if unknown:
        raise UnknownFault(f"unknown fault {', '.join(unknown)}; known faults: {', '.join(BY_NAME)}")
    if {"single-node", "three-nodes"} <= chosen:
        raise UnknownFault("faults single-node and three-nodes exclude each other")
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
