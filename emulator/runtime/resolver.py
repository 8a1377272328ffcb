"""A pod's name resolution: its /etc/resolv.conf and /etc/hosts as the kubelet writes them, DNS
queries carried over the network model to CoreDNS, and musl's getaddrinfo search order
(node:14-alpine is musl-based)."""
from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import dataclass

from .coredns import CLUSTER_DOMAIN, NOERROR, NXDOMAIN, SERVFAIL, Answer, CoreDNS
from .network import Network, gateway_ip, node_ip, pod_ip

# minikube's kubelet config: clusterDNS [10.96.0.10] (the kube-dns Service's fixed ClusterIP)
CLUSTER_DNS = "10.96.0.10"
# musl and BusyBox nslookup both wait 5 s in all for an answer (musl res_msend, nslookup.c)
DNS_TIMEOUT_SECONDS = 5.0


@dataclass(frozen=True)
class ResolvConf:
    nameservers: list[str]
    search: list[str]
    ndots: int

    def text(self) -> str:
        lines = [f"nameserver {ns}" for ns in self.nameservers]
        if self.search:
            lines.append("search " + " ".join(self.search))
        lines.append(f"options ndots:{self.ndots}")
        return "\n".join(lines) + "\n"


def resolv_conf(pod: dict, nodes: list[dict]) -> ResolvConf:
    """kubelet pkg/kubelet/network/dns/dns.go GetPodDNS: ClusterFirst (the default) uses the
    cluster DNS unless the pod is on the host network (then Default, the node's resolver)."""
    spec = pod["spec"]
    policy = spec.get("dnsPolicy") or "ClusterFirst"
    host_network = bool(spec.get("hostNetwork"))
    if policy == "ClusterFirstWithHostNet" or (policy == "ClusterFirst" and not host_network):
        namespace = pod["metadata"].get("namespace", "default")
        conf = ResolvConf([CLUSTER_DNS],
                          [f"{namespace}.svc.{CLUSTER_DOMAIN}", f"svc.{CLUSTER_DOMAIN}", CLUSTER_DOMAIN], 5)
    elif policy == "None":
        conf = ResolvConf([], [], 1)
    else:
        conf = ResolvConf(_node_nameservers(nodes), [], 1)
    return _with_dns_config(conf, spec.get("dnsConfig") or {})


def _node_nameservers(nodes: list[dict]) -> list[str]:
    """A minikube (docker driver) node resolves through the docker network's gateway."""
    return [gateway_ip(address) for node in nodes[:1] if (address := node_ip(node))]


def _with_dns_config(conf: ResolvConf, dns_config: dict) -> ResolvConf:
    ndots = conf.ndots
    for option in dns_config.get("options") or []:
        if option.get("name") == "ndots" and str(option.get("value", "")).isdigit():
            ndots = int(option["value"])
    return ResolvConf(conf.nameservers + list(dns_config.get("nameservers") or []),
                      conf.search + list(dns_config.get("searches") or []), ndots)


def hosts_file(pod: dict) -> str:
    """kubelet pkg/kubelet/kubelet_pods.go managedHostsFileContent."""
    lines = ["# Kubernetes-managed hosts file.", "127.0.0.1\tlocalhost",
             "::1\tlocalhost ip6-localhost ip6-loopback", "fe00::0\tip6-localnet",
             "fe00::0\tip6-mcastprefix", "fe00::1\tip6-allnodes", "fe00::2\tip6-allrouters"]
    if address := pod_ip(pod):
        lines.append(f"{address}\t{pod_hostname(pod)}")
    aliases = pod["spec"].get("hostAliases") or []
    if aliases:
        lines.append("\n# Entries added by HostAliases.")
    lines += [alias["ip"] + "\t" + "\t".join(alias.get("hostnames") or []) for alias in aliases]
    return "\n".join(lines) + "\n"


def pod_hostname(pod: dict) -> str:
    """The container's hostname: spec.hostname, else the pod name (kubelet GeneratePodHostNameAndDomain)."""
    return pod["spec"].get("hostname") or pod["metadata"]["name"][:63]


class NameNotFound(Exception):
    """getaddrinfo failed: EAI_NONAME (temporary=False) or EAI_AGAIN (temporary=True)."""

    def __init__(self, name: str, temporary: bool):
        super().__init__(name)
        self.temporary = temporary


class StubResolver:
    def __init__(self, network: Network, coredns: CoreDNS, time_scale: float):
        self._network = network
        self._coredns = coredns
        self._time_scale = time_scale

    async def exchange(self, source: dict, server: str, qname: str, qtype: str) -> Answer | None:
        """One query to `server` port 53 from the pod; None after the timeout when no answer comes
        (no route to CoreDNS, packets dropped, or kube-proxy's REJECT: both clients just wait)."""
        try:
            target, _, node = self._network.destination(source, server, 53)
        except (TimeoutError, ConnectionRefusedError):
            target, node = None, None
        reachable = target is not None and self._network.crosses(self._network.source_node(source), node)
        if not reachable:
            await asyncio.sleep(DNS_TIMEOUT_SECONDS * self._time_scale)
            return None
        if _is_coredns(target):
            return self._coredns.query(qname, qtype)
        return Answer(SERVFAIL)

    async def getaddrinfo(self, source: dict, name: str, conf: ResolvConf) -> str:
        """musl src/network/lookup_name.c: numeric, then /etc/hosts, then DNS; a name with fewer
        dots than ndots and no trailing dot tries the search domains first; NXDOMAIN and NODATA
        move on, SERVFAIL or a timeout stop with EAI_AGAIN. The first IPv4 address wins."""
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError:
            pass
        for line in hosts_file(source).splitlines():
            fields = line.split("#")[0].split()
            if len(fields) > 1 and name.lower() in (f.lower() for f in fields[1:]) and ":" not in fields[0]:
                return fields[0]
        bare = name.rstrip(".")
        searching = not name.endswith(".") and bare.count(".") < conf.ndots
        candidates = [f"{bare}.{domain}" for domain in conf.search] if searching else []
        for candidate in candidates + [bare]:
            answer = await self._first_answer(source, conf, candidate)
            if answer is None or answer.rcode not in (NOERROR, NXDOMAIN):
                raise NameNotFound(name, temporary=True)
            if answer.addresses:
                return answer.addresses[0]
        raise NameNotFound(name, temporary=False)

    async def _first_answer(self, source: dict, conf: ResolvConf, qname: str) -> Answer | None:
        for server in conf.nameservers[:3]:
            answer = await self.exchange(source, server, qname, "A")
            if answer is not None:
                return answer
        return None


def _is_coredns(pod: dict | None) -> bool:
    return bool(pod) and (pod["metadata"].get("labels") or {}).get("k8s-app") == "kube-dns"
