"""apiserver-restart as a client sees it: the port refuses, open watches and streams end, then the
same store answers on the same port; resourceVersions go on, and the new watch cache starts at the
current one (kubernetes/apiserver pkg/storage/cacher/watch_cache.go getAllEventsSinceLocked: an older
resourceVersion is 410 "too old resource version"), which client-go's reflector answers by listing
again (kubernetes/client-go tools/cache/reflector.go)."""
from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException
from kubernetes.stream import stream

from emulator import EmulatedCluster
from emulator.base.faults import APISERVER_RESTART


def port_of(cluster: EmulatedCluster) -> int:
    return int(cluster.url.rsplit(":", 1)[1])


def refused(cluster: EmulatedCluster) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port_of(cluster)), timeout=1).close()
        return False
    except ConnectionRefusedError:
        return True


def test_a_restart_refuses_cuts_the_watch_and_comes_back_with_the_same_store(api, emulated_cluster):
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "before"}})
    listed = core.list_namespaced_config_map("default").metadata.resource_version
    ended = threading.Event()

    def watch_until_cut():
        try:
            for _ in watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version=listed,
                                          timeout_seconds=60, _request_timeout=30):
                pass
        except Exception:
            pass
        ended.set()

    threading.Thread(target=watch_until_cut, daemon=True).start()
    core.create_namespaced_config_map("default", {"metadata": {"name": "while-watched"}})   # so `listed` gets old
    time.sleep(0.3)
    emulated_cluster.call(lambda: asyncio.ensure_future(emulated_cluster.restart_api(1.5)))
    time.sleep(0.5)
    assert ended.wait(5), "the open watch was not cut"
    assert refused(emulated_cluster)
    deadline = time.monotonic() + 10
    while refused(emulated_cluster):
        assert time.monotonic() < deadline, "the API server did not come back"
        time.sleep(0.1)
    names = [c.metadata.name for c in core.list_namespaced_config_map("default").items]
    assert "before" in names
    after = core.create_namespaced_config_map("default", {"metadata": {"name": "after"}}).metadata.resource_version
    assert int(after) > int(listed)
    with pytest.raises(ApiException) as gone:
        for _ in watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version=listed,
                                      timeout_seconds=2, _request_timeout=10):
            pass
    assert gone.value.status == 410 and "too old resource version" in str(gone.value)
    current = core.list_namespaced_config_map("default").metadata.resource_version
    events = list(watch.Watch().stream(core.list_namespaced_config_map, "default", resource_version=current,
                                       timeout_seconds=1, _request_timeout=10))
    assert events == []


def running_busybox(core: client.CoreV1Api, kubectl) -> str:
    kubectl("run", "bb", "--image=busybox", "--", "sleep", "3600")
    deadline = time.monotonic() + 20
    while core.read_namespaced_pod("bb", "default").status.phase != "Running":
        assert time.monotonic() < deadline, "busybox never ran"
        time.sleep(0.1)
    return "bb"


def exec_sleep(core: client.CoreV1Api, pod: str, seconds: int) -> str:
    return stream(core.connect_get_namespaced_pod_exec, pod, "default", command=["sleep", str(seconds)],
                  stderr=True, stdout=True, stdin=False, tty=False, _request_timeout=10)


@pytest.mark.faults(APISERVER_RESTART)
def test_the_fault_restarts_once_as_the_first_exec_runs(api, kubectl, emulated_cluster):
    core = client.CoreV1Api(api)
    pod = running_busybox(core, kubectl)
    started = time.monotonic()
    # The websocket is cut under the client: ws_client's ApiException(status=0), which the classic
    # client hides behind an AttributeError (docs/platform.md §18.5).
    with pytest.raises(AttributeError) as cut:
        exec_sleep(core, pod, 100)     # 5 s on this timeline: the restart comes 0.3 s in
    assert isinstance(cut.value.__context__, ApiException) and cut.value.__context__.status == 0
    assert time.monotonic() - started < 3, "the exec stream outlived the restart"
    assert refused(emulated_cluster)
    deadline = time.monotonic() + 10
    while refused(emulated_cluster):
        assert time.monotonic() < deadline, "the API server did not come back"
        time.sleep(0.1)
    assert exec_sleep(core, pod, 1) == ""          # the second exec runs to its end: one restart only
    assert not refused(emulated_cluster)
