"""Clients pointed at an emulated cluster, shared by the emulator's self-tests: the real kubernetes
client and the real kubectl. A conftest that defines `kubeconfig` imports these to use them."""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Iterator

import pytest
from kubernetes import client, config


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
