"""The emulator's kind flavour: `kind create cluster` with the kind provider's config, then Calico's manifest.

Facts reproduced (docs/platform.md §9): kind v0.31.0 with kindest/node:v1.35.0 and
`networking.disableDefaultCNI: true` installs no CNI, so both nodes are NotReady with containerd's words
(containerd v2.2.0 `internal/cri/server/status.go`, go-cni `errors.go`) and carry the not-ready NoSchedule
taint only (the node lifecycle controller's disruption mode), CoreDNS is Pending; kubeadm taints the control
plane and kind lifts the taint only on one-node clusters (kubernetes-sigs/kind
`pkg/cluster/internal/create/actions/kubeadminit/init.go`); Calico's manifest (projectcalico/calico
`manifests/calico.yaml` v3.31.3, reduced in selftests/calico) brings calico-node up, its install-cni writes the
CNI config so the nodes turn Ready, and calico-node creates `default-ipv4-ippool` from kubeadm-config's podSubnet
(`node/pkg/lifecycle/startup/startup.go`).
"""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Iterator

import pytest
import yaml
from kubernetes import client, config

from emulator import EmulatedCluster, Timeline
from emulator.seed.kind_config import parse
from fixtures.cluster.providers.kind import KIND_CONFIG
from selftests.calico.apply import MANIFEST, apply
from selftests.emulator_controllers.conftest import SCALE
from selftests.emulator_controllers.lab import MANIFESTS, ready, wait_for

# The provider's config before the fix: kubeadm's control-plane taint stays (issue 13, defect 1).
TAINTED_CONFIG = """kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
networking:
  disableDefaultCNI: true
  podSubnet: 10.244.0.0/16
nodes:
  - role: control-plane
  - role: worker
"""
CONTAINERD_NOT_READY = ("container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
                        "message:Network plugin returns error: cni plugin not initialized")
NOT_READY, CONTROL_PLANE = "node.kubernetes.io/not-ready", "node-role.kubernetes.io/control-plane"
# Generous bounds: image pulls, CNI installs and rollouts take about a second here, several under parallel load.
SETTLE = 45.0


def _start(kind_config: str, tmp_path: Path) -> tuple[EmulatedCluster, client.ApiClient]:
    cluster = EmulatedCluster(timeline=Timeline(scale=SCALE), flavor=parse(kind_config, "lab4").flavor()).start()
    api = config.new_client_from_config(config_file=str(cluster.write_kubeconfig(tmp_path / "kubeconfig")))
    return cluster, api


@pytest.fixture
def tainted(tmp_path: Path) -> Iterator[client.ApiClient]:
    cluster, api = _start(TAINTED_CONFIG, tmp_path)
    yield api
    api.close()
    cluster.stop()


@pytest.fixture
def untainted(tmp_path: Path) -> Iterator[client.ApiClient]:
    cluster, api = _start(KIND_CONFIG, tmp_path)
    yield api
    api.close()
    cluster.stop()


def _taints(node: client.V1Node) -> set[tuple[str, str]]:
    return {(t.key, t.effect) for t in node.spec.taints or []}


def _ready(node: client.V1Node) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in node.status.conditions)


def _install_calico(api: client.ApiClient) -> None:
    apply(api, [d for d in yaml.safe_load_all(MANIFEST.read_text()) if d])
    core = client.CoreV1Api(api)
    wait_for("both nodes Ready", lambda: all(_ready(n) for n in core.list_node().items), SETTLE)
    wait_for("calico-node Ready on both nodes", lambda: [p for p in core.list_namespaced_pod(
        "kube-system", label_selector="k8s-app=calico-node").items if ready(p)][1:], SETTLE)


def _apply_reference_deployment(api: client.ApiClient) -> None:
    for name in ("configmap.yaml", "deployment.yaml"):
        for doc in yaml.safe_load_all((MANIFESTS / name).read_text()):
            if doc["kind"] == "ConfigMap":
                client.CoreV1Api(api).create_namespaced_config_map("default", doc)
            elif doc["kind"] == "Deployment":
                client.AppsV1Api(api).create_namespaced_deployment("default", doc)


