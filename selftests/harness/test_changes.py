"""A wait wakes when what it reads changes (a watch from the last resourceVersion), not at its next tick."""
import threading
import time
from pathlib import Path

import pytest

from emulator import EmulatedCluster, Timeline
from fixtures.cluster.kube import Kube
from fixtures.cluster.waiting import NotYet, wait_until


@pytest.fixture
def kube(tmp_path: Path):
    with EmulatedCluster((), Timeline(scale=0.05)) as cluster:
        yield Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False, cache_dir=tmp_path)


def create_config_map_after(kube: Kube, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, kube.apply, [{"apiVersion": "v1", "kind": "ConfigMap",
                                                   "metadata": {"name": "later", "namespace": "default"}}])
    timer.start()
    return timer


def timed(fn) -> float:
    started = time.monotonic()
    fn()
    return time.monotonic() - started


def test_a_change_ends_the_pause_at_once(kube):
    wake = kube.changes("v1", "ConfigMap", "default")
    timer = create_config_map_after(kube, 0.3)
    took = timed(lambda: wake(5.0))
    timer.join()
    assert 0.25 < took < 1.5


def test_without_a_change_it_pauses_the_whole_time(kube):
    wake = kube.changes("v1", "ConfigMap", "default")
    assert 1.1 < timed(lambda: wake(1.2)) < 2.5


def test_a_change_before_the_pause_is_not_missed(kube):
    wake = kube.changes("v1", "ConfigMap", "default")
    kube.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "between", "namespace": "default"}})
    assert timed(lambda: wake(5.0)) < 1.0


def test_a_wait_ends_when_the_cluster_gets_there_not_at_its_interval(kube):
    def probe():
        if kube.get("v1", "ConfigMap", "later", "default") is None:
            raise NotYet("no ConfigMap later yet")
        return "found"

    timer = create_config_map_after(kube, 0.3)
    took = timed(lambda: wait_until("ConfigMap later", probe, timeout=10, interval=5.0,
                                    wake=kube.changes("v1", "ConfigMap", "default")))
    timer.join()
    assert took < 1.5   # polling alone would have slept the 5 s interval
