"""The objects of a fresh `kind create cluster` with kind's default CNI disabled (docs/platform.md §9.2-§9.5).

kind v0.31.0, kindest/node:v1.35.0: kubeadm init on `<name>-control-plane`, join of the workers, then kind's
default storage manifest (`pkg/build/nodeimage/const_storage.go`); no CNI (`networking.disableDefaultCNI`).
- Nodes NotReady with containerd's "cni plugin not initialized", the not-ready NoSchedule taint (no NoExecute:
  every node is NotReady), the control plane also with kubeadm's taint unless the config removed it.
- kube-system: the control-plane static pods and kube-proxy Running (host network), CoreDNS (kubeadm's 2
  replicas, kubeadm's Corefile) and, in local-path-storage, the local-path-provisioner: Deployments whose
  pods the controllers create and the scheduler cannot place until a node is Ready.
- ConfigMaps kubeadm-config (the uploaded v1beta4 ClusterConfiguration), kubelet-config and kube-proxy with
  kind's values (`pkg/cluster/internal/kubeadm/config.go`), coredns; Services kubernetes (port 6443) and kube-dns.
- No Calico: its CRDs, calico-node and the pools come from the manifest someone applies.
"""
from __future__ import annotations

from typing import Any

from ..apiserver.store import Store
from ..base.cluster import NodeSpec, Timeline
from ..base.flavor import Flavor
from ..base.ids import Ids
from ..controllers.lifecycle import SystemPods
from . import config, nodes, rbac, workloads

LOCAL_PATH = "local-path-storage"
PROVISIONER_IMAGE = "docker.io/kindest/local-path-provisioner:v20251212-v0.29.0-alpha-105-g20ccfc88"
HELPER_IMAGE = "docker.io/kindest/local-path-helper:v20251211-v0.29.0-alpha-100-g82a92c5d"

# kubeadm's Corefile (`cmd/kubeadm/app/phases/addons/dns/manifests.go`), which kind keeps as it is.
COREFILE = """.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
"""

KUBELET_CONFIG = """apiVersion: kubelet.config.k8s.io/v1beta1
cgroupDriver: systemd
cgroupRoot: /kubelet
clusterDNS:
- 10.96.0.10
clusterDomain: cluster.local
evictionHard:
  imagefs.available: 0%
  nodefs.available: 0%
  nodefs.inodesFree: 0%
failSwapOn: false
imageGCHighThresholdPercent: 100
kind: KubeletConfiguration
"""

LOCAL_PATH_CONFIG = """{
        "nodePathMap":[
        {
                "node":"DEFAULT_PATH_FOR_NON_LISTED_NODES",
                "paths":["/var/local-path-provisioner"]
        }
        ]
}"""


class _NoCni:
    """No CNI yet: nothing annotates the nodes."""

    def node_annotations(self, node: NodeSpec) -> dict[str, str]:
        return {}

    def allocate(self, node: str, namespace: str, pod: str, container_id: str, at: float) -> str:
        raise RuntimeError("a fresh kind cluster has no pod network")

    @staticmethod
    def pod_annotations(ip: str, container_id: str) -> dict[str, str]:
        return {}


def _kube_proxy_config(flavor: Flavor) -> str:
    return (f"apiVersion: kubeproxy.config.k8s.io/v1alpha1\nbindAddress: 0.0.0.0\nclusterCIDR: {flavor.pod_subnet}\n"
            "conntrack:\n  maxPerCore: 0\niptables:\n  minSyncPeriod: 1s\nkind: KubeProxyConfiguration\n"
            "mode: iptables\n")


