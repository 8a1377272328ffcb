"""Calico's datastore objects in a fresh cluster, and the pod addresses of the seeded pods.

CRDs: the 22 `crd.projectcalico.org/v1` CRDs of minikube v1.38.1's calico.yaml (kdd-crds.yaml,
Calico v3.31.3; none has subresources or printer columns) plus the two policy.networking.k8s.io
ones it ships (docs/platform.md §1.3). The IPPool CRD carries its real v3.31.3 schema; the others a
permissive one. Objects calico-node writes at start (`node/pkg/lifecycle/startup/startup.go`):
`default-ipv4-ippool` from kubeadm-config's podSubnet (docs/platform.md §1.4), ClusterInformation
`default`, FelixConfiguration `default`; calico-kube-controllers writes KubeControllersConfiguration
`default`. IPAM (docs/platform.md §2.5, §2.6): one /26 block per node at a random free offset of the
pool, affine to the node, the first address the node's IPIP tunnel address, pods after it.
"""
from __future__ import annotations

import ipaddress
from typing import Any

from ..apiserver.store import Store, timestamp
from ..base.cluster import POD_SUBNET, NodeSpec
from ..base.ids import Ids
from ..calico import defaults

GROUP = "crd.projectcalico.org"

# plural, kind, namespaced
CALICO_CRDS = (
    ("bgpconfigurations", "BGPConfiguration", False), ("bgpfilters", "BGPFilter", False),
    ("bgppeers", "BGPPeer", False), ("blockaffinities", "BlockAffinity", False),
    ("caliconodestatuses", "CalicoNodeStatus", False), ("clusterinformations", "ClusterInformation", False),
    ("felixconfigurations", "FelixConfiguration", False),
    ("globalnetworkpolicies", "GlobalNetworkPolicy", False), ("globalnetworksets", "GlobalNetworkSet", False),
    ("hostendpoints", "HostEndpoint", False), ("ipamblocks", "IPAMBlock", False),
    ("ipamconfigs", "IPAMConfig", False), ("ipamhandles", "IPAMHandle", False), ("ippools", "IPPool", False),
    ("ipreservations", "IPReservation", False),
    ("kubecontrollersconfigurations", "KubeControllersConfiguration", False),
    ("networkpolicies", "NetworkPolicy", True), ("networksets", "NetworkSet", True),
    ("stagedglobalnetworkpolicies", "StagedGlobalNetworkPolicy", False),
    ("stagedkubernetesnetworkpolicies", "StagedKubernetesNetworkPolicy", True),
    ("stagednetworkpolicies", "StagedNetworkPolicy", True), ("tiers", "Tier", False),
)

