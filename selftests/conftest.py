"""Fixtures shared by the emulator's self-test packages: a fresh emulated cluster per test, its
kubeconfig, and the real kubernetes client and the real kubectl pointed at it. A package that uses
them sets the cluster's delays with a `cluster_scale` fixture of its own conftest;
`@pytest.mark.faults("name", ...)` on a test chooses the cluster's faults."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from kubernetes import client, config

from emulator import EmulatedCluster, Timeline


@pytest.fixture
def emulated_cluster(request: pytest.FixtureRequest, cluster_scale: float) -> Iterator[EmulatedCluster]:
    """A fresh cluster on a timeline of the package's scale, with the faults the test is marked with."""
    marker = request.node.get_closest_marker("faults")
    cluster = EmulatedCluster(marker.args if marker else (), Timeline(scale=cluster_scale)).start()
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
    def run(*args: str, check: bool = True, stdin: str | None = None,
            timeout: float = 60) -> subprocess.CompletedProcess:
        result = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), *args], input=stdin,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}): {result.stderr}")
        return result
    return run
