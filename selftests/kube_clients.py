"""An emulated cluster per test and clients pointed at it, shared by the emulator's self-tests: the
real kubernetes client and the real kubectl. A conftest that defines `kubeconfig` imports the
fixtures to use them."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from kubernetes import client, config

from emulator import EmulatedCluster, Timeline


def marked_cluster(request: pytest.FixtureRequest, scale: float) -> Iterator[EmulatedCluster]:
    """A fresh cluster on a timeline of this scale; `@pytest.mark.faults("name", ...)` chooses its faults."""
    marker = request.node.get_closest_marker("faults")
    cluster = EmulatedCluster(marker.args if marker else (), Timeline(scale=scale)).start()
    try:
        yield cluster
    finally:
        cluster.stop()


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
