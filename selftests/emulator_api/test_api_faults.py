"""Each fault of this phase, as a client observes it (docs/design.md#fault-catalogue)."""
from __future__ import annotations

import time

import pytest
import urllib3
from kubernetes import client, config
from kubernetes.client.rest import ApiException

from emulator import EmulatedCluster, UnknownFault
from emulator.base.faults import (
    API_FLAKY,
    API_SLOW,
    CALICO_NODE_NOT_READY,
    CATALOGUE,
    DNS_BROKEN,
    NO_CALICO,
    NODE_NOT_READY,
    SINGLE_NODE,
    THREE_NODES,
)


def _wait_for(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError("condition not reached in time")


def _calico_nodes(core: client.CoreV1Api) -> dict[str, client.V1Pod]:
    pods = core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items
    return {p.spec.node_name: p for p in pods}


def _ready(pod: client.V1Pod) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions)


# Forty times the slice's delays: calico-node turns Ready 3 s after start, so the first read below
# still sees it starting even on a loaded machine (at 75 ms, and at 0.75 s, it raced the read under load).
@pytest.mark.parametrize("cluster_scale", [2.0])
def test_fresh_cluster_gets_calico_ready_on_both_nodes(api, emulated_cluster):
    core = client.CoreV1Api(api)
    assert not any(_ready(p) for p in _calico_nodes(core).values())      # just started: not yet
    _wait_for(lambda: all(_ready(p) for p in _calico_nodes(core).values()), timeout=60)
    assert "calico-node-ready" in emulated_cluster.milestones
    ds = client.AppsV1Api(api).read_namespaced_daemon_set("calico-node", "kube-system")
    assert ds.status.number_ready == ds.status.desired_number_scheduled == 2


@pytest.mark.faults(SINGLE_NODE)
def test_single_node(api):
    core = client.CoreV1Api(api)
    assert [n.metadata.name for n in core.list_node().items] == ["lab4"]
    assert list(_calico_nodes(core)) == ["lab4"]


@pytest.mark.faults(THREE_NODES)
def test_three_nodes(api):
    core = client.CoreV1Api(api)
    nodes = {n.metadata.name: n for n in core.list_node().items}
    assert list(nodes) == ["lab4", "lab4-m02", "lab4-m03"]
    assert nodes["lab4-m03"].status.addresses[0].address == "192.168.49.4"
    assert nodes["lab4-m03"].spec.pod_cidr == "10.244.2.0/24"
    assert nodes["lab4-m03"].metadata.labels["minikube.k8s.io/primary"] == "false"
    assert sorted(_calico_nodes(core)) == ["lab4", "lab4-m02", "lab4-m03"]


@pytest.mark.faults(NO_CALICO)
def test_no_calico(api):
    core = client.CoreV1Api(api)
    assert "crd.projectcalico.org" not in {g.name for g in client.ApisApi(api).get_api_versions().groups}
    assert _calico_nodes(core) == {}
    kindnet = core.list_namespaced_pod("kube-system", label_selector="app=kindnet").items
    assert sorted(p.spec.node_name for p in kindnet) == ["lab4", "lab4-m02"]
    coredns = core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-dns").items[0]
    assert coredns.status.pod_ip.startswith("10.244.0.")
    assert not any(k.startswith("cni.projectcalico.org/") for k in coredns.metadata.annotations or {})
    with pytest.raises(ApiException) as error:
        client.CustomObjectsApi(api).list_cluster_custom_object("crd.projectcalico.org", "v1", "ippools")
    assert error.value.status == 404


@pytest.mark.faults(CALICO_NODE_NOT_READY)
def test_calico_node_not_ready_on_second_node(api, emulated_cluster):
    core = client.CoreV1Api(api)
    period = emulated_cluster.timeline.seconds(emulated_cluster.timeline.calico_restart_period)
    _wait_for(lambda: _calico_nodes(core)["lab4-m02"].status.container_statuses[0].restart_count >= 2,
              timeout=10 * period + 2)
    pods = _calico_nodes(core)
    assert _ready(pods["lab4"]) and not _ready(pods["lab4-m02"])
    broken = pods["lab4-m02"].status.container_statuses[0]
    assert broken.last_state.terminated.reason == "Error"
    events = core.list_namespaced_event("kube-system", field_selector=(
        f"involvedObject.name={pods['lab4-m02'].metadata.name},reason=Unhealthy")).items
    assert any(e.message.startswith("Readiness probe failed: calico/node is not ready: BIRD is not ready")
               and e.count >= 2 and e.type == "Warning" for e in events)
    assert "calico-node-ready" not in emulated_cluster.milestones


@pytest.mark.faults(NODE_NOT_READY)
def test_node_not_ready(api, kubectl):
    node = client.CoreV1Api(api).read_node("lab4-m02")
    ready = next(c for c in node.status.conditions if c.type == "Ready")
    assert (ready.status, ready.reason) == ("False", "KubeletNotReady")
    assert {t.key for t in node.spec.taints} == {"node.kubernetes.io/not-ready"}
    assert "lab4-m02   NotReady" in kubectl("get", "nodes").stdout


@pytest.mark.faults(API_FLAKY)
def test_api_flaky_fails_about_one_in_five_never_twice_in_a_row(kubeconfig, emulated_cluster):
    # urllib3's default Retry would silently retry the 429s (Retry-After) and the dropped connections.
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(kubeconfig), client_configuration=configuration)
    configuration.retries = False
    api = client.ApiClient(configuration)
    core = client.CoreV1Api(api)
    outcomes = []
    for _ in range(100):
        try:
            core.list_namespaced_config_map("default", _request_timeout=5)
            outcomes.append("ok")
        except ApiException as error:
            outcomes.append(str(error.status))
            if error.status == 429:
                assert error.headers["Retry-After"] == "1"
        except urllib3.exceptions.HTTPError:
            outcomes.append("drop")
    failures = [o for o in outcomes if o != "ok"]
    assert 10 <= len(failures) <= 30
    assert {"500", "429", "drop"} <= set(failures)
    assert not any(a != "ok" and b != "ok" for a, b in zip(outcomes, outcomes[1:], strict=False))
    for _ in range(20):
        assert client.VersionApi(api).get_code().git_version == "v1.35.1"     # discovery is spared
    dropped = [r for r in emulated_cluster.requests.entries() if r.status == 499]
    assert len(dropped) == outcomes.count("drop")


@pytest.mark.faults(API_SLOW)
def test_api_slow_adds_200ms(api):
    core = client.CoreV1Api(api)
    started = time.monotonic()
    for _ in range(3):
        core.list_node()
    assert time.monotonic() - started >= 0.6


def test_unknown_fault_names_the_known_ones():
    with pytest.raises(UnknownFault) as error:
        EmulatedCluster(["dns-brokn"])
    assert "unknown fault dns-brokn" in str(error.value) and DNS_BROKEN in str(error.value)


def test_catalogue_matches_design():
    # The names as students and CI type them (--emulator-fault NAME): spelled out here on purpose.
    assert [f.name for f in CATALOGUE] == [
        "single-node", "three-nodes", "no-calico", "calico-node-not-ready", "node-not-ready", "pool-delete-ignored",
        "ipam-ignores-selectors", "scheduler-packs", "app-never-listens", "app-crashloop", "dns-broken",
        "cross-node-drop", "no-ping", "portforward-refused", "stream-stall", "api-flaky", "api-slow",
        "apiserver-restart", "tls-mismatch"]
