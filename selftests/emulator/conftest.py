"""Fixtures for the emulator's self-tests: a fresh emulated cluster per test, its kubeconfig,
the real kubernetes client and the real kubectl pointed at it."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from kubernetes import client, config

from emulator import EmulatedCluster, Timeline

# Emulated delays at 1/20: calico-node Ready after 75 ms, kube-system workloads after 100 ms.
QUICK = 0.05


def start_cluster(*faults: str, scale: float = QUICK) -> EmulatedCluster:
    return EmulatedCluster(faults, Timeline(scale=scale)).start()


@pytest.fixture
def emulated_cluster(request: pytest.FixtureRequest) -> Iterator[EmulatedCluster]:
    """A fresh cluster; `@pytest.mark.faults("name", ...)` chooses its faults."""
    marker = request.node.get_closest_marker("faults")
    cluster = start_cluster(*(marker.args if marker else ()))
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def kubeconfig(emulated_cluster: EmulatedCluster, tmp_path: Path) -> Path:
    return emulated_cluster.write_kubeconfig(tmp_path / "kubeconfig")


@pytest.fixture
def api(kubeconfig: Path) -> Iterator[client.ApiClient]:
    api_client = config.new_client_from_config(config_file=str(kubeconfig))
    try:
        yield api_client
    finally:
        api_client.close()


@pytest.fixture
def kubectl(kubeconfig: Path):
    def run(*args: str, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), *args], input=stdin,
                                capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result
    return run


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "faults(*names): start the emulated cluster with these faults")
