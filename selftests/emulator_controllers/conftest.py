"""Fixtures for the controller self-tests: the cluster's delays (the cluster, the real kubernetes
client and the real kubectl come from selftests/conftest.py), and the lab's provisioning steps
done the way the suite does them (rack pools as crd.projectcalico.org/v1, nodes labelled, the
default pool disabled then deleted, the reference manifests applied)."""
from __future__ import annotations

import logging
from typing import Iterator

import pytest
from kubernetes import client

from emulator import EmulatedCluster
from selftests.emulator_controllers.lab import Lab

# Half the default timings: a 2-replica rollout of the lab app is Ready in about half a second.
SCALE = 0.5


@pytest.fixture
def cluster_scale() -> float:
    return SCALE


@pytest.fixture(autouse=True)
def no_controller_failures(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A control loop that raises is retried and logged; in these tests that is always a bug."""
    caplog.set_level(logging.ERROR, logger="emulator.controllers")
    yield
    failures = [r.getMessage() + "\n" + (r.exc_text or "") for r in caplog.records if r.name == "emulator.controllers"]
    assert not failures, "\n".join(failures)


@pytest.fixture
def lab(api: client.ApiClient, kubectl, emulated_cluster: EmulatedCluster) -> Lab:
    return Lab(api, kubectl, emulated_cluster)