def test_a_fresh_kind_cluster_has_two_notready_nodes_and_no_cni(tainted):
    core = client.CoreV1Api(tainted)
    nodes = {n.metadata.name: n for n in core.list_node().items}
    assert sorted(nodes) == ["lab4-control-plane", "lab4-worker"]
    for node in nodes.values():
        condition = next(c for c in node.status.conditions if c.type == "Ready")
        assert (condition.status, condition.reason, condition.message) == ("False", "KubeletNotReady",
                                                                            CONTAINERD_NOT_READY)
        assert node.status.node_info.container_runtime_version == "containerd://2.2.0"
        assert node.spec.provider_id == f"kind://docker/lab4/{node.metadata.name}"
    # NoSchedule only: every node is NotReady, so the lifecycle controller sets no NoExecute taint.
    assert _taints(nodes["lab4-control-plane"]) == {(CONTROL_PLANE, "NoSchedule"), (NOT_READY, "NoSchedule")}
    assert _taints(nodes["lab4-worker"]) == {(NOT_READY, "NoSchedule")}
    assert "node-role.kubernetes.io/control-plane" in nodes["lab4-control-plane"].metadata.labels
    assert [n.spec.pod_cidr for n in nodes.values()] == ["10.244.0.0/24", "10.244.1.0/24"]

    coredns = wait_for("both CoreDNS pods unschedulable", lambda: [
        p for p in core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-dns").items
        if any(c.type == "PodScheduled" and c.reason == "Unschedulable" for c in p.status.conditions or [])][1:]
        and core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-dns").items, SETTLE)
    assert len(coredns) == 2 and all(p.status.phase == "Pending" and not p.spec.node_name for p in coredns)
    message = next(c.message for c in coredns[0].status.conditions if c.type == "PodScheduled")
    assert message.startswith("0/2 nodes are available: 2 node(s) had untolerated taint "
                              "{node.kubernetes.io/not-ready: }")
    proxies = core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-proxy").items
    assert sorted(p.spec.node_name for p in proxies if p.status.phase == "Running") == sorted(nodes)
    assert not [g for g in client.ApisApi(tainted).get_api_versions().groups if g.name == "crd.projectcalico.org"]
    kubeadm = core.read_namespaced_config_map("kubeadm-config", "kube-system").data["ClusterConfiguration"]
    assert yaml.safe_load(kubeadm)["networking"] == {"dnsDomain": "cluster.local", "podSubnet": "10.244.0.0/16",
                                                     "serviceSubnet": "10.96.0.0/16"}
    assert client.VersionApi(tainted).get_code().git_version == "v1.35.0"


def test_calicos_manifest_brings_the_nodes_and_the_default_pool_up(tainted):
    _install_calico(tainted)
    core = client.CoreV1Api(tainted)
    nodes = {n.metadata.name: n for n in core.list_node().items}
    assert _taints(nodes["lab4-control-plane"]) == {(CONTROL_PLANE, "NoSchedule")}   # kubeadm's stays
    assert _taints(nodes["lab4-worker"]) == set()
    assert nodes["lab4-worker"].metadata.annotations["projectcalico.org/IPv4Address"] == "172.18.0.3/16"
    pools = client.CustomObjectsApi(tainted).list_cluster_custom_object("crd.projectcalico.org", "v1", "ippools")
    assert [(p["metadata"]["name"], p["spec"]["cidr"], p["spec"]["ipipMode"], p["spec"]["natOutgoing"])
            for p in pools["items"]] == [("default-ipv4-ippool", "10.244.0.0/16", "Always", True)]
    controllers = wait_for("calico-kube-controllers Ready", lambda: [p for p in core.list_namespaced_pod(
        "kube-system", label_selector="k8s-app=calico-kube-controllers").items if ready(p)], SETTLE)
    dns = wait_for("CoreDNS Running", lambda: [p for p in core.list_namespaced_pod(
        "kube-system", label_selector="k8s-app=kube-dns").items if ready(p)][1:] and core.list_namespaced_pod(
        "kube-system", label_selector="k8s-app=kube-dns").items, SETTLE)
    for pod in controllers + dns:
        assert ipaddress.ip_address(pod.status.pod_ip) in ipaddress.ip_network("10.244.0.0/16")
        assert pod.status.container_statuses[0].container_id.startswith("containerd://")
    assert any(e.reason == "NodeReady" for e in core.list_namespaced_event("default").items)


def test_the_control_plane_taint_leaves_the_second_replica_pending(tainted):
    """kind keeps kubeadm's taint on a two-node cluster: with the reference spread constraint (maxSkew 1,
    DoNotSchedule over kubernetes.io/hostname; the tainted node still counts as a domain) the second replica
    fits neither node."""
    _install_calico(tainted)
    _apply_reference_deployment(tainted)
    core = client.CoreV1Api(tainted)

    def one_running_one_stuck():
        pods = core.list_namespaced_pod("default", label_selector="app=react-app").items
        stuck = [p for p in pods if any(c.type == "PodScheduled" and c.reason == "Unschedulable"
                                        for c in p.status.conditions or [])]
        return (pods, stuck) if len(pods) == 2 and stuck and any(p.spec.node_name for p in pods) else None

    pods, stuck = wait_for("one replica placed, one unschedulable", one_running_one_stuck, SETTLE)
    assert {p.spec.node_name for p in pods} == {"lab4-worker", None}
    message = next(c.message for c in stuck[0].status.conditions if c.type == "PodScheduled")
    assert "untolerated taint {node-role.kubernetes.io/control-plane: }" in message
    assert "didn't match pod topology spread constraints" in message


def test_without_the_taint_the_replicas_run_one_per_node(untainted):
    _install_calico(untainted)
    core = client.CoreV1Api(untainted)
    assert all(not _taints(n) for n in core.list_node().items)
    _apply_reference_deployment(untainted)
    pods = wait_for("both replicas Ready", lambda: [p for p in core.list_namespaced_pod(
        "default", label_selector="app=react-app").items if ready(p)][1:] and core.list_namespaced_pod(
        "default", label_selector="app=react-app").items, SETTLE)
    assert sorted(p.spec.node_name for p in pods) == ["lab4-control-plane", "lab4-worker"]
