"""The API self-tests' cluster delays; the cluster, its kubeconfig, the real kubernetes client and
the real kubectl come from selftests/conftest.py."""
from __future__ import annotations

import pytest

from emulator import EmulatedCluster, Timeline

# Emulated delays at 1/20: calico-node Ready after 75 ms, kube-system workloads after 100 ms.
QUICK = 0.05


def start_cluster(*faults: str, scale: float = QUICK) -> EmulatedCluster:
    return EmulatedCluster(faults, Timeline(scale=scale)).start()


@pytest.fixture
def cluster_scale() -> float:
    return QUICK
