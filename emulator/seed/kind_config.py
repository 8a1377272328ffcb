"""What `kind create cluster --config FILE --name NAME` makes of a kind config (docs/platform.md §9.2, §9.3).

kind v0.31.0 reads `kind.x-k8s.io/v1alpha4` `Cluster` strictly (`pkg/internal/apis/config/encoding/load.go`:
unknown fields are an error), defaults it (`pkg/apis/config/v1alpha4/default.go`: podSubnet 10.244.0.0/16,
serviceSubnet 10.96.0.0/16, kube-proxy iptables, one control-plane node), names the nodes
`<cluster>-<role>[N]` (`pkg/cluster/internal/providers/common/namer.go`), and renders kubeadm's v1beta3
documents (`pkg/cluster/internal/kubeadm/config.go`) before applying the config's `kubeadmConfigPatches`
(cluster-wide, then the node's own) as RFC 7386 merge patches to every document whose kind (and apiVersion,
when the patch names one) matches (`pkg/internal/patch`). kubeadm then registers a control-plane node with
`nodeRegistration.taints`, or with the control-plane taint when that field is unset (kubeadm v1beta3
`NodeRegistrationOptions.Taints`), and kind takes that taint off again only for a single-node cluster
(`pkg/cluster/internal/create/actions/kubeadminit/init.go`).

Only what the emulated cluster depends on is read; a field it does not imitate is refused by name, not
silently dropped. `flavor()` turns the result into the emulated cluster's shape (`emulator.base.flavor`):
nodes on the docker network `kind` (172.18.0.2, .3, ... in config order), podCIDRs the controller manager's
/24s of the pod subnet in registration order, kubeadm-config's ClusterConfiguration as kubeadm 1.35 uploads it.
"""
from __future__ import annotations

import copy
import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..apiserver.patch import merge_patch
from ..base.cluster import NodeSpec
from ..base.flavor import CONTAINERD_NETWORK_NOT_READY, KIND, Flavor

API_VERSION = "kind.x-k8s.io/v1alpha4"
DEFAULT_NAME = "kind"
DEFAULT_POD_SUBNET = "10.244.0.0/16"
DEFAULT_SERVICE_SUBNET = "10.96.0.0/16"
NODE_IMAGE = "kindest/node:v1.35.0@sha256:452d707d4862f52530247495d180205e029056831160e22870e37e3f6c1ac31f"
KUBERNETES_VERSION = "v1.35.0"
CONTAINERD_VERSION = "containerd://2.2.0"
NODE_NETWORK = "172.18.0.0/16"
# What the node image holds (kind `pkg/build/nodeimage`: kubeadm's images, kindnetd, the storage provisioner).
PRELOADED_IMAGES = tuple(f"registry.k8s.io/{name}:{KUBERNETES_VERSION}" for name in (
    "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kube-proxy")) + (
    "registry.k8s.io/etcd:3.6.6-0", "registry.k8s.io/coredns/coredns:v1.13.1", "registry.k8s.io/pause:3.10.1",
    "docker.io/kindest/kindnetd:v20251212-v0.29.0-alpha-105-g20ccfc88",
    "docker.io/kindest/local-path-provisioner:v20251212-v0.29.0-alpha-105-g20ccfc88",
    "docker.io/kindest/local-path-helper:v20251211-v0.29.0-alpha-100-g82a92c5d")
CONTROL_PLANE_LABELS = {"node-role.kubernetes.io/control-plane": ""}
CONTROL_PLANE, WORKER = "control-plane", "worker"
CONTROL_PLANE_TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
EXCLUDE_FROM_LB = "node.kubernetes.io/exclude-from-external-load-balancers"
# pkg/internal/apis/config/validate.go: clusterNameRegex
_CLUSTER_NAME = re.compile(r"^[a-z0-9.-]+$")

