"""Calico IPAM as a client observes it (docs/platform.md §2.3-2.6): pool choice by node selector and
by annotation, pods keeping their IPs when pools change, pool deletion around live pods,
overlapping pools, a node no pool selects, addresses handed out in order, the IPAM CRs, and
calico-node re-creating the default pool at start."""
from __future__ import annotations

import ipaddress
import json

from selftests.emulator_controllers.lab import DEFAULT_POOL, GROUP, VERSION, in_network, lab_container, ready, wait_for


def _pinned(node: str, **spec) -> dict:
    return {"containers": [lab_container()], "nodeSelector": {"kubernetes.io/hostname": node}, **spec}


def _ip_of(lab, name: str) -> str:
    return wait_for(f"an IP for {name}", lambda: lab.pod(name).status.pod_ip)


def test_pods_created_before_the_pools_keep_their_default_pool_ips(lab, kubectl):
    lab.wait_for_calico()
    lab.apply_reference_workload()
    early = lab.wait_for_ready_pods(2)
    assert all(in_network(p.status.pod_ip, "10.244.0.0/16") for p in early)
    pools = lab.create_reference_pools()
    lab.label_nodes()
    lab.delete_pool()
    assert {p.metadata.name: p.status.pod_ip for p in lab.wait_for_ready_pods(2)} == \
        {p.metadata.name: p.status.pod_ip for p in early}
    kubectl("scale", "deployment/react-app", "--replicas=4")
    pods = lab.wait_for_ready_pods(4)
    rack_of = dict(zip(lab.node_names(), (p["spec"]["cidr"] for p in pools), strict=False))
    newcomers = [p for p in pods if p.metadata.name not in {e.metadata.name for e in early}]
    assert len(newcomers) == 2
    assert all(in_network(p.status.pod_ip, rack_of[p.spec.node_name]) for p in newcomers)


def test_a_node_no_pool_selects_leaves_the_pod_container_creating(lab):
    lab.wait_for_calico()
    lab.create_pool("rack-0-ippool", "192.168.0.0/24", 'rack == "0"')
    lab.label_nodes(values=("0", "9"))                 # lab4-m02 gets a rack no pool selects
    lab.delete_pool()
    lab.run_pod("stuck", _pinned("lab4-m02"))
    event = wait_for("FailedCreatePodSandBox", lambda: lab.events(name="stuck", reason="FailedCreatePodSandBox"))[0]
    assert event.type == "Warning" and event.source.component == "kubelet" and event.source.host == "lab4-m02"
    assert event.message.startswith("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up "
                                    "sandbox container \"")
    assert event.message.endswith('network for pod "stuck": networkPlugin cni failed to set up pod "stuck_default" '
                                  'network: plugin type="calico" failed (add): no configured Calico pools for '
                                  "node lab4-m02")
    pod = lab.pod("stuck")
    assert pod.status.phase == "Pending" and not pod.status.pod_ip
    assert pod.status.container_statuses[0].state.waiting.reason == "ContainerCreating"
    # the kubelet retries: once a pool selects the node, the sandbox comes up
    lab.create_pool("rack-9-ippool", "192.168.9.0/24", 'rack == "9"')
    assert in_network(_ip_of(lab, "stuck"), "192.168.9.0/24")


def test_deleting_a_pool_under_live_pods_keeps_their_ips_and_stops_new_ones(lab):
    lab.provision_pools()
    lab.run_pod("first", _pinned("lab4"))
    first_ip = _ip_of(lab, "first")
    assert in_network(first_ip, "192.168.0.0/24")
    lab.custom.delete_cluster_custom_object(GROUP, VERSION, "ippools", "rack-0-ippool")     # raw, like kubectl delete
    lab.run_pod("second", _pinned("lab4"))
    wait_for("the sandbox failure", lambda: lab.events(name="second", reason="FailedCreatePodSandBox"))
    assert wait_for("first Ready", lambda: ready(lab.pod("first"))) and lab.pod("first").status.pod_ip == first_ip
    affinities = lab.custom.list_cluster_custom_object(GROUP, VERSION, "blockaffinities")["items"]
    assert any(a["spec"]["node"] == "lab4" and in_network(a["spec"]["cidr"].split("/")[0], "192.168.0.0/24")
               for a in affinities), "a raw delete leaves the block affinity behind (docs/platform.md §2.3)"


def test_overlapping_pools_share_one_range_without_duplicate_addresses(lab):
    lab.wait_for_calico()
    lab.create_pool("rack-0-ippool", "10.244.102.1/24", 'rack == "0"')      # a real student's pair
    lab.create_pool("rack-1-ippool", "10.244.102.2/24", 'rack == "1"')
    lab.label_nodes()
    lab.delete_pool()
    for i, node in enumerate(lab.node_names() * 2):
        lab.run_pod(f"p{i}", _pinned(node))
    ips = [_ip_of(lab, f"p{i}") for i in range(4)]
    assert all(in_network(ip, "10.244.102.0/24") for ip in ips) and len(set(ips)) == 4
    blocks = {b["spec"]["cidr"]: b["spec"]["affinity"]
              for b in lab.custom.list_cluster_custom_object(GROUP, VERSION, "ipamblocks")["items"]
              if in_network(b["spec"]["cidr"].split("/")[0], "10.244.102.0/24")}
    assert sorted(blocks.values()) == ["host:lab4", "host:lab4-m02"]


