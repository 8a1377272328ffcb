"""kube-system workloads of a fresh cluster, with their pods.

calico-node (DaemonSet) and calico-kube-controllers (Deployment, PDB): minikube v1.38.1
`pkg/minikube/cni/calico.yaml` (docs/platform.md §1.3). CoreDNS (scaled to 1 by minikube, docs/platform.md
§1.5) and kube-proxy: kubeadm addons (`cmd/kubeadm/app/phases/addons`). etcd, kube-apiserver,
kube-controller-manager, kube-scheduler: kubeadm static pods, mirrored with the Node as owner.
storage-provisioner: minikube addon (`deploy/addons/storage-provisioner`). kindnet replaces Calico
under the no-calico fault (`pkg/minikube/cni/kindnet.go`).
"""
from __future__ import annotations

import copy
from typing import Any, Protocol

from ..apiserver.store import Store, timestamp
from ..base.cluster import CALICO_VERSION, KUBERNETES_VERSION, NodeSpec
from ..base.faults import NO_CALICO
from ..base.ids import Ids
from ..controllers.lifecycle import SystemPods
from ..kubelet import pod_status

COREDNS_IMAGE = "registry.k8s.io/coredns/coredns:v1.13.1"
ETCD_IMAGE = "registry.k8s.io/etcd:3.6.6-0"
KINDNET_IMAGE = "docker.io/kindest/kindnetd:v20260213-ea8e5717"
STORAGE_PROVISIONER_IMAGE = "gcr.io/k8s-minikube/storage-provisioner:v5"


class Addresses(Protocol):
    def allocate(self, node: str, namespace: str, pod: str, container_id: str, at: float) -> str: ...
    def pod_annotations(self, ip: str, container_id: str) -> dict[str, str]: ...


def _env(name: str, value: str | None = None, field: str | None = None, config_key: str | None = None) -> dict:
    if field:
        return {"name": name, "valueFrom": {"fieldRef": {"fieldPath": field}}}
    if config_key:
        return {"name": name, "valueFrom": {"configMapKeyRef": {"name": "calico-config", "key": config_key}}}
    return {"name": name, "value": value}


def _host(name: str, path: str, kind: str | None = None) -> dict:
    host: dict[str, Any] = {"path": path}
    if kind:
        host["type"] = kind
    return {"name": name, "hostPath": host}


def _exec_probe(command: list[str], **timing: int) -> dict:
    return {"exec": {"command": command}, **timing}


