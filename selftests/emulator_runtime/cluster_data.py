"""A fixed two-node cluster as the API would serve it: data only (pod IPs are never contacted)."""
from __future__ import annotations

from datetime import datetime, timezone

LAB_IMAGE = "ifilyaninitmo/itdt-contained-frontend:master"
START = datetime(2026, 8, 24, 10, 0, 0, tzinfo=timezone.utc).timestamp()
STARTED_AT = "2026-08-24T10:00:00Z"
USER, COMPANY = "Ivan Petrov", "ITMO"


def node(name: str, ip: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "uid": f"uid-{name}", "labels": {"kubernetes.io/hostname": name}},
            "spec": {"podCIDR": "10.244.0.0/24"},
            "status": {"addresses": [{"type": "InternalIP", "address": ip}, {"type": "Hostname", "address": name}],
                       "conditions": [{"type": "Ready", "status": "True"}]}}


def pod(name: str, namespace: str, node_name: str, ip: str, image: str, *, labels=None, env=None,
        env_from=None, container: str = "app") -> dict:
    spec_container = {"name": container, "image": image}
    if env:
        spec_container["env"] = env
    if env_from:
        spec_container["envFrom"] = env_from
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "labels": labels or {}},
        "spec": {"nodeName": node_name, "containers": [spec_container]},
        "status": {"phase": "Running", "podIP": ip, "podIPs": [{"ip": ip}], "hostIP": "192.168.49.2",
                   "containerStatuses": [{"name": container, "image": image, "imageID": "", "ready": True,
                                          "restartCount": 0, "started": True,
                                          "state": {"running": {"startedAt": STARTED_AT}}}]},
    }


def service(name: str, namespace: str, cluster_ip: str, ports: list[dict], selector=None) -> dict:
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": namespace},
            "spec": {"type": "ClusterIP", "clusterIP": cluster_ip, "clusterIPs": [cluster_ip],
                     "ports": ports, "selector": selector or {}}}


def endpoints(name: str, namespace: str, pods: list[dict], ports: list[dict]) -> dict:
    addresses = [{"ip": p["status"]["podIP"], "nodeName": p["spec"]["nodeName"],
                  "targetRef": {"kind": "Pod", "name": p["metadata"]["name"], "namespace": namespace}} for p in pods]
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": namespace},
            "subsets": [{"addresses": addresses, "ports": ports}]}


class FakeView:
    """The ClusterView of emulator/runtime/cluster_view.py over fixed objects, with a settable clock."""

    def __init__(self):
        self.faults: set[str] = set()
        self.clock = START
        app_env_from = [{"configMapRef": {"name": "react-config"}}]
        self.app_a = pod("react-a", "default", "lab4", "192.168.0.2", LAB_IMAGE,
                         labels={"app": "react"}, env_from=app_env_from)
        self.app_b = pod("react-b", "default", "lab4-m02", "192.168.1.2", LAB_IMAGE,
                         labels={"app": "react"}, env=[{"name": "REACT_APP_USERNAME", "value": USER}])
        self.toolbox = pod("toolbox", "default", "lab4", "192.168.0.3", "busybox:1.36")
        self.coredns = pod("coredns-7c65d6cfc9-x2x4k", "kube-system", "lab4", "10.244.0.2",
                           "registry.k8s.io/coredns/coredns:v1.12.0", labels={"k8s-app": "kube-dns"},
                           container="coredns")
        self._pods = [self.app_a, self.app_b, self.toolbox, self.coredns]
        dns_ports = [{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                     {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}]
        self._services = [
            service("kubernetes", "default", "10.96.0.1", [{"name": "https", "port": 443, "protocol": "TCP"}]),
            service("kube-dns", "kube-system", "10.96.0.10", dns_ports, {"k8s-app": "kube-dns"}),
            service("react-service", "default", "10.100.0.50",
                    [{"port": 3000, "protocol": "TCP", "targetPort": 3000}], {"app": "react"}),
        ]
        self._endpoints = [
            endpoints("kube-dns", "kube-system", [self.coredns],
                      [{"name": "dns", "port": 53, "protocol": "UDP"},
                       {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]),
            endpoints("react-service", "default", [self.app_a, self.app_b], [{"port": 3000, "protocol": "TCP"}]),
        ]

    def now(self) -> float:
        return self.clock

    def nodes(self):
        return [node("lab4", "192.168.49.2"), node("lab4-m02", "192.168.49.3")]

    def namespaces(self):
        return [{"metadata": {"name": n}} for n in ("default", "kube-system", "kube-public")]

    def pods(self):
        return list(self._pods)

    def services(self):
        return list(self._services)

    def endpoints(self):
        return list(self._endpoints)

    def configmaps(self):
        return [{"metadata": {"name": "react-config", "namespace": "default"},
                 "data": {"REACT_APP_USERNAME": USER, "REACT_APP_COMPANY_NAME": COMPANY}}]

    def secrets(self):
        return []

    def pod(self, namespace: str, name: str) -> dict | None:
        return next((p for p in self._pods
                     if (p["metadata"]["namespace"], p["metadata"]["name"]) == (namespace, name)), None)
