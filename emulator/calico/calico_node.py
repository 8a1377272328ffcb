"""What calico-node does on its own, beside the readiness timeline of `lifecycle`.

- Start-up (`node/pkg/lifecycle/startup/startup.go` configureIPPools, docs/platform.md §1.4): each
  time a calico-node container starts and no IPv4 pool exists, `default-ipv4-ippool` is created
  from kubeadm-config's `podSubnet: (.*)` (192.168.0.0/16 when there is none), blockSize 26,
  ipipMode Always, vxlanMode Never, natOutgoing true (the manifest's CALICO_IPV4POOL_* env).
- The IPIP tunnel address (`node/pkg/allocateip/allocateip.go`, docs/platform.md §2.4): while it
  runs, calico-node keeps the node's tunl0 address inside an enabled IPIP pool that selects the
  node; when pools or node labels change so that it no longer is, the address is released and a
  new one assigned (Tunnel use), recorded in the node annotation
  `projectcalico.org/IPv4IPIPTunnelAddr`; with no such pool the annotation is removed.
- Readiness: `-felix-ready -bird-ready` fails for ever on the second node under the
  calico-node-not-ready and node-not-ready faults (BGP with the first node never comes up).
- Fault `pool-delete-ignored`: a deleted `default-ipv4-ippool` is created again `pool_restore`
  later (as if calico-node restarted with the old configuration).
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any

from ..apiserver.store import Event, Store
from ..base.cluster import Timeline
from ..base.errors import ApiError
from ..base.faults import CALICO_NODE_NOT_READY, IPAM_IGNORES_SELECTORS, NODE_NOT_READY, POOL_DELETE_IGNORED
from ..base.ids import Ids
from ..base.reconcile import Reconciler
from . import defaults
from .ipam import DEFAULT_POOL, POOLS, Ipam, IpamError, Pool

DEFAULT_POOL_NAME = "default-ipv4-ippool"
FALLBACK_CIDR = "192.168.0.0/16"               # DEFAULT_IPV4_POOL_CIDR
TUNNEL_ANNOTATION = "projectcalico.org/IPv4IPIPTunnelAddr"
ADDRESS_ANNOTATION = "projectcalico.org/IPv4Address"
BLOCKING_FAULTS = {CALICO_NODE_NOT_READY, NODE_NOT_READY}
Obj = dict[str, Any]


def is_calico_node(pod: Obj) -> bool:
    return (pod["metadata"].get("labels") or {}).get("k8s-app") == "calico-node" \
        and pod["metadata"].get("namespace") == "kube-system"


def is_kube_controllers(pod: Obj) -> bool:
    return (pod["metadata"].get("labels") or {}).get("k8s-app") == "calico-kube-controllers" \
        and pod["metadata"].get("namespace") == "kube-system"


def _running_id(pod: Obj, container: str = "calico-node") -> str | None:
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        if status.get("name") == container and "running" in (status.get("state") or {}):
            return status.get("containerID")
    return None


class CalicoNode:
    def __init__(self, store: Store, ipam: Ipam, timeline: Timeline, faults: frozenset[str], ids: Ids,
                 node_prefix: int = 24) -> None:
        """node_prefix: the length of the nodes' network, which IP autodetection reports with the address."""
        self.store, self.ipam, self.timeline, self.faults, self.ids = store, ipam, timeline, faults, ids
        self.node_prefix = node_prefix
        self.loop = Reconciler("calico-node", self._sync_tunnels)
        self._started: dict[str, str | None] = {}      # pod uid -> calico-node (or kube-controllers) container id

    def watches(self) -> set[str]:
        return {"pods", "nodes", POOLS}

    def remember_running(self) -> None:
        """calico-node pods already running at start-up have done their start-up."""
        for pod in self.store.view("pods", "kube-system"):
            if is_calico_node(pod):
                self._started[pod["metadata"]["uid"]] = _running_id(pod)

    def observe(self, event: Event) -> None:
        if event.resource.key == "pods":
            self._observe_pod(event)
        elif event.resource.key == POOLS and event.type == "DELETED" \
                and event.object["metadata"]["name"] == DEFAULT_POOL_NAME and POOL_DELETE_IGNORED in self.faults:
            self.loop.later(self.timeline.seconds(self.timeline.pool_restore), self.ensure_pool, True)
        if event.resource.key != "pods" or is_calico_node(event.object):
            self.loop.kick()

    def _observe_pod(self, event: Event) -> None:
        pod = event.object
        controllers = is_kube_controllers(pod)
        if not (is_calico_node(pod) or controllers):
            return
        uid = pod["metadata"]["uid"]
        if event.type == "DELETED":
            self._started.pop(uid, None)
            return
        running = _running_id(pod, "calico-kube-controllers" if controllers else "calico-node")
        if running and self._started.get(uid) != running:
            if controllers:
                self.loop.later(0, self._ensure_default, defaults.KUBE_CONTROLLERS_CONFIGURATIONS,
                                defaults.kube_controllers_configuration(), "calico-kube-controllers")
            else:
                self.loop.later(0, self.start_up, pod["spec"].get("nodeName"))
        self._started[uid] = running

    # --- start-up ---------------------------------------------------------------------------------
    def start_up(self, node: str | None) -> None:
        """What each calico-node start does before Felix and BIRD run: the node's BGP address from IP
        autodetection, the datastore's defaults, the default pool."""
        if node:
            self._annotate_address(node)
        kubeadm = self._kubeadm_config() is not None
        self._ensure_default(defaults.CLUSTER_INFORMATIONS, defaults.cluster_information(self.ids.hex(32), kubeadm))
        self._ensure_default(defaults.FELIX_CONFIGURATIONS, defaults.felix_configuration())
        self.ensure_pool()

    def _annotate_address(self, name: str) -> None:
        """IP=autodetect, first-found: the node's InternalIP with its network's prefix, as the Node
        annotation that holds the Calico node's BGP spec (KDD)."""
        try:
            node = self.store.get("nodes", None, name)
        except ApiError:
            return
        address = next((a["address"] for a in (node.get("status") or {}).get("addresses") or []
                        if a.get("type") == "InternalIP"), None)
        if address is None or ipaddress.ip_address(address).version != 4:
            return
        value = f"{address}/{self.node_prefix}"
        if (node["metadata"].get("annotations") or {}).get(ADDRESS_ANNOTATION) != value:
            self.store.patch("nodes", None, name, "merge", {"metadata": {"annotations": {ADDRESS_ANNOTATION: value}}},
                             manager="calico-node")

    def _ensure_default(self, resource: str, obj: Obj, manager: str = "calico-node") -> None:
        try:
            self.store.get(resource, None, "default")
            return
        except KeyError:            # the CRD is not installed
            return
        except ApiError:
            pass
        try:
            self.store.create(resource, obj, manager=manager)
        except (ApiError, KeyError):
            pass

    def ensure_pool(self, restore: bool = False) -> None:
        """configureIPPools: create the default pool when no IPv4 pool exists; `restore` (the
        fault) creates it whenever it is missing."""
        try:
            pools = self.store.list(POOLS)[0]
        except KeyError:            # no Calico CRDs (no-calico)
            return
        names = {p["metadata"]["name"] for p in pools if ":" not in str((p.get("spec") or {}).get("cidr", ""))}
        if DEFAULT_POOL_NAME in names or (names and not restore):
            return
        try:
            self.store.create(POOLS, {"metadata": {"name": DEFAULT_POOL_NAME}, "spec": {
                "allowedUses": ["Workload", "Tunnel"], "assignmentMode": "Automatic", "blockSize": 26,
                "cidr": self._pod_subnet(), "ipipMode": "Always", "natOutgoing": True,
                "nodeSelector": "all()", "vxlanMode": "Never"}}, manager="calico-node")
        except ApiError:
            pass

    def _kubeadm_config(self) -> Obj | None:
        try:
            return self.store.get("configmaps", "kube-system", "kubeadm-config")
        except ApiError:
            return None

    def _pod_subnet(self) -> str:
        """extractKubeadmCIDRs: `podSubnet: (.*)` in any of kubeadm-config's values, its first IPv4 CIDR."""
        config = self._kubeadm_config()
        for value in ((config or {}).get("data") or {}).values():
            if match := re.search(r"podSubnet: (.*)", value):
                for cidr in match.group(1).split(","):
                    try:
                        if ipaddress.ip_network(cidr.strip(), strict=False).version == 4:
                            return cidr.strip()
                    except ValueError:
                        break
                break
        return FALLBACK_CIDR

    # --- readiness --------------------------------------------------------------------------------
    def felix_and_bird_ready(self, node: str) -> bool:
        nodes = sorted(n["metadata"]["name"] for n in self.store.list("nodes")[0])
        return not (self.faults & BLOCKING_FAULTS and len(nodes) > 1 and node == nodes[1])

    # --- tunnel addresses -------------------------------------------------------------------------
    def _sync_tunnels(self) -> None:
        running = {p["spec"].get("nodeName") for p in self.store.view("pods", "kube-system")
                   if is_calico_node(p) and _running_id(p) and not p["metadata"].get("deletionTimestamp")}
        for node in self.store.list("nodes")[0]:
            if node["metadata"]["name"] in running:
                self._reconcile_tunnel(node)

    def _tunnel_pools(self, node: Obj) -> list[Pool]:
        if IPAM_IGNORES_SELECTORS in self.faults:
            return [DEFAULT_POOL]
        labels = node["metadata"].get("labels") or {}
        pools = []
        for pool in self.ipam.pools():
            spec = self._spec(pool.name)
            try:
                if not pool.disabled and "Tunnel" in pool.uses and spec.get("ipipMode") in ("Always", "CrossSubnet") \
                        and pool.selects(node["metadata"]["name"], labels, None):
                    pools.append(pool)
            except IpamError:
                continue
        return pools

    def _spec(self, pool: str) -> Obj:
        try:
            return self.store.get(POOLS, None, pool).get("spec") or {}
        except ApiError:
            return {}

    def _reconcile_tunnel(self, node: Obj) -> None:
        name = node["metadata"]["name"]
        current = (node["metadata"].get("annotations") or {}).get(TUNNEL_ANNOTATION)
        try:
            pools = self._tunnel_pools(node)
        except IpamError:
            return
        if current and any(ipaddress.ip_address(current) in p.network for p in pools):
            return
        handle = f"ipip-tunnel-addr-{name}"
        self.ipam.release(handle)
        address = None
        if pools:
            try:
                address = self.ipam.assign(name, handle, {"node": name, "type": "ipipTunnelAddress"}, use="Tunnel",
                                           requested=[str(p.network) for p in pools])
            except IpamError:
                address = None
        annotations = dict(node["metadata"].get("annotations") or {})
        if address:
            annotations[TUNNEL_ANNOTATION] = address
        else:
            annotations.pop(TUNNEL_ANNOTATION, None)
        if annotations != (node["metadata"].get("annotations") or {}):
            self.store.patch("nodes", None, name, "merge",
                             {"metadata": {"annotations": {TUNNEL_ANNOTATION: address}}}, manager="calico-node")
