"""The CNI plugin the kubelet calls for a pod sandbox: Calico, or kindnet under `no-calico`.

Calico (`cni-plugin/pkg/k8s/k8s.go` CmdAddK8s, docs/platform.md §2.5): ADD assigns one IPv4 address
through calico-ipam under the handle `k8s-pod-network.<sandbox id>` and writes the pod
annotations cni.projectcalico.org/containerID, podIP (`<ip>/32`) and podIPs with a patch of the
pod's status subresource; DEL releases the handle and blanks podIP/podIPs ("used to signal that
the CNI DEL has removed the IP"). A failure reaches the kubelet as libcni's
`plugin type="calico" failed (add): <calico-ipam error>`.
kindnet (ptp + host-local, `pkg/minikube/cni/kindnet.go`): addresses from the node's podCIDR,
handed out after the last one used, from .2.
"""
from __future__ import annotations

import ipaddress
from typing import Any

from ..apiserver.store import Store, timestamp
from ..base.errors import ApiError
from ..base.images import repository
from .ipam import Ipam, IpamError

Obj = dict[str, Any]
CONTAINER_ID = "cni.projectcalico.org/containerID"
POD_IP, POD_IPS = "cni.projectcalico.org/podIP", "cni.projectcalico.org/podIPs"


class CniError(Exception):
    pass


class Calico:
    def __init__(self, store: Store, ipam: Ipam) -> None:
        self.store, self.ipam = store, ipam

    def add(self, pod: Obj, sandbox: str) -> str:
        meta = pod["metadata"]
        node = pod["spec"]["nodeName"]
        try:
            namespace = self.store.get("namespaces", None, meta["namespace"])
        except ApiError:
            namespace = None
        try:
            requested = self.ipam.requested_pools(pod, namespace)
            ip = self.ipam.assign(node, f"k8s-pod-network.{sandbox}", {
                "namespace": meta["namespace"], "node": node, "pod": meta["name"], "timestamp": timestamp()},
                namespace=namespace, requested=requested)
        except IpamError as error:
            raise CniError(f'plugin type="calico" failed (add): {error}') from None
        self._annotate(pod, {CONTAINER_ID: sandbox, POD_IP: f"{ip}/32", POD_IPS: f"{ip}/32"})
        return ip

    def delete(self, pod: Obj) -> None:
        annotations = pod["metadata"].get("annotations") or {}
        sandbox = annotations.get(CONTAINER_ID)
        if sandbox:
            self.ipam.release(f"k8s-pod-network.{sandbox}")
        if annotations.get(POD_IP):
            self._annotate(pod, {POD_IP: "", POD_IPS: ""})

    def _annotate(self, pod: Obj, annotations: dict[str, str]) -> None:
        try:
            self.store.patch("pods", pod["metadata"]["namespace"], pod["metadata"]["name"], "strategic",
                             {"metadata": {"annotations": annotations}}, manager="calico", subresource="status")
        except ApiError:
            pass


class HostLocal:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._last: dict[str, int] = {}

    def add(self, pod: Obj, sandbox: str) -> str:
        node = self.store.get("nodes", None, pod["spec"]["nodeName"])
        network = ipaddress.ip_network(node["spec"]["podCIDR"])
        used = {p["status"]["podIP"] for p in self.store.view("pods")
                if p["spec"].get("nodeName") == node["metadata"]["name"] and (p.get("status") or {}).get("podIP")}
        start = self._last.get(node["metadata"]["name"], max(
            [int(ipaddress.ip_address(ip)) - int(network.network_address) for ip in used
             if ipaddress.ip_address(ip) in network] or [1]))
        for step in range(1, network.num_addresses - 2):
            offset = (start - 2 + step) % (network.num_addresses - 3) + 2
            address = str(network.network_address + offset)
            if address not in used:
                self._last[node["metadata"]["name"]] = offset
                return address
        raise CniError(f'plugin type="ptp" failed (add): failed to allocate for range 0: no IP addresses '
                       f'available in range set: {network[2]}-{network[-2]}')

    def delete(self, pod: Obj) -> None:
        """host-local frees the address with the sandbox; nothing is recorded in the API."""


def installs_cni_config(pod: Obj, init_container: str) -> bool:
    """calico-node's init container `install-cni` (image calico/cni, `/opt/cni/bin/install`) writes
    `10-calico.conflist` into the host's /etc/cni/net.d (manifests/calico.yaml, docs/platform.md §9.4)."""
    labels = pod["metadata"].get("labels") or {}
    spec = next((c for c in pod["spec"].get("initContainers") or [] if c["name"] == init_container), {})
    return labels.get("k8s-app") == "calico-node" and init_container == "install-cni" \
        and repository(spec.get("image", "")) == "calico/cni"