_PERMISSIVE = {"type": "object", "properties": {
    "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
    "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
    "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}

_IPPOOL_SCHEMA = {"type": "object", "properties": {
    "apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
    "spec": {"type": "object", "required": ["cidr"], "properties": {
        "allowedUses": {"type": "array", "items": {"type": "string"}},
        "assignmentMode": {"type": "string", "enum": ["Automatic", "Manual"]},
        "blockSize": {"type": "integer"}, "cidr": {"type": "string"},
        "disableBGPExport": {"type": "boolean"}, "disabled": {"type": "boolean"},
        "ipip": {"type": "object", "properties": {"enabled": {"type": "boolean"}, "mode": {"type": "string"}}},
        "ipipMode": {"type": "string"}, "namespaceSelector": {"type": "string"},
        "nat-outgoing": {"type": "boolean"}, "natOutgoing": {"type": "boolean"},
        "nodeSelector": {"type": "string"}, "vxlanMode": {"type": "string"}}}}}


def _crd(group: str, plural: str, kind: str, namespaced: bool, version: str = "v1",
         schema: dict | None = None, extra_version: dict | None = None,
         short_names: list[str] | None = None, annotations: dict | None = None) -> dict[str, Any]:
    names: dict[str, Any] = {"kind": kind, "listKind": kind + "List", "plural": plural, "singular": kind.lower()}
    if short_names:
        names["shortNames"] = short_names
    served = {"name": version, "schema": {"openAPIV3Schema": schema or _PERMISSIVE}, "served": True,
              "storage": True, **(extra_version or {})}
    meta: dict[str, Any] = {"name": f"{plural}.{group}"}
    if annotations:
        meta["annotations"] = annotations
    return {"metadata": meta, "spec": {"group": group, "names": names, "preserveUnknownFields": False,
                                       "scope": "Namespaced" if namespaced else "Cluster", "versions": [served]}}


def crds(store: Store, at: float) -> None:
    for plural, kind, namespaced in CALICO_CRDS:
        store.create("customresourcedefinitions.apiextensions.k8s.io", _crd(
            GROUP, plural, kind, namespaced, schema=_IPPOOL_SCHEMA if plural == "ippools" else None,
            annotations={"controller-gen.kubebuilder.io/version": "v0.17.3"}),
            manager="kubectl-client-side-apply", at=at + 8)
    for plural, kind, short, columns in (
            ("adminnetworkpolicies", "AdminNetworkPolicy", "anp",
             [{"jsonPath": ".spec.priority", "name": "Priority", "type": "string"},
              {"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}]),
            ("baselineadminnetworkpolicies", "BaselineAdminNetworkPolicy", "banp",
             [{"jsonPath": ".metadata.creationTimestamp", "name": "Age", "type": "date"}])):
        store.create("customresourcedefinitions.apiextensions.k8s.io", _crd(
            "policy.networking.k8s.io", plural, kind, False, "v1alpha1",
            extra_version={"additionalPrinterColumns": columns, "subresources": {"status": {}}},
            short_names=[short], annotations={
                "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/network-policy-api/pull/30",
                "policy.networking.k8s.io/bundle-version": "v0.1.1",
                "policy.networking.k8s.io/channel": "experimental"}),
            manager="kubectl-client-side-apply", at=at + 8)


def _cidr_name(cidr: str) -> str:
    """lib/names/cidr.go CIDRToName."""
    return cidr.replace(".", "-").replace(":", "-").replace("/", "-")


class Network:
    """Calico IPAM for the seeded pods: one affine /26 block per node."""

    def __init__(self, specs: list[NodeSpec], ids: Ids) -> None:
        pool = ipaddress.ip_network(POD_SUBNET)
        blocks = list(pool.subnets(new_prefix=26))
        chosen = ids.rng.sample(range(len(blocks)), len(specs))
        self.blocks = {node.name: blocks[i] for node, i in zip(specs, chosen, strict=False)}
        self.used: dict[str, list[tuple[str, dict[str, str]]]] = {}   # node -> [(handle, attrs)]
        for node in specs:
            self.used[node.name] = [(f"ipip-tunnel-addr-{node.name}",
                                     {"node": node.name, "type": "ipipTunnelAddress"})]

    def tunnel_address(self, node: str) -> str:
        return str(self.blocks[node][0])

    def node_annotations(self, node: NodeSpec) -> dict[str, str]:
        return {"projectcalico.org/IPv4Address": f"{node.ip}/24",
                "projectcalico.org/IPv4IPIPTunnelAddr": self.tunnel_address(node.name)}

    def allocate(self, node: str, namespace: str, pod: str, container_id: str, at: float) -> str:
        block = self.blocks[node]
        address = str(block[len(self.used[node])])
        self.used[node].append((f"k8s-pod-network.{container_id}",
                                {"namespace": namespace, "node": node, "pod": pod, "timestamp": timestamp(at)}))
        return address

    @staticmethod
    def pod_annotations(ip: str, container_id: str) -> dict[str, str]:
        return {"cni.projectcalico.org/containerID": container_id, "cni.projectcalico.org/podIP": f"{ip}/32",
                "cni.projectcalico.org/podIPs": f"{ip}/32"}


class HostLocal:
    """kindnet's host-local IPAM (no-calico fault): pods from the node's podCIDR, from .2 on."""

    def __init__(self, specs: list[NodeSpec]) -> None:
        self.next = {node.name: 2 for node in specs}
        self.cidrs = {node.name: ipaddress.ip_network(node.pod_cidr) for node in specs}

    def node_annotations(self, node: NodeSpec) -> dict[str, str]:
        return {}

    def allocate(self, node: str, namespace: str, pod: str, container_id: str, at: float) -> str:
        address = str(self.cidrs[node][self.next[node]])
        self.next[node] += 1
        return address

    @staticmethod
    def pod_annotations(ip: str, container_id: str) -> dict[str, str]:
        return {}


def _create(store: Store, plural: str, obj: dict[str, Any], at: float, manager: str = "calico-node") -> None:
    store.create(f"{plural}.{GROUP}", obj, manager=manager, at=at)


def datastore(store: Store, network: Network, ids: Ids, booted: float) -> None:
    at = booted + 20
    _create(store, "ippools", {"metadata": {"name": "default-ipv4-ippool"}, "spec": {
        "allowedUses": ["Workload", "Tunnel"], "assignmentMode": "Automatic", "blockSize": 26,
        "cidr": POD_SUBNET, "ipipMode": "Always", "natOutgoing": True, "nodeSelector": "all()",
        "vxlanMode": "Never"}}, at)
    _create(store, "clusterinformations", defaults.cluster_information(ids.hex(32)), at)
    _create(store, "felixconfigurations", defaults.felix_configuration(), at)
    _create(store, "kubecontrollersconfigurations", defaults.kube_controllers_configuration(), at + 10,
            manager="calico-kube-controllers")
    for node, block in network.blocks.items():
        cidr = str(block)
        _create(store, "blockaffinities", {"metadata": {"name": f"{node}-{_cidr_name(cidr)}"}, "spec": {
            "cidr": cidr, "deleted": "false", "node": node, "state": "confirmed", "type": "host"}}, at)
        used = network.used[node]
        allocations: list[int | None] = [i if i < len(used) else None for i in range(block.num_addresses)]
        _create(store, "ipamblocks", {"metadata": {"name": _cidr_name(cidr)}, "spec": {
            "affinity": f"host:{node}", "allocations": allocations,
            "attributes": [{"handle_id": handle, "secondary": attrs} for handle, attrs in used],
            "cidr": cidr, "deleted": False, "sequenceNumber": int(at * 1e9),
            "sequenceNumberForAllocation": {str(i): int(at * 1e9) + i for i in range(len(used))},
            "strictAffinity": False,
            "unallocated": list(range(len(used), block.num_addresses))}}, at)
        for handle, _ in used:
            _create(store, "ipamhandles", {"metadata": {"name": handle.lower()}, "spec": {
                "block": {cidr: 1}, "deleted": False, "handleID": handle}}, at)
