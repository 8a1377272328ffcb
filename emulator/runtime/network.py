"""Reachability in the emulated cluster: pod IPs, node IPs and ClusterIPs (kube-proxy style).

TTLs as seen by BusyBox ping from a pod (docs/platform.md §1.6 shows ttl=62 across nodes):
the replying host sends TTL 64, and every router on the way back takes one: the peer's node
(veth → host), then the local node; a reply from a node's own address is routed once only.
"""
from __future__ import annotations

import asyncio
import ipaddress
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ..base.faults import CROSS_NODE_DROP
from .cluster_view import ClusterView
from .streams import PipeEnd, pipe

Server = Callable[[PipeEnd], Awaitable[None]]
Listener = Callable[[dict, int], Server | None]
"""(pod, port) -> the coroutine serving one accepted connection, or None when nothing listens."""


@dataclass(frozen=True)
class Host:
    ip: str
    node: str | None
    """The node the address lives on; None for the docker network's gateway (the host)."""
    pod: dict | None


def pod_ip(pod: dict) -> str | None:
    return (pod.get("status") or {}).get("podIP") or None


def is_running(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running"


def node_ip(node: dict) -> str | None:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return address.get("address")
    return None


def gateway_ip(address: str) -> str:
    """minikube's docker network gateway (the host, `host.minikube.internal`): the .1 of the
    node's /24 (pkg/drivers/kic/oci/network_create.go)."""
    network = ipaddress.ip_network(f"{address}/24", strict=False)
    return str(network.network_address + 1)


class Network:
    def __init__(self, view: ClusterView, listener: Listener):
        self._view = view
        self._listener = listener
        self._serving: set[asyncio.Task] = set()  # the loop keeps only weak references to tasks

    # ------------------------------------------------------------ addresses

    def host(self, ip: str) -> Host | None:
        for node in self._view.nodes():
            if node_ip(node) == ip:
                return Host(ip, node["metadata"]["name"], None)
        for pod in self._view.pods():
            if is_running(pod) and pod_ip(pod) == ip and not _host_network(pod):
                return Host(ip, pod["spec"].get("nodeName"), pod)
        if ip in self._gateways():
            return Host(ip, None, None)
        return None

    def service_with_cluster_ip(self, ip: str) -> dict | None:
        for service in self._view.services():
            if ip in _cluster_ips(service):
                return service
        return None

    def _gateways(self) -> set[str]:
        return {gateway_ip(address) for node in self._view.nodes() if (address := node_ip(node))}

    def source_node(self, pod: dict) -> str | None:
        return pod["spec"].get("nodeName")

    # ------------------------------------------------------------ ICMP

    def ping_ttl(self, source: dict, ip: str) -> int | None:
        """The TTL of an echo reply from `ip`, or None when no reply comes back
        (no such host, a ClusterIP: iptables kube-proxy answers no ICMP, or dropped)."""
        if ip.startswith("127.") or ip == pod_ip(source):
            return 64
        target = self.host(ip)
        if target is None:
            return None
        here = self.source_node(source)
        if target.node is None:
            return 63
        if target.node == here:
            return 64 if target.pod is None else 63
        if not self.crosses(here, target.node):
            return None
        return 63 if target.pod is None else 62

    def crosses(self, from_node: str | None, to_node: str | None) -> bool:
        """Whether packets pass between two nodes (the cross-node-drop fault drops them)."""
        return from_node == to_node or CROSS_NODE_DROP not in self._view.faults

    # ------------------------------------------------------------ TCP

    async def connect(self, source: dict, ip: str, port: int) -> PipeEnd:
        """Open a TCP connection from a pod. Raises ConnectionRefusedError (RST, or kube-proxy's
        REJECT of a service without endpoints) or TimeoutError (nothing answers: the caller
        decides how long it waited)."""
        target_pod, target_port, target_node = self.destination(source, ip, port)
        if not self.crosses(self.source_node(source), target_node):
            raise TimeoutError(ip)
        return await self.connect_local(target_pod, target_port, ip)

    async def connect_local(self, pod: dict | None, port: int, ip: str = "127.0.0.1") -> PipeEnd:
        """Connect inside a pod's network namespace (what the kubelet's port-forward does)."""
        server = self._listener(pod, port) if pod is not None else None
        if server is None:
            raise ConnectionRefusedError(ip)
        client_end, server_end = pipe()
        task = asyncio.ensure_future(server(server_end))
        self._serving.add(task)
        task.add_done_callback(self._serving.discard)
        return client_end

    def destination(self, source: dict, ip: str, port: int) -> tuple[dict | None, int, str | None]:
        if ip.startswith("127.") or ip == pod_ip(source):
            return source, port, self.source_node(source)
        service = self.service_with_cluster_ip(ip)
        if service is not None:
            return self._service_backend(service, lambda p: p.get("port") == port, ip)
        target = self.host(ip)
        if target is None:
            raise TimeoutError(ip)
        if target.pod is None and target.node is not None:
            for service in self._view.services():
                node_ports = {p.get("nodePort") for p in service["spec"].get("ports") or []}
                if port in node_ports:
                    return self._service_backend(service, lambda p: p.get("nodePort") == port, ip)
        return target.pod, port, target.node

    def _service_backend(self, service: dict, matches: Callable[[dict], bool],
                         ip: str) -> tuple[dict, int, str | None]:
        """kube-proxy: DNAT to a random ready endpoint; no rule for an unknown port (timeout);
        REJECT when the service has no ready endpoints (refused)."""
        ports = [p for p in service["spec"].get("ports") or [] if matches(p)]
        if not ports:
            raise TimeoutError(ip)
        backends = self._ready_endpoints(service, ports[0].get("name"))
        if not backends:
            raise ConnectionRefusedError(ip)
        address, target_port = random.choice(backends)
        target = self.host(address)
        if target is None:
            raise TimeoutError(ip)
        return target.pod, target_port, target.node

    def _ready_endpoints(self, service: dict, port_name: str | None) -> list[tuple[str, int]]:
        meta = service["metadata"]
        backends = []
        for endpoints in self._view.endpoints():
            if (endpoints["metadata"]["name"], endpoints["metadata"].get("namespace")) != (
                    meta["name"], meta.get("namespace")):
                continue
            for subset in endpoints.get("subsets") or []:
                numbers = [p["port"] for p in subset.get("ports") or []
                           if (p.get("name") or "") == (port_name or "")]
                for address in subset.get("addresses") or []:
                    backends += [(address["ip"], number) for number in numbers[:1]]
        return backends


def _host_network(pod: dict) -> bool:
    return bool(pod["spec"].get("hostNetwork"))


def _cluster_ips(service: dict) -> list[str]:
    spec = service.get("spec") or {}
    ips = spec.get("clusterIPs") or [spec.get("clusterIP")]
    return [ip for ip in ips if ip and ip != "None"]