# Fields of v1alpha4 the emulator reads; any other known kind field is refused as not imitated.
_CLUSTER_FIELDS = {"kind", "apiVersion", "name", "nodes", "networking", "kubeadmConfigPatches"}
_NODE_FIELDS = {"role", "image", "labels", "kubeadmConfigPatches"}
_NETWORKING_FIELDS = {"disableDefaultCNI", "podSubnet", "serviceSubnet", "kubeProxyMode", "ipFamily",
                      "apiServerAddress", "apiServerPort"}


class KindConfigError(ValueError):
    """One line, as kind would end `kind create cluster` with it."""


@dataclass(frozen=True)
class KindNode:
    name: str
    role: str
    labels: dict[str, str] = field(default_factory=dict)
    taints: tuple[dict[str, str], ...] = ()

    @property
    def control_plane(self) -> bool:
        return self.role == CONTROL_PLANE


@dataclass(frozen=True)
class KindCluster:
    name: str
    nodes: tuple[KindNode, ...]
    pod_subnet: str = DEFAULT_POD_SUBNET
    service_subnet: str = DEFAULT_SERVICE_SUBNET
    disable_default_cni: bool = False
    kube_proxy_mode: str = "iptables"
    cluster_configuration: dict[str, Any] = field(default_factory=dict)

    @property
    def context(self) -> str:
        """kubeconfig cluster, context and user name (kind `pkg/cluster/internal/kubeconfig/internal/kubeconfig`)."""
        return f"kind-{self.name}"

    def flavor(self) -> Flavor:
        node_ips = ipaddress.ip_network(NODE_NETWORK)
        node_cidrs = ipaddress.ip_network(self.pod_subnet).subnets(new_prefix=24)
        specs = tuple(NodeSpec(node.name, index, str(node_ips[index + 2]), str(next(node_cidrs)),
                               control_plane=node.control_plane,
                               taints=tuple((t["key"], t["effect"]) for t in node.taints),
                               labels=tuple(sorted(self._labels(node).items())))
                      for index, node in enumerate(self.nodes))
        return Flavor(KIND, self.name, specs, KUBERNETES_VERSION, self.pod_subnet, self.service_subnet, NODE_NETWORK,
                      6443, "containerd", CONTAINERD_VERSION, CONTAINERD_NETWORK_NOT_READY, cni_installed=False,
                      kubeconfig_name=self.context, preloaded_images=PRELOADED_IMAGES,
                      cluster_configuration=uploaded_configuration(self.cluster_configuration))

    def _labels(self, node: KindNode) -> dict[str, str]:
        """kubeadm labels the control plane; kind drops the load-balancer exclusion on a one-node cluster."""
        labels = dict(CONTROL_PLANE_LABELS) if node.control_plane else {}
        if node.control_plane and len(self.nodes) > 1:
            labels[EXCLUDE_FROM_LB] = ""
        return {**labels, **node.labels}


def parse(text: str | None, name: str | None = None) -> KindCluster:
    """The cluster `kind create cluster [--config] [--name]` would make; `--name` wins over the config's."""
    raw = _load(text)
    _refuse_unknown(raw, _CLUSTER_FIELDS, "")
    networking = raw.get("networking") or {}
    _refuse_unknown(networking, _NETWORKING_FIELDS, "networking.")
    cluster_name = name or raw.get("name") or DEFAULT_NAME
    if not _CLUSTER_NAME.match(cluster_name):
        raise KindConfigError(f"'{cluster_name}' is not a valid cluster name, cluster names must match "
                              f"`{_CLUSTER_NAME.pattern}`")
    pod_subnet = _ipv4_subnet(networking.get("podSubnet") or DEFAULT_POD_SUBNET, "pod")
    service_subnet = _ipv4_subnet(networking.get("serviceSubnet") or DEFAULT_SERVICE_SUBNET, "service")
    if not networking.get("disableDefaultCNI"):
        raise KindConfigError("networking.disableDefaultCNI is not true: the emulated kind cluster does not imitate "
                              "kindnet, kind's default CNI; set `disableDefaultCNI: true` and apply a CNI")
    if networking.get("ipFamily", "ipv4") != "ipv4":
        raise KindConfigError(f"networking.ipFamily {networking['ipFamily']}: the emulated kind cluster is IPv4 only")
    proxy_mode = networking.get("kubeProxyMode") or "iptables"
    if proxy_mode not in ("iptables", "ipvs", "nftables", "none"):
        raise KindConfigError(f"invalid kubeProxyMode: {proxy_mode}")
    specs = raw.get("nodes") or [{"role": CONTROL_PLANE}]
    for spec in specs:
        _refuse_unknown(spec, _NODE_FIELDS, "nodes[].")
    nodes = _nodes(cluster_name, specs, raw.get("kubeadmConfigPatches") or [])
    control_plane = next(spec for spec in specs if spec.get("role") == CONTROL_PLANE)
    cluster_patches = [*_patches(raw.get("kubeadmConfigPatches") or []),
                       *_patches(control_plane.get("kubeadmConfigPatches") or [])]
    configuration = _patched(_cluster_configuration(cluster_name, pod_subnet, service_subnet), cluster_patches)
    return KindCluster(cluster_name, nodes, pod_subnet, service_subnet, bool(networking.get("disableDefaultCNI")),
                       proxy_mode, configuration)


