"""The suite's Kubernetes access across an API server restart (fault apiserver-restart): calls are
retried until it listens again, an exec whose stream was cut is run again only when the caller says
it changes nothing, and a wait's watch resumes (on 410 it lists again, as client-go's reflector
does: kubernetes/client-go tools/cache/reflector.go)."""
import asyncio
import threading
import time
from pathlib import Path

import pytest

from emulator import EmulatedCluster, Timeline
from fixtures.cluster.kube import Kube, StreamLost

OUTAGE = 4.0     # longer than the six quick retries the suite used to stop after (~3 s)


@pytest.fixture
def served(tmp_path: Path):
    with EmulatedCluster((), Timeline(scale=0.05)) as cluster:
        kube = Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False, cache_dir=tmp_path)
        yield cluster, kube


def restart_soon(cluster: EmulatedCluster, after: float) -> None:
    threading.Timer(after, lambda: cluster.call(lambda: asyncio.ensure_future(cluster.restart_api(OUTAGE)))).start()


def busybox(kube: Kube) -> str:
    kube.apply({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bb", "namespace": "default"},
                "spec": {"containers": [{"name": "bb", "image": "busybox", "command": ["sleep", "3600"]}]}})
    deadline = time.monotonic() + 20
    while (kube.get("v1", "Pod", "bb", "default") or {}).get("status", {}).get("phase") != "Running":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    return "bb"


def test_a_read_during_the_outage_waits_for_the_server(served):
    cluster, kube = served
    restart_soon(cluster, 0)
    time.sleep(0.5)
    started = time.monotonic()
    assert kube.get("v1", "Namespace", "default")["metadata"]["name"] == "default"
    assert time.monotonic() - started > 2      # it did wait out the outage


def test_an_exec_cut_by_the_restart_is_lost_unless_it_may_run_again(served):
    cluster, kube = served
    pod = busybox(kube)
    restart_soon(cluster, 0.3)
    with pytest.raises(StreamLost, match="`sleep 100` in pod default/bb"):
        kube.exec("default", pod, ["sleep", "100"], timeout=20)          # 5 s on this timeline
    time.sleep(OUTAGE)
    restart_soon(cluster, 0.3)
    result = kube.exec("default", pod, ["sh", "-c", "sleep 20; echo done"], timeout=30, rerun_if_lost=True)
    assert (result.stdout, result.exit_code) == ("done\n", 0)


def took(fn) -> float:
    started = time.monotonic()
    fn()
    return time.monotonic() - started


def test_a_wait_watches_again_from_a_fresh_list_after_the_restart(served):
    cluster, kube = served
    wake = kube.changes("v1", "ConfigMap", "default")
    kube.apply({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "before", "namespace": "default"}})
    cluster.call(lambda: asyncio.ensure_future(cluster.restart_api(1.0)))
    time.sleep(1.5)
    # its resourceVersion predates the new watch cache: 410, so it lists again and the probe runs at once
    assert took(lambda: wake(5.0)) < 1.0
    threading.Timer(0.3, kube.apply, [{"apiVersion": "v1", "kind": "ConfigMap",
                                       "metadata": {"name": "later", "namespace": "default"}}]).start()
    assert 0.25 < took(lambda: wake(5.0)) < 2.0     # watching again: the change wakes it