def calico_node_template() -> dict[str, Any]:
    node_image, cni_image = f"quay.io/calico/node:{CALICO_VERSION}", f"quay.io/calico/cni:{CALICO_VERSION}"
    endpoint = [{"configMapRef": {"name": "kubernetes-services-endpoint", "optional": True}}]
    privileged = {"privileged": True}
    return {"metadata": {"labels": {"k8s-app": "calico-node"}}, "spec": {
        "nodeSelector": {"kubernetes.io/os": "linux"}, "hostNetwork": True,
        "tolerations": [{"effect": "NoSchedule", "operator": "Exists"},
                        {"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"effect": "NoExecute", "operator": "Exists"}],
        "serviceAccountName": "calico-node", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "terminationGracePeriodSeconds": 0, "priorityClassName": "system-node-critical",
        "initContainers": [
            {"name": "upgrade-ipam", "image": cni_image, "imagePullPolicy": "IfNotPresent",
             "command": ["/opt/cni/bin/calico-ipam", "-upgrade"], "envFrom": endpoint,
             "env": [_env("KUBERNETES_NODE_NAME", field="spec.nodeName"),
                     _env("CALICO_NETWORKING_BACKEND", config_key="calico_backend")],
             "volumeMounts": [{"mountPath": "/var/lib/cni/networks", "name": "host-local-net-dir"},
                              {"mountPath": "/host/opt/cni/bin", "name": "cni-bin-dir"}],
             "securityContext": privileged},
            {"name": "install-cni", "image": cni_image, "imagePullPolicy": "IfNotPresent",
             "command": ["/opt/cni/bin/install"], "envFrom": endpoint,
             "env": [_env("CNI_CONF_NAME", "10-calico.conflist"),
                     _env("CNI_NETWORK_CONFIG", config_key="cni_network_config"),
                     _env("KUBERNETES_NODE_NAME", field="spec.nodeName"),
                     _env("CNI_MTU", config_key="veth_mtu"), _env("SLEEP", "false")],
             "volumeMounts": [{"mountPath": "/host/opt/cni/bin", "name": "cni-bin-dir"},
                              {"mountPath": "/host/etc/cni/net.d", "name": "cni-net-dir"}],
             "securityContext": privileged},
            {"name": "ebpf-bootstrap", "image": node_image, "imagePullPolicy": "IfNotPresent",
             "command": ["calico-node", "-init", "-best-effort"],
             "volumeMounts": [{"mountPath": "/sys/fs", "name": "sys-fs", "mountPropagation": "Bidirectional"},
                              {"mountPath": "/var/run/calico", "name": "var-run-calico",
                               "mountPropagation": "Bidirectional"},
                              {"mountPath": "/nodeproc", "name": "nodeproc", "readOnly": True}],
             "securityContext": privileged}],
        "containers": [{
            "name": "calico-node", "image": node_image, "imagePullPolicy": "IfNotPresent", "envFrom": endpoint,
            "env": [_env("DATASTORE_TYPE", "kubernetes"), _env("WAIT_FOR_DATASTORE", "true"),
                    _env("NODENAME", field="spec.nodeName"),
                    _env("CALICO_NETWORKING_BACKEND", config_key="calico_backend"),
                    _env("CLUSTER_TYPE", "k8s,bgp"), _env("IP", "autodetect"),
                    _env("CALICO_IPV4POOL_IPIP", "Always"), _env("CALICO_IPV4POOL_VXLAN", "Never"),
                    _env("CALICO_IPV6POOL_VXLAN", "Never"), _env("FELIX_IPINIPMTU", config_key="veth_mtu"),
                    _env("FELIX_VXLANMTU", config_key="veth_mtu"), _env("FELIX_WIREGUARDMTU", config_key="veth_mtu"),
                    _env("CALICO_DISABLE_FILE_LOGGING", "true"), _env("FELIX_DEFAULTENDPOINTTOHOSTACTION", "ACCEPT"),
                    _env("FELIX_IPV6SUPPORT", "false"), _env("FELIX_HEALTHENABLED", "true")],
            "securityContext": privileged, "resources": {"requests": {"cpu": "250m"}},
            "lifecycle": {"preStop": {"exec": {"command": ["/bin/calico-node", "-shutdown"]}}},
            "livenessProbe": _exec_probe(["/bin/calico-node", "-felix-live", "-bird-live"], periodSeconds=10,
                                         initialDelaySeconds=10, failureThreshold=6, timeoutSeconds=10),
            "readinessProbe": _exec_probe(["/bin/calico-node", "-felix-ready", "-bird-ready"],
                                          periodSeconds=10, timeoutSeconds=10),
            "volumeMounts": [{"mountPath": "/host/etc/cni/net.d", "name": "cni-net-dir", "readOnly": False},
                             {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True},
                             {"mountPath": "/run/xtables.lock", "name": "xtables-lock", "readOnly": False},
                             {"mountPath": "/var/run/calico", "name": "var-run-calico", "readOnly": False},
                             {"mountPath": "/var/lib/calico", "name": "var-lib-calico", "readOnly": False},
                             {"name": "policysync", "mountPath": "/var/run/nodeagent"},
                             {"name": "bpffs", "mountPath": "/sys/fs/bpf"},
                             {"name": "cni-log-dir", "mountPath": "/var/log/calico/cni", "readOnly": True}]}],
        "volumes": [_host("lib-modules", "/lib/modules"),
                    _host("var-run-calico", "/var/run/calico", "DirectoryOrCreate"),
                    _host("var-lib-calico", "/var/lib/calico", "DirectoryOrCreate"),
                    _host("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                    _host("sys-fs", "/sys/fs/", "DirectoryOrCreate"), _host("bpffs", "/sys/fs/bpf", "Directory"),
                    _host("nodeproc", "/proc"), _host("cni-bin-dir", "/opt/cni/bin", "DirectoryOrCreate"),
                    _host("cni-net-dir", "/etc/cni/net.d"), _host("cni-log-dir", "/var/log/calico/cni"),
                    _host("host-local-net-dir", "/var/lib/cni/networks"),
                    _host("policysync", "/var/run/nodeagent", "DirectoryOrCreate")]}}


def calico_kube_controllers_template() -> dict[str, Any]:
    return {"metadata": {"name": "calico-kube-controllers", "namespace": "kube-system",
                         "labels": {"k8s-app": "calico-kube-controllers"}}, "spec": {
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"key": "node-role.kubernetes.io/master", "effect": "NoSchedule"},
                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
        "serviceAccountName": "calico-kube-controllers",
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "priorityClassName": "system-cluster-critical",
        "containers": [{
            "name": "calico-kube-controllers", "image": f"quay.io/calico/kube-controllers:{CALICO_VERSION}",
            "imagePullPolicy": "IfNotPresent",
            "env": [_env("ENABLED_CONTROLLERS", "node,loadbalancer"), _env("DATASTORE_TYPE", "kubernetes")],
            "livenessProbe": _exec_probe(["/usr/bin/check-status", "-l"], periodSeconds=10,
                                         initialDelaySeconds=10, failureThreshold=6, timeoutSeconds=10),
            "readinessProbe": _exec_probe(["/usr/bin/check-status", "-r"], periodSeconds=10),
            "securityContext": {"runAsNonRoot": True}}]}}


def kube_dns_service() -> dict:
    """kubeadm's kube-dns Service (cmd/kubeadm/app/phases/addons/dns/manifests.go), on minikube and kind alike."""
    return {"metadata": {"name": "kube-dns", "labels": {
        "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
        "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
        "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"}, "ports": [
            {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
            {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
            {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}}


def coredns_template() -> dict[str, Any]:
    return {"metadata": {"labels": {"k8s-app": "kube-dns"}}, "spec": {
        "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
            "weight": 100, "podAffinityTerm": {"labelSelector": {"matchExpressions": [
                {"key": "k8s-app", "operator": "In", "values": ["kube-dns"]}]},
                "topologyKey": "kubernetes.io/hostname"}}]}},
        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"},
                        {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
        "nodeSelector": {"kubernetes.io/os": "linux"},
        "containers": [{
            "name": "coredns", "image": COREDNS_IMAGE, "imagePullPolicy": "IfNotPresent",
            "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
            "args": ["-conf", "/etc/coredns/Corefile"],
            "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/coredns", "readOnly": True}],
            "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                      {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                      {"containerPort": 9153, "name": "metrics", "protocol": "TCP"},
                      {"containerPort": 8080, "name": "liveness-probe", "protocol": "TCP"},
                      {"containerPort": 8181, "name": "readiness-probe", "protocol": "TCP"}],
            "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {
                "add": ["NET_BIND_SERVICE"], "drop": ["ALL"]}, "readOnlyRootFilesystem": True},
            "livenessProbe": {"httpGet": {"path": "/health", "port": "liveness-probe", "scheme": "HTTP"},
                              "initialDelaySeconds": 60, "timeoutSeconds": 5, "successThreshold": 1,
                              "failureThreshold": 5},
            "readinessProbe": {"httpGet": {"path": "/ready", "port": "readiness-probe", "scheme": "HTTP"}}}],
        "dnsPolicy": "Default",
        "volumes": [{"name": "config-volume", "configMap": {
            "name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}]}}


def kube_proxy_template(version: str = KUBERNETES_VERSION) -> dict[str, Any]:
    return {"metadata": {"labels": {"k8s-app": "kube-proxy"}}, "spec": {
        "containers": [{
            "name": "kube-proxy", "image": f"registry.k8s.io/kube-proxy:{version}",
            "imagePullPolicy": "IfNotPresent",
            "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf",
                        "--hostname-override=$(NODE_NAME)"],
            "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
            "securityContext": {"privileged": True},
            "volumeMounts": [{"mountPath": "/var/lib/kube-proxy", "name": "kube-proxy"},
                             {"mountPath": "/run/xtables.lock", "name": "xtables-lock"},
                             {"mountPath": "/lib/modules", "name": "lib-modules", "readOnly": True}]}],
        "hostNetwork": True, "nodeSelector": {"kubernetes.io/os": "linux"},
        "priorityClassName": "system-node-critical", "serviceAccountName": "kube-proxy",
        "tolerations": [{"operator": "Exists"}],
        "volumes": [{"name": "kube-proxy", "configMap": {"name": "kube-proxy"}},
                    _host("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                    _host("lib-modules", "/lib/modules")]}}


def kindnet_template() -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "kindnet", "k8s-app": "kindnet", "tier": "node"}}, "spec": {
        "hostNetwork": True, "serviceAccountName": "kindnet", "tolerations": [{"operator": "Exists"}],
        "containers": [{
            "name": "kindnet-cni", "image": KINDNET_IMAGE,
            "env": [{"name": "HOST_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "POD_SUBNET", "value": "10.244.0.0/16"}],
            "resources": {"limits": {"cpu": "100m", "memory": "50Mi"},
                          "requests": {"cpu": "100m", "memory": "50Mi"}},
            "securityContext": {"capabilities": {"add": ["NET_RAW", "NET_ADMIN"]}, "privileged": False},
            "volumeMounts": [{"name": "cni-cfg", "mountPath": "/etc/cni/net.d"},
                             {"name": "xtables-lock", "mountPath": "/run/xtables.lock"},
                             {"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": True}]}],
        "volumes": [_host("cni-cfg", "/etc/cni/net.d", "DirectoryOrCreate"),
                    _host("xtables-lock", "/run/xtables.lock", "FileOrCreate"),
                    _host("lib-modules", "/lib/modules")]}}


def static_pod(component: str, image: str, command: list[str], cpu: str, api_port: int = 8443) -> dict[str, Any]:
    return {"metadata": {"labels": {"component": component, "tier": "control-plane"}}, "spec": {
        "containers": [{"name": component, "image": image, "imagePullPolicy": "IfNotPresent",
                        "command": command, "resources": {"requests": {"cpu": cpu}},
                        "livenessProbe": {"httpGet": {"host": "127.0.0.1", "path": "/livez" if component != "etcd"
                                                      else "/livez", "port": 10259 if component == "kube-scheduler"
                                                      else 10257 if component == "kube-controller-manager"
                                                      else api_port if component == "kube-apiserver" else 2381,
                                                      "scheme": "HTTP" if component == "etcd" else "HTTPS"},
                                          "initialDelaySeconds": 10, "timeoutSeconds": 15,
                                          "failureThreshold": 8}}],
        "hostNetwork": True, "priority": 2000001000, "priorityClassName": "system-node-critical",
        "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}}


def _control_plane(node: NodeSpec) -> dict[str, dict[str, Any]]:
    def image(name: str) -> str:
        return f"registry.k8s.io/{name}:{KUBERNETES_VERSION}"
    return {
        "etcd": static_pod("etcd", ETCD_IMAGE, [
            "etcd", f"--advertise-client-urls=https://{node.ip}:2379", "--data-dir=/var/lib/minikube/etcd",
            f"--listen-client-urls=https://127.0.0.1:2379,https://{node.ip}:2379", f"--name={node.name}"], "100m"),
        "kube-apiserver": static_pod("kube-apiserver", image("kube-apiserver"), [
            "kube-apiserver", f"--advertise-address={node.ip}", "--secure-port=8443",
            "--service-cluster-ip-range=10.96.0.0/12"], "250m"),
        "kube-controller-manager": static_pod("kube-controller-manager", image("kube-controller-manager"), [
            "kube-controller-manager", "--allocate-node-cidrs=true", "--cluster-cidr=10.244.0.0/16",
            "--leader-elect=false", "--service-cluster-ip-range=10.96.0.0/12"], "200m"),
        "kube-scheduler": static_pod("kube-scheduler", image("kube-scheduler"), [
            "kube-scheduler", "--leader-elect=false"], "100m")}


class Builder:
    def __init__(self, store: Store, ids: Ids, addresses: Addresses, specs: list[NodeSpec], booted: float,
                 runtime: str = "docker") -> None:
        self.store, self.ids, self.addresses, self.booted, self.runtime = store, ids, addresses, booted, runtime
        self.nodes = {node.name: node for node in specs}

    def owner(self, resource: str, name: str, namespace: str | None = "kube-system") -> dict[str, Any]:
        obj = self.store.get(resource, namespace, name)
        return {"apiVersion": obj["apiVersion"], "kind": obj["kind"], "name": name,
                "uid": obj["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}

    def pod(self, name: str, template: dict[str, Any], node: str, at: float, ready: bool,
            owner: dict[str, Any] | None = None, labels: dict[str, str] | None = None,
            annotations: dict[str, str] | None = None) -> str:
        meta = copy.deepcopy(template.get("metadata") or {})
        meta.pop("name", None)
        meta.update({"name": name, "namespace": "kube-system"})
        meta["labels"] = {**meta.get("labels", {}), **(labels or {})}
        if owner:
            meta["ownerReferences"] = [owner]
        spec = copy.deepcopy(template["spec"])
        spec["nodeName"] = node
        created = self.store.create("pods", {"metadata": meta, "spec": spec}, manager="kube-controller-manager",
                                    at=at)
        host_ip = self.nodes[node].ip
        if spec.get("hostNetwork"):
            ip, pod_annotations = host_ip, {}
        else:
            sandbox = self.ids.hex(64)
            ip = self.addresses.allocate(node, "kube-system", name, sandbox, at + 1)
            pod_annotations = self.addresses.pod_annotations(ip, sandbox)
        if annotations or pod_annotations:
            created["metadata"]["annotations"] = {**(annotations or {}), **pod_annotations}
        created["status"] = pod_status.settled(created, host_ip, ip, at, ready, lambda: self.ids.hex(64), self.runtime)
        self.store.update("pods", created, manager="kubelet", subresource="status")
        return name

    def create(self, resource: str, obj: dict[str, Any], at: float, manager: str = "kubectl-client-side-apply") -> None:
        obj["metadata"].setdefault("namespace", "kube-system")
        self.store.create(resource, obj, manager=manager, at=at)


def static_pods(b: Builder, ids: Ids, node: str, templates: dict[str, dict[str, Any]], booted: float) -> None:
    """The kubelet's mirror pods of the control plane's static manifests on `node`, owned by the Node."""
    for component, template in templates.items():
        config_hash = ids.hex(32)
        b.pod(f"{component}-{node}", template, node, booted, True,
              owner={**b.owner("nodes", node, None), "controller": True},
              annotations={"kubernetes.io/config.hash": config_hash, "kubernetes.io/config.mirror": config_hash,
                           "kubernetes.io/config.seen": timestamp(booted), "kubernetes.io/config.source": "file"})


def daemonset(b: Builder, name: str, template: dict[str, Any], labels: dict[str, str], at: float) -> None:
    b.create("daemonsets.apps", {"metadata": {"name": name, "labels": labels, "annotations": {
        "deprecated.daemonset.template.generation": "1"}},
        "spec": {"selector": {"matchLabels": {k: v for k, v in template["metadata"]["labels"].items()
                                              if k in ("k8s-app", "app")}},
                 "template": template}}, at)


def _deployment(b: Builder, name: str, template: dict[str, Any], at: float, **spec: Any) -> tuple[str, dict]:
    """A Deployment with its first ReplicaSet; returns the pod-name prefix and the pod owner."""
    selector = {"matchLabels": dict(template["metadata"]["labels"])}
    b.create("deployments.apps", {"metadata": {"name": name, "labels": dict(template["metadata"]["labels"]),
                                               "annotations": {"deployment.kubernetes.io/revision": "1"}},
                                  "spec": {"selector": selector, "template": template, **spec}}, at)
    template_hash = b.ids.template_hash()
    rs_template = copy.deepcopy(template)
    rs_template["metadata"]["labels"]["pod-template-hash"] = template_hash
    rs_name = f"{name}-{template_hash}"
    b.create("replicasets.apps", {"metadata": {
        "name": rs_name, "labels": rs_template["metadata"]["labels"],
        "annotations": {"deployment.kubernetes.io/desired-replicas": str(spec.get("replicas", 1)),
                        "deployment.kubernetes.io/max-replicas": str(spec.get("replicas", 1) + 1),
                        "deployment.kubernetes.io/revision": "1"},
        "ownerReferences": [b.owner("deployments.apps", name)]},
        "spec": {"replicas": spec.get("replicas", 1),
                 "selector": {"matchLabels": rs_template["metadata"]["labels"]}, "template": rs_template}},
        at + 1, manager="kube-controller-manager")
    return rs_name, b.owner("replicasets.apps", rs_name)


def create(store: Store, specs: list[NodeSpec], faults: frozenset[str], ids: Ids, addresses: Addresses,
           booted: float) -> SystemPods:
    b = Builder(store, ids, addresses, specs, booted)
    system = SystemPods()
    with_calico = NO_CALICO not in faults
    primary = specs[0]
    accounts = ["coredns", "kube-proxy", "storage-provisioner"] + (
        ["calico-kube-controllers", "calico-node", "calico-cni-plugin"] if with_calico else ["kindnet"])
    for account in accounts:
        b.create("serviceaccounts", {"metadata": {"name": account}}, booted + 3)

    static_pods(b, ids, primary.name, _control_plane(primary), booted)

    daemonset(b, "kube-proxy", kube_proxy_template(), {"k8s-app": "kube-proxy"}, booted + 4)
    cni_name, cni_template = ("calico-node", calico_node_template()) if with_calico else \
        ("kindnet", kindnet_template())
    daemonset(b, cni_name, cni_template, dict(cni_template["metadata"]["labels"]), booted + 8)
    revision = {"controller-revision-hash": ids.template_hash(), "pod-template-generation": "1"}
    for node in specs:
        joined = booted + 35 * node.index
        b.pod(f"kube-proxy-{ids.suffix()}", kube_proxy_template(), node.name, joined + 10, True,
              b.owner("daemonsets.apps", "kube-proxy"), revision)
        name = b.pod(f"{cni_name}-{ids.suffix()}", cni_template, node.name, joined + 10, not with_calico,
                     b.owner("daemonsets.apps", cni_name), revision)
        if with_calico:
            system.calico_node[node.name] = name

    b.pod("storage-provisioner", {"metadata": {"labels": {
        "addonmanager.kubernetes.io/mode": "Reconcile", "integration-test": "storage-provisioner"}}, "spec": {
        "serviceAccountName": "storage-provisioner", "hostNetwork": True,
        "containers": [{"name": "storage-provisioner", "image": STORAGE_PROVISIONER_IMAGE,
                        "imagePullPolicy": "IfNotPresent", "command": ["/storage-provisioner"],
                        "volumeMounts": [{"mountPath": "/tmp", "name": "tmp"}]}],
        "volumes": [_host("tmp", "/tmp", "Directory")]}}, primary.name, booted + 15, True)

    if with_calico:
        prefix, owner = _deployment(b, "calico-kube-controllers", calico_kube_controllers_template(), booted + 8,
                                    replicas=1, strategy={"type": "Recreate"})
        system.late_ready.append(b.pod(f"{prefix}-{ids.suffix()}", calico_kube_controllers_template(),
                                       primary.name, booted + 9, False, owner,
                                       {"pod-template-hash": prefix.rsplit("-", 1)[1]}))
        b.create("poddisruptionbudgets.policy", {"metadata": {"name": "calico-kube-controllers",
                                                              "labels": {"k8s-app": "calico-kube-controllers"}},
                                                 "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {
                                                     "k8s-app": "calico-kube-controllers"}}}}, booted + 8)
    prefix, owner = _deployment(b, "coredns", coredns_template(), booted + 4, replicas=1, strategy={
        "type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}})
    system.coredns = b.pod(f"{prefix}-{ids.suffix()}", coredns_template(), primary.name, booted + 9, False,
                           owner, {"pod-template-hash": prefix.rsplit("-", 1)[1]})
    system.late_ready.append(system.coredns)
    b.create("services", kube_dns_service(), booted + 4, "kubeadm")
    return system