def test_addresses_come_in_order_and_a_freed_one_goes_to_the_back(lab):
    lab.wait_for_calico()
    lab.create_pool("rack-0-ippool", "192.168.0.0/24", 'rack == "0"')
    lab.label_nodes(values=("0", "1"))
    lab.delete_pool()
    names = ["a", "b", "c"]
    ips = []
    for name in names:
        lab.run_pod(name, _pinned("lab4"))
        ips.append(_ip_of(lab, name))
    numbers = [int(ipaddress.ip_address(ip)) for ip in ips]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    block = ipaddress.ip_network(f"{ips[0]}/26", strict=False)
    tunnel = lab.core.read_node("lab4").metadata.annotations["projectcalico.org/IPv4IPIPTunnelAddr"]
    assert tunnel == str(block.network_address) and numbers[0] == int(block.network_address) + 1
    lab.core.delete_namespaced_pod("b", "default", grace_period_seconds=0)
    wait_for("b gone", lambda: lab.gone("b"))
    lab.run_pod("d", _pinned("lab4"))
    assert int(ipaddress.ip_address(_ip_of(lab, "d"))) == numbers[2] + 1
    handle_ids = {a["handle_id"] for a in lab.custom.get_cluster_custom_object(
        GROUP, VERSION, "ipamblocks", str(block).replace(".", "-").replace("/", "-"))["spec"]["attributes"]}
    assert "ipip-tunnel-addr-lab4" in handle_ids and len(handle_ids) == 4    # tunnel, a, c, d


def test_pool_annotations_choose_the_pool_whatever_the_selectors(lab):
    lab.wait_for_calico()
    lab.create_pool("special", "172.16.5.0/24", 'rack == "nowhere"')
    lab.run_pod("plain", _pinned("lab4-m02"))
    ns = {"metadata": {"name": "labs", "annotations": {"cni.projectcalico.org/ipv4pools": json.dumps(["special"])}}}
    lab.core.create_namespace(ns)
    lab.run_pod("in-labs", _pinned("lab4"), namespace="labs")
    lab.core.create_namespaced_pod("default", {"metadata": {"name": "by-cidr", "annotations": {
        "cni.projectcalico.org/ipv4pools": '["172.16.5.0/24"]'}}, "spec": _pinned("lab4")})
    assert in_network(_ip_of(lab, "plain"), "10.244.0.0/16")
    assert in_network(wait_for("in-labs IP", lambda: lab.pod("in-labs", "labs").status.pod_ip), "172.16.5.0/24")
    assert in_network(_ip_of(lab, "by-cidr"), "172.16.5.0/24")


def test_deleting_a_pod_releases_its_address(lab):
    lab.provision_pools()
    lab.run_pod("short", _pinned("lab4"))
    ip = _ip_of(lab, "short")
    sandbox = lab.pod("short").metadata.annotations["cni.projectcalico.org/containerID"]
    handle = f"k8s-pod-network.{sandbox}"
    assert lab.custom.get_cluster_custom_object(GROUP, VERSION, "ipamhandles", handle)["spec"]["handleID"] == handle
    lab.core.delete_namespaced_pod("short", "default")
    wait_for("the pod gone", lambda: lab.gone("short"))
    handles = [h["metadata"]["name"]
               for h in lab.custom.list_cluster_custom_object(GROUP, VERSION, "ipamhandles")["items"]]
    assert handle not in handles
    block = lab.custom.get_cluster_custom_object(GROUP, VERSION, "ipamblocks",
                                                 str(ipaddress.ip_network(f"{ip}/26", strict=False))
                                                 .replace(".", "-").replace("/", "-"))
    ordinal = int(ipaddress.ip_address(ip)) - int(ipaddress.ip_network(block["spec"]["cidr"]).network_address)
    assert block["spec"]["allocations"][ordinal] is None and block["spec"]["unallocated"][-1] == ordinal


def test_calico_node_start_recreates_the_default_pool_only_when_no_pool_exists(lab):
    lab.wait_for_calico()
    lab.delete_pool()
    assert DEFAULT_POOL not in lab.pools()
    victim = lab.core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items[0]
    lab.core.delete_namespaced_pod(victim.metadata.name, "kube-system")
    pool = wait_for("the default pool back", lambda: lab.pools().get(DEFAULT_POOL))
    assert pool["spec"]["cidr"] == "10.244.0.0/16" and pool["spec"]["ipipMode"] == "Always"
    assert pool["spec"]["natOutgoing"] is True and pool["spec"]["nodeSelector"] == "all()"
    assert pool["metadata"]["managedFields"][0]["manager"] == "calico-node"

    lab.create_pool("rack-0-ippool", "192.168.0.0/24", 'rack == "0"')
    lab.delete_pool()
    victim = lab.core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items[0]
    lab.core.delete_namespaced_pod(victim.metadata.name, "kube-system")
    wait_for("calico-node back and Ready", lambda: len([
        p for p in lab.core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items
        if ready(p) and not p.metadata.deletion_timestamp]) == 2, timeout=15)
    assert DEFAULT_POOL not in lab.pools()
