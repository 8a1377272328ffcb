"""The `default` objects Calico writes into its datastore when it starts (docs/platform.md §1.4, §9.6).

calico-node (`node/pkg/lifecycle/startup/startup.go` ensureDefaultConfig and libcalico-go EnsureInitialized):
ClusterInformation `default` (calicoVersion, a cluster GUID, clusterType CLUSTER_TYPE plus `,kubeadm` when
kube-system/kubeadm-config exists plus `,kdd`, datastoreReady) and FelixConfiguration `default`;
calico-kube-controllers: KubeControllersConfiguration `default`. Values as a v3.31.3 cluster shows them.
"""
from __future__ import annotations

from typing import Any

from ..base.cluster import CALICO_VERSION

GROUP = "crd.projectcalico.org"
CLUSTER_INFORMATIONS, FELIX_CONFIGURATIONS, KUBE_CONTROLLERS_CONFIGURATIONS = (
    f"{plural}.{GROUP}" for plural in ("clusterinformations", "felixconfigurations", "kubecontrollersconfigurations"))


def cluster_information(guid: str, kubeadm: bool = True) -> dict[str, Any]:
    cluster_type = "k8s,bgp" + (",kubeadm" if kubeadm else "") + ",kdd"
    return {"metadata": {"name": "default"}, "spec": {
        "calicoVersion": CALICO_VERSION, "clusterGUID": guid, "clusterType": cluster_type, "datastoreReady": True}}


def felix_configuration() -> dict[str, Any]:
    return {"metadata": {"name": "default"}, "spec": {
        "bpfConnectTimeLoadBalancing": "TCP", "bpfHostNetworkedNATWithoutCTLB": "Enabled",
        "bpfLogLevel": "", "floatingIPs": "Disabled", "healthPort": 9099, "logSeverityScreen": "Info",
        "reportingInterval": "0s"}}


def kube_controllers_configuration() -> dict[str, Any]:
    return {"metadata": {"name": "default"}, "spec": {
        "controllers": {"loadBalancer": {"assignIPs": "AllServices"},
                        "node": {"leakGracePeriod": "15m0s", "reconcilerPeriod": "5m0s", "syncLabels": "Enabled"}},
        "etcdV3CompactionPeriod": "10m0s", "healthChecks": "Enabled", "logSeverityScreen": "Info"}}