def _load(text: str | None) -> dict[str, Any]:
    if not text:
        return {"kind": "Cluster", "apiVersion": API_VERSION}
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise KindConfigError(f"could not determine kind / apiVersion for config: {error}") from None
    if not isinstance(raw, dict):
        raise KindConfigError("could not determine kind / apiVersion for config: not a mapping")
    if raw.get("apiVersion") != API_VERSION:
        raise KindConfigError(f"unknown apiVersion: {raw.get('apiVersion')}")
    if raw.get("kind") != "Cluster":
        raise KindConfigError(f"unknown kind {raw.get('kind')} for apiVersion: {API_VERSION}")
    return raw


def _refuse_unknown(obj: dict[str, Any], known: set[str], prefix: str) -> None:
    extra = sorted(set(obj) - known)
    if extra:
        raise KindConfigError(f"unable to decode config: field {prefix}{extra[0]} is not imitated by the emulated "
                              f"kind cluster (it reads {', '.join(prefix + k for k in sorted(known))})")


def _ipv4_subnet(value: str, what: str) -> str:
    try:
        network = ipaddress.ip_network(value)
    except ValueError as error:
        raise KindConfigError(f"invalid {what} subnet {error}") from None
    if network.version != 4:
        raise KindConfigError(f"invalid {what} subnet expected IPv4 CIDR for IPv4 family")
    return str(network)


def _patches(raw: list[str]) -> list[dict[str, Any]]:
    """Each patch string may hold several YAML documents; each is one merge patch."""
    patches = []
    for text in raw:
        try:
            patches += [p for p in yaml.safe_load_all(text) if p]
        except yaml.YAMLError as error:
            raise KindConfigError(f"failed to parse patches: {error}") from None
    return patches


def _matches(document: dict[str, Any], patch: dict[str, Any]) -> bool:
    return patch.get("kind") == document.get("kind") and \
        (not patch.get("apiVersion") or patch["apiVersion"] == document.get("apiVersion"))


def _patched(document: dict[str, Any], patches: list[dict[str, Any]]) -> dict[str, Any]:
    for patch in patches:
        if _matches(document, patch):
            document = merge_patch(document, patch)
    return document