def _control_plane(flavor: Flavor) -> dict[str, dict[str, Any]]:
    node, version = flavor.control_plane, flavor.kubernetes_version

    def image(name: str) -> str:
        return f"registry.k8s.io/{name}:{version}"
    return {
        "etcd": workloads.static_pod("etcd", workloads.ETCD_IMAGE, [
            "etcd", f"--advertise-client-urls=https://{node.ip}:2379", "--data-dir=/var/lib/etcd",
            f"--listen-client-urls=https://127.0.0.1:2379,https://{node.ip}:2379", f"--name={node.name}"], "100m"),
        "kube-apiserver": workloads.static_pod("kube-apiserver", image("kube-apiserver"), [
            "kube-apiserver", f"--advertise-address={node.ip}", f"--secure-port={flavor.api_port}", "--runtime-config=",
            f"--service-cluster-ip-range={flavor.service_subnet}"], "250m", api_port=flavor.api_port),
        "kube-controller-manager": workloads.static_pod("kube-controller-manager", image("kube-controller-manager"), [
            "kube-controller-manager", "--allocate-node-cidrs=true", f"--cluster-cidr={flavor.pod_subnet}",
            "--enable-hostpath-provisioner=true", "--leader-elect=true",
            f"--service-cluster-ip-range={flavor.service_subnet}"], "200m"),
        "kube-scheduler": workloads.static_pod("kube-scheduler", image("kube-scheduler"), [
            "kube-scheduler", "--leader-elect=true"], "100m")}


def _local_path_template() -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "local-path-provisioner"}}, "spec": {
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Equal", "effect": "NoSchedule"},
                        {"key": "node-role.kubernetes.io/master", "operator": "Equal", "effect": "NoSchedule"}],
        "serviceAccountName": "local-path-provisioner-service-account",
        "containers": [{
            "name": "local-path-provisioner", "image": PROVISIONER_IMAGE, "imagePullPolicy": "IfNotPresent",
            "command": ["local-path-provisioner", "--debug", "start", "--helper-image", HELPER_IMAGE,
                        "--config", "/etc/config/config.json"],
            "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config/"}],
            "env": [{"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
                    {"name": "CONFIG_MOUNT_PATH", "value": "/etc/config/"}]}],
        "volumes": [{"name": "config-volume", "configMap": {"name": "local-path-config"}}]}}


def _deployment(store: Store, namespace: str, name: str, template: dict[str, Any], at: float,
                **spec: Any) -> None:
    """A Deployment as kubeadm or kubectl apply leaves it: the controllers make its ReplicaSet and pods."""
    labels = dict(template["metadata"]["labels"])
    store.create("deployments.apps", {"metadata": {"name": name, "namespace": namespace, "labels": labels},
                                      "spec": {"selector": {"matchLabels": labels}, "template": template, **spec}},
                 manager="kubeadm" if namespace == "kube-system" else "kubectl-client-side-apply", at=at)


def _optional(store: Store, resource: str, obj: dict[str, Any], at: float) -> None:
    """kind's storage manifest holds RBAC and a StorageClass; they are stored where the API serves them."""
    try:
        store.resource(resource)
    except KeyError:
        return
    store.create(resource, obj, manager="kubectl-client-side-apply", at=at)


