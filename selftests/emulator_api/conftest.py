"""Fixtures for the emulator's self-tests: a fresh emulated cluster per test, its kubeconfig,
the real kubernetes client and the real kubectl pointed at it."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from emulator import EmulatedCluster, Timeline
from selftests.kube_clients import api, kubectl, marked_cluster  # noqa: F401 (fixtures)

# Emulated delays at 1/20: calico-node Ready after 75 ms, kube-system workloads after 100 ms.
QUICK = 0.05


def start_cluster(*faults: str, scale: float = QUICK) -> EmulatedCluster:
    return EmulatedCluster(faults, Timeline(scale=scale)).start()


@pytest.fixture
def emulated_cluster(request: pytest.FixtureRequest) -> Iterator[EmulatedCluster]:
    """A fresh cluster; `@pytest.mark.faults("name", ...)` chooses its faults."""
    yield from marked_cluster(request, QUICK)


@pytest.fixture
def kubeconfig(emulated_cluster: EmulatedCluster, tmp_path: Path) -> Path:
    return emulated_cluster.write_kubeconfig(tmp_path / "kubeconfig")