def _nodes(cluster: str, specs: list[dict[str, Any]], cluster_patches: list[str]) -> tuple[KindNode, ...]:
    roles = [spec.get("role") or CONTROL_PLANE for spec in specs]
    for role in roles:
        if role not in (CONTROL_PLANE, WORKER):
            raise KindConfigError(f'invalid configuration for node: "{role}" is not a valid node role')
    if roles.count(CONTROL_PLANE) != 1:
        raise KindConfigError("the emulated kind cluster has exactly one control-plane node "
                              f"({roles.count(CONTROL_PLANE)} given)")
    for spec in specs:
        image = NODE_IMAGE.split("@")[0]
        if spec.get("image") and spec["image"].split("@")[0] != image:
            raise KindConfigError(f"node image {spec['image']}: the emulated kind cluster runs {image}")
    counts: dict[str, int] = {}
    nodes = []
    for spec, role in zip(specs, roles, strict=True):
        counts[role] = counts.get(role, 0) + 1
        name = f"{cluster}-{role}{counts[role] if counts[role] > 1 else ''}"
        registration = _registration(role, _patches(cluster_patches) + _patches(spec.get("kubeadmConfigPatches") or []))
        labels = {str(k): str(v) for k, v in (spec.get("labels") or {}).items()}
        nodes.append(KindNode(name, role, labels, registration))
    if len(nodes) == 1:                     # kubeadminit: single node -> untaint
        nodes = [KindNode(nodes[0].name, nodes[0].role, nodes[0].labels,
                          tuple(t for t in nodes[0].taints if t.get("key") != CONTROL_PLANE_TAINT["key"]))]
    return tuple(nodes)


def _registration(role: str, patches: list[dict[str, Any]]) -> tuple[dict[str, str], ...]:
    """The taints kubeadm registers the node with: init for the control plane, join for a worker."""
    kind = "InitConfiguration" if role == CONTROL_PLANE else "JoinConfiguration"
    document = _patched({"apiVersion": "kubeadm.k8s.io/v1beta3", "kind": kind, "nodeRegistration": {}}, patches)
    taints = (document.get("nodeRegistration") or {}).get("taints")
    if taints is None:
        return (dict(CONTROL_PLANE_TAINT),) if role == CONTROL_PLANE else ()
    return tuple(copy.deepcopy(t) for t in taints)


def _cluster_configuration(cluster: str, pod_subnet: str, service_subnet: str) -> dict[str, Any]:
    """kind's v1beta3 ClusterConfiguration (ConfigTemplateBetaV3), before patches."""
    return {"apiVersion": "kubeadm.k8s.io/v1beta3", "kind": "ClusterConfiguration", "kubernetesVersion": "v1.35.0",
            "clusterName": cluster, "controlPlaneEndpoint": f"{cluster}-control-plane:6443",
            "apiServer": {"certSANs": ["localhost", "127.0.0.1"], "extraArgs": {"runtime-config": ""}},
            "controllerManager": {"extraArgs": {"enable-hostpath-provisioner": "true"}},
            "scheduler": {"extraArgs": {}},
            "networking": {"podSubnet": pod_subnet, "serviceSubnet": service_subnet}}


def uploaded_configuration(configuration: dict[str, Any]) -> str:
    """kubeadm-config's ClusterConfiguration: kubeadm 1.35 defaults kind's v1beta3 document and uploads it as
    v1beta4 (`cmd/kubeadm/app/phases/uploadconfig/uploadconfig.go`), extraArgs as name/value lists."""
    def args(component: dict[str, Any]) -> dict[str, Any]:
        extra = component.get("extraArgs") or {}
        listed = [{"name": k, "value": str(v)} for k, v in sorted(extra.items())]
        return {**{k: v for k, v in component.items() if k != "extraArgs"}, **({"extraArgs": listed} if listed else {})}

    document = {
        "apiServer": args(configuration.get("apiServer") or {}), "apiVersion": "kubeadm.k8s.io/v1beta4",
        "caCertificateValidityPeriod": "87600h0m0s", "certificateValidityPeriod": "8760h0m0s",
        "certificatesDir": "/etc/kubernetes/pki", "clusterName": configuration["clusterName"],
        "controlPlaneEndpoint": configuration["controlPlaneEndpoint"],
        "controllerManager": args(configuration.get("controllerManager") or {}), "dns": {},
        "encryptionAlgorithm": "RSA-2048", "etcd": {"local": {"dataDir": "/var/lib/etcd"}},
        "imageRepository": "registry.k8s.io", "kind": "ClusterConfiguration",
        "kubernetesVersion": configuration["kubernetesVersion"],
        "networking": {"dnsDomain": "cluster.local", **configuration.get("networking", {})},
        "proxy": {}, "scheduler": args(configuration.get("scheduler") or {})}
    return yaml.safe_dump(document, sort_keys=True)