def _storage(store: Store, at: float) -> None:
    config.namespaces(store, at, (LOCAL_PATH,))
    store.create("serviceaccounts", {"metadata": {"name": "local-path-provisioner-service-account",
                                                  "namespace": LOCAL_PATH}}, manager="kubectl-client-side-apply", at=at)
    store.create("configmaps", {"metadata": {"name": "local-path-config", "namespace": LOCAL_PATH}, "data": {
        "config.json": LOCAL_PATH_CONFIG,
        "setup": '#!/bin/sh\nset -eu\nmkdir -m 0777 -p "$VOL_DIR"',
        "teardown": '#!/bin/sh\nset -eu\nrm -rf "$VOL_DIR"',
        "helperPod.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: helper-pod\nspec:\n"
                           "  priorityClassName: system-node-critical\n  tolerations:\n"
                           "    - key: node.kubernetes.io/disk-pressure\n      operator: Exists\n"
                           "      effect: NoSchedule\n  containers:\n  - name: helper-pod\n"
                           f"    image: {HELPER_IMAGE}\n    imagePullPolicy: IfNotPresent")}},
                 manager="kubectl-client-side-apply", at=at)
    role = "local-path-provisioner-role"
    subjects = [{"kind": "ServiceAccount", "name": "local-path-provisioner-service-account", "namespace": LOCAL_PATH}]
    _optional(store, "roles.rbac.authorization.k8s.io", {"metadata": {"name": role, "namespace": LOCAL_PATH}, "rules": [
        {"apiGroups": [""], "resources": ["pods"],
         "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]}]}, at)
    _optional(store, "clusterroles.rbac.authorization.k8s.io", {"metadata": {"name": role}, "rules": [
        {"apiGroups": [""], "resources": ["nodes", "persistentvolumeclaims", "configmaps", "pods", "pods/log"],
         "verbs": ["get", "list", "watch"]},
        {"apiGroups": [""], "resources": ["persistentvolumes"],
         "verbs": ["get", "list", "watch", "create", "patch", "update", "delete"]},
        {"apiGroups": [""], "resources": ["events"], "verbs": ["create", "patch"]},
        {"apiGroups": ["storage.k8s.io"], "resources": ["storageclasses"], "verbs": ["get", "list", "watch"]}]}, at)
    _optional(store, "rolebindings.rbac.authorization.k8s.io", {
        "metadata": {"name": "local-path-provisioner-bind", "namespace": LOCAL_PATH},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role}, "subjects": subjects}, at)
    _optional(store, "clusterrolebindings.rbac.authorization.k8s.io", {
        "metadata": {"name": "local-path-provisioner-bind"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
        "subjects": subjects}, at)
    _optional(store, "storageclasses.storage.k8s.io", {
        "metadata": {"name": "standard", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}},
        "provisioner": "rancher.io/local-path", "volumeBindingMode": "WaitForFirstConsumer",
        "reclaimPolicy": "Delete"}, at)
    _deployment(store, LOCAL_PATH, "local-path-provisioner", _local_path_template(), at, replicas=1)


def _system_pods(store: Store, flavor: Flavor, ids: Ids, booted: float) -> None:
    b = workloads.Builder(store, ids, _NoCni(), list(flavor.nodes), booted, runtime=flavor.container_runtime)
    primary = flavor.control_plane
    for account in ("coredns", "kube-proxy"):
        b.create("serviceaccounts", {"metadata": {"name": account}}, booted + 3, manager="kubeadm")
    workloads.static_pods(b, ids, primary.name, _control_plane(flavor), booted)
    proxy = workloads.kube_proxy_template(flavor.kubernetes_version)
    workloads.daemonset(b, "kube-proxy", proxy, {"k8s-app": "kube-proxy"}, booted + 4)
    revision = {"controller-revision-hash": ids.template_hash(), "pod-template-generation": "1"}
    for node in flavor.nodes:
        b.pod(f"kube-proxy-{ids.suffix()}", proxy, node.name, booted + 35 * node.index + 10, True,
              b.owner("daemonsets.apps", "kube-proxy"), revision)
    _deployment(store, "kube-system", "coredns", workloads.coredns_template(), booted + 4, replicas=2, strategy={
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}})
    b.create("services", workloads.kube_dns_service(), booted + 4, "kubeadm")


def build(store: Store, flavor: Flavor, faults: frozenset[str], timeline: Timeline, ids: Ids,
          now: float) -> SystemPods:
    booted = now - timeline.booted_ago
    config.namespaces(store, booted)
    rbac.policy(store, booted)
    nodes.create(store, flavor, faults, ids, _NoCni(), booted)
    config.configmap(store, "kubeadm-config", {"ClusterConfiguration": flavor.cluster_configuration}, booted + 2)
    config.configmap(store, "kubelet-config", {"kubelet": KUBELET_CONFIG}, booted + 2)
    config.configmap(store, "coredns", {"Corefile": COREFILE}, booted + 3)
    config.configmap(store, "kube-proxy", {"config.conf": _kube_proxy_config(flavor), "kubeconfig.conf": (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: "
        f"/var/lib/kube-proxy/ca.crt\n    server: https://{flavor.control_plane.name}:{flavor.api_port}\n"
        "  name: default\n")}, booted + 3, labels={"app": "kube-proxy"})
    config.kubernetes_service(store, flavor.control_plane.ip, flavor.api_port, booted)
    rbac.apiservices(store, booted)
    _system_pods(store, flavor, ids, booted)
    _storage(store, booted + 20)
    return SystemPods()
