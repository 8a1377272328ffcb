"""CoreDNS as minikube configures it: kubeadm's Corefile plus minikube's `hosts` block.

    kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure; fallthrough in-addr.arpa ip6.arpa }
    hosts { <gateway> host.minikube.internal; fallthrough }

Sources: docs/platform.md §3 (kubeadm `cmd/kubeadm/app/phases/addons/dns/manifests.go`,
coredns `plugin/kubernetes/README.md`), 1.5 (minikube's hosts block). The emulated cluster has
no upstream resolver, so names outside these zones get SERVFAIL (as an offline `forward` does).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ..base.faults import DNS_BROKEN
from .cluster_view import ClusterView
from .network import gateway_ip, node_ip

CLUSTER_DOMAIN = "cluster.local"

NOERROR, SERVFAIL, NXDOMAIN = 0, 2, 3
RCODE_NAMES = {NOERROR: "NOERROR", SERVFAIL: "SERVFAIL", NXDOMAIN: "NXDOMAIN"}


@dataclass(frozen=True)
class Answer:
    rcode: int
    records: list[tuple[str, str]] = field(default_factory=list)
    """(owner name, value): an IPv4 address for A, a domain name for PTR."""

    @property
    def addresses(self) -> list[str]:
        return [value for _, value in self.records]


def nxdomain() -> Answer:
    return Answer(NXDOMAIN)


class CoreDNS:
    def __init__(self, view: ClusterView):
        self._view = view

    def query(self, qname: str, qtype: str) -> Answer:
        name = qname.rstrip(".").lower()
        if qtype == "PTR":
            return self._reverse(name)
        if name == "host.minikube.internal":
            return self._typed(name, qtype, self._gateway())
        if name == CLUSTER_DOMAIN or name.endswith("." + CLUSTER_DOMAIN):
            labels = name[: -len(CLUSTER_DOMAIN)].rstrip(".").split(".")
            return self._cluster(name, qtype, labels)
        return Answer(SERVFAIL)

    # ------------------------------------------------------------ forward zone

    def _cluster(self, name: str, qtype: str, labels: list[str]) -> Answer:
        kind = labels[-1] if labels and labels != [""] else ""
        if kind == "pod" and len(labels) == 3:
            return self._pod(name, qtype, labels[0], labels[1])
        if kind == "svc" and len(labels) == 2 and self._namespace_exists(labels[0]):
            return Answer(NOERROR)
        if kind == "svc" and len(labels) == 3:
            return self._typed(name, qtype, self._service_addresses(labels[0], labels[1]))
        if kind == "svc" and len(labels) == 4:
            if DNS_BROKEN in self._view.faults:
                return nxdomain()
            return self._typed(name, qtype, self._endpoint_addresses(labels[0], labels[1], labels[2]))
        return nxdomain()

    def _pod(self, name: str, qtype: str, dashed: str, namespace: str) -> Answer:
        """`pods insecure`: any dashed IPv4 in an existing namespace gets an A record, without
        checking that a pod has it (coredns plugin/kubernetes findPods). The dns-broken fault
        is CoreDNS with `pods disabled`."""
        if DNS_BROKEN in self._view.faults or not self._namespace_exists(namespace):
            return nxdomain()
        try:
            address = str(ipaddress.IPv4Address(dashed.replace("-", ".")))
        except ValueError:
            return nxdomain()
        return self._typed(name, qtype, [address])

    def _service_addresses(self, service_name: str, namespace: str) -> list[str] | None:
        service = self._service(service_name, namespace)
        if service is None or service["spec"].get("type") == "ExternalName":
            return None
        cluster_ip = service["spec"].get("clusterIP")
        if cluster_ip and cluster_ip != "None":
            return [cluster_ip]
        return [ip for ip, _ in self._endpoint_names(service)]

    def _endpoint_addresses(self, endpoint: str, service_name: str, namespace: str) -> list[str] | None:
        service = self._service(service_name, namespace)
        if service is None:
            return None
        found = [ip for ip, hostname in self._endpoint_names(service) if hostname == endpoint]
        return found or None

    @staticmethod
    def _typed(name: str, qtype: str, addresses: list[str] | None) -> Answer:
        """An existing name answers NOERROR; only A queries carry the IPv4 records."""
        if addresses is None:
            return nxdomain()
        return Answer(NOERROR, [(name, a) for a in addresses] if qtype == "A" else [])

    # ------------------------------------------------------------ reverse zone

    def _reverse(self, name: str) -> Answer:
        suffix = ".in-addr.arpa"
        if not name.endswith(suffix):
            return nxdomain()
        octets = name[: -len(suffix)].split(".")
        address = ".".join(reversed(octets))
        for service in self._view.services():
            meta = service["metadata"]
            service_fqdn = f"{meta['name']}.{meta.get('namespace')}.svc.{CLUSTER_DOMAIN}"
            if address == service["spec"].get("clusterIP"):
                return Answer(NOERROR, [(name, service_fqdn)])
            for ip, hostname in self._endpoint_names(service):
                if ip == address:
                    return Answer(NOERROR, [(name, f"{hostname}.{service_fqdn}")])
        # fallthrough in-addr.arpa: the upstream knows no private addresses
        return nxdomain()

    # ------------------------------------------------------------ lookups

    def _endpoint_names(self, service: dict) -> list[tuple[str, str]]:
        """(ip, hostname) of the service's ready endpoints. CoreDNS endpointHostname: the
        address's hostname (the endpoints controller sets it for a pod whose spec.subdomain is
        the service and that has spec.hostname), else the IP with dots as dashes."""
        meta = service["metadata"]
        names = []
        for endpoints in self._view.endpoints():
            if (endpoints["metadata"]["name"], endpoints["metadata"].get("namespace")) != (
                    meta["name"], meta.get("namespace")):
                continue
            for subset in endpoints.get("subsets") or []:
                for address in subset.get("addresses") or []:
                    hostname = address.get("hostname") or self._pod_hostname(address, meta["name"])
                    names.append((address["ip"], hostname or address["ip"].replace(".", "-")))
        return names

    def _pod_hostname(self, address: dict, service_name: str) -> str | None:
        ref = address.get("targetRef") or {}
        for pod in self._view.pods():
            meta, spec = pod["metadata"], pod["spec"]
            if (meta["name"], meta.get("namespace")) == (ref.get("name"), ref.get("namespace")):
                if spec.get("hostname") and spec.get("subdomain") == service_name:
                    return spec["hostname"]
        return None

    def _service(self, name: str, namespace: str) -> dict | None:
        for service in self._view.services():
            if (service["metadata"]["name"], service["metadata"].get("namespace")) == (name, namespace):
                return service
        return None

    def _namespace_exists(self, namespace: str) -> bool:
        return any(ns["metadata"]["name"] == namespace for ns in self._view.namespaces())

    def _gateway(self) -> list[str] | None:
        for node in self._view.nodes():
            if address := node_ip(node):
                return [gateway_ip(address)]
        return None
