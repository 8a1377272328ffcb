"""Namespaces, cluster configuration ConfigMaps, the `kubernetes` Service and default ServiceAccounts.

kubeadm-config: `cmd/kubeadm/app/phases/uploadconfig`; minikube's values from
`pkg/minikube/bootstrapper/bsutil/kubeadm.go` (podSubnet 10.244.0.0/16, serviceSubnet 10.96.0.0/12,
controlPlaneEndpoint control-plane.minikube.internal:8443). coredns Corefile: kubeadm's
(`cmd/kubeadm/app/phases/addons/dns/manifests.go`, `pods insecure`) plus minikube's `log` and
`hosts` blocks (docs/platform.md §1.5, §3).
"""
from __future__ import annotations

from ..apiserver.store import Store
from ..base.cluster import KUBERNETES_VERSION, POD_SUBNET, SERVICE_SUBNET, NodeSpec

NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")

_CA = ("-----BEGIN CERTIFICATE-----\n"
       "MIIDBjCCAe6gAwIBAgIBATANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwptaW5p\n"
       "a3ViZUNBMB4XDTI2MDIxOTAwMDAwMFoXDTM2MDIxNzAwMDAwMFowFTETMBEGA1UE\n"
       "AxMKbWluaWt1YmVDQTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL8=\n"
       "-----END CERTIFICATE-----\n")

COREFILE = """.:53 {
    log
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
    hosts {
       192.168.49.1 host.minikube.internal
       fallthrough
    }
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

# minikube's default --extra-config admission plugins, comma-joined into one kubeadm extraArg.
ADMISSION_PLUGINS = ("NamespaceLifecycle,LimitRanger,ServiceAccount,DefaultStorageClass,DefaultTolerationSeconds,"
                     "NodeRestriction,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ResourceQuota")

CLUSTER_CONFIGURATION = f"""apiServer:
  certSANs:
  - 127.0.0.1
  - localhost
  - 192.168.49.2
  extraArgs:
  - name: enable-admission-plugins
    value: {ADMISSION_PLUGINS}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /var/lib/minikube/certs
clusterName: mk
controlPlaneEndpoint: control-plane.minikube.internal:8443
controllerManager:
  extraArgs:
  - name: allocate-node-cidrs
    value: "true"
  - name: leader-elect
    value: "false"
dns: {{}}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/minikube/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: {KUBERNETES_VERSION}
networking:
  dnsDomain: cluster.local
  podSubnet: {POD_SUBNET}
  serviceSubnet: {SERVICE_SUBNET}
proxy: {{}}
scheduler:
  extraArgs:
  - name: leader-elect
    value: "false"
"""

KUBE_PROXY_CONFIG = f"""apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
clusterCIDR: {POD_SUBNET}
conntrack:
  maxPerCore: 0
  tcpCloseWaitTimeout: 0s
  tcpEstablishedTimeout: 0s
kind: KubeProxyConfiguration
metricsBindAddress: 0.0.0.0:10249
mode: ""
"""

CALICO_CNI_CONFIG = """{
  "name": "k8s-pod-network",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "calico",
      "log_level": "info",
      "log_file_path": "/var/log/calico/cni/cni.log",
      "datastore_type": "kubernetes",
      "nodename": "__KUBERNETES_NODE_NAME__",
      "mtu": __CNI_MTU__,
      "ipam": {
          "type": "calico-ipam"
      },
      "policy": {
          "type": "k8s"
      },
      "kubernetes": {
          "kubeconfig": "__KUBECONFIG_FILEPATH__"
      }
    },
    {
      "type": "portmap",
      "snat": true,
      "capabilities": {"portMappings": true}
    }
  ]
}"""


def namespaces(store: Store, at: float, names: tuple[str, ...] = NAMESPACES) -> None:
    for name in names:
        store.create("namespaces", {"metadata": {"name": name}}, manager="kube-apiserver", at=at)
        store.create("serviceaccounts", {"metadata": {"name": "default", "namespace": name}},
                     manager="kube-controller-manager", at=at + 1)
        store.create("configmaps", {"metadata": {"name": "kube-root-ca.crt", "namespace": name,
                                                 "annotations": {"kubernetes.io/description": (
                                                     "Contains a CA bundle that can be used to verify the "
                                                     "kube-apiserver when using internal endpoints such as "
                                                     "the internal service IP or kubernetes.default.svc. No "
                                                     "other usage is guaranteed across distributions of "
                                                     "Kubernetes clusters.")}},
                                    "data": {"ca.crt": _CA}}, manager="kube-controller-manager", at=at + 1)


def configmap(store: Store, name: str, data: dict[str, str], at: float, manager: str = "kubeadm",
              labels: dict[str, str] | None = None) -> None:
    meta = {"name": name, "namespace": "kube-system"}
    if labels:
        meta["labels"] = labels
    store.create("configmaps", {"metadata": meta, "data": data}, manager=manager, at=at)


def cluster_config(store: Store, specs: list[NodeSpec], at: float, with_calico: bool) -> None:
    configmap(store, "kubeadm-config", {"ClusterConfiguration": CLUSTER_CONFIGURATION}, at + 2)
    configmap(store, "coredns", {"Corefile": COREFILE}, at + 3)
    configmap(store, "kube-proxy", {"config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": (
        "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority: "
        "/var/lib/kube-proxy/ca.crt\n    server: https://control-plane.minikube.internal:8443\n"
        "  name: default\n")}, at + 3, labels={"app": "kube-proxy"})
    configmap(store, "kubelet-config", {"kubelet": (
        "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"
        "cgroupDriver: systemd\nclusterDNS:\n- 10.96.0.10\nclusterDomain: cluster.local\n")}, at + 2)
    if with_calico:
        configmap(store, "calico-config", {"typha_service_name": "none", "calico_backend": "bird",
                                            "veth_mtu": "0", "cni_network_config": CALICO_CNI_CONFIG},
                   at + 8, manager="kubectl-client-side-apply")
    kubernetes_service(store, specs[0].ip, 8443, at)


def kubernetes_service(store: Store, control_plane: str, port: int, at: float) -> None:
    """The API server's own Service, Endpoints and EndpointSlice (its port: 8443 on minikube, 6443 on kind)."""
    store.create("services", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"clusterIP": "10.96.0.1", "ports": [
            {"name": "https", "port": 443, "protocol": "TCP", "targetPort": port}]}},
        manager="kube-apiserver", at=at)
    store.create("endpoints", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
        "subsets": [{"addresses": [{"ip": control_plane}],
                     "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}]},
        manager="kube-apiserver", at=at)
    store.create("endpointslices.discovery.k8s.io", {
        "metadata": {"name": "kubernetes", "namespace": "default",
                     "labels": {"kubernetes.io/service-name": "kubernetes"}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [control_plane], "conditions": {"ready": True}}],
        "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}, manager="kube-apiserver", at=at)
