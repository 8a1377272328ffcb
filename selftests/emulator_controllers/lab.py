"""The lab's steps against the emulated cluster, as a client does them, and bounded waits."""
from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client
from kubernetes.client.rest import ApiException

from selftests.polling import wait_for  # noqa: F401 (the slice's modules import it from here)

MANIFESTS = Path(__file__).resolve().parents[2] / "manifests"
GROUP, VERSION = "crd.projectcalico.org", "v1"
LAB_IMAGE = "ifilyaninitmo/itdt-contained-frontend:master"
DEFAULT_POOL = "default-ipv4-ippool"


def ready(pod: client.V1Pod) -> bool:
    return any(c.type == "Ready" and c.status == "True" for c in pod.status.conditions or [])


def in_network(ip: str, cidr: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network(cidr)


class Lab:
    def __init__(self, api: client.ApiClient, kubectl, cluster) -> None:
        self.core, self.apps = client.CoreV1Api(api), client.AppsV1Api(api)
        self.custom = client.CustomObjectsApi(api)
        self.kubectl, self.cluster = kubectl, cluster

    # --- Calico -----------------------------------------------------------------------------------
    def reference_pools(self) -> list[dict]:
        """manifests/ippools.yaml (projectcalico.org/v3) as the crd.projectcalico.org/v1 objects."""
        return [{"apiVersion": f"{GROUP}/{VERSION}", "kind": "IPPool", "metadata": {"name": d["metadata"]["name"]},
                 "spec": d["spec"]} for d in yaml.safe_load_all((MANIFESTS / "ippools.yaml").read_text()) if d]

    def create_pool(self, name: str, cidr: str, selector: str, **spec: Any) -> None:
        self.custom.create_cluster_custom_object(GROUP, VERSION, "ippools", {
            "apiVersion": f"{GROUP}/{VERSION}", "kind": "IPPool", "metadata": {"name": name},
            "spec": {"cidr": cidr, "blockSize": 26, "ipipMode": "Always", "vxlanMode": "Never", "natOutgoing": True,
                     "nodeSelector": selector, **spec}})

    def create_reference_pools(self) -> list[dict]:
        pools = self.reference_pools()
        for pool in pools:
            self.custom.create_cluster_custom_object(GROUP, VERSION, "ippools", pool)
        return pools

    def pools(self) -> dict[str, dict]:
        items = self.custom.list_cluster_custom_object(GROUP, VERSION, "ippools")["items"]
        return {p["metadata"]["name"]: p for p in items}

    def delete_pool(self, name: str = DEFAULT_POOL) -> None:
        """What calicoctl does: disable, then delete."""
        self.custom.patch_cluster_custom_object(GROUP, VERSION, "ippools", name, {"spec": {"disabled": True}})
        self.custom.delete_cluster_custom_object(GROUP, VERSION, "ippools", name)

    def label_nodes(self, key: str = "rack", values: tuple[str, ...] = ("0", "1")) -> None:
        for node, value in zip(self.node_names(), values, strict=False):
            self.core.patch_node(node, {"metadata": {"labels": {key: value}}})

    def node_names(self) -> list[str]:
        return sorted(n.metadata.name for n in self.core.list_node().items)

    def wait_for_calico(self) -> None:
        wait_for("calico-node Ready on every node", lambda: all(
            ready(p) for p in self.core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node").items))

    def provision_pools(self) -> list[dict]:
        """The suite's order (docs/platform.md §1.4): rack pools, node labels, then the default pool goes."""
        self.wait_for_calico()
        pools = self.create_reference_pools()
        self.label_nodes()
        self.delete_pool()
        return pools

    # --- workload ---------------------------------------------------------------------------------
    def apply_reference_workload(self) -> None:
        self.kubectl("apply", "--server-side", "-f", str(MANIFESTS / "configmap.yaml"),
                     "-f", str(MANIFESTS / "deployment.yaml"), "-f", str(MANIFESTS / "service.yaml"))

    def app_pods(self, namespace: str = "default", selector: str = "app=react-app") -> list[client.V1Pod]:
        return [p for p in self.core.list_namespaced_pod(namespace, label_selector=selector).items
                if not p.metadata.deletion_timestamp]

    def wait_for_ready_pods(self, count: int = 2, selector: str = "app=react-app", timeout: float = 10.0,
                            namespace: str = "default") -> list[client.V1Pod]:
        def settled():
            pods = self.app_pods(namespace, selector)
            return pods if len(pods) == count and all(ready(p) for p in pods) else None
        return wait_for(f"{count} Ready pods {selector}", settled, timeout)

    def events(self, namespace: str = "default", name: str | None = None, reason: str | None = None) -> list:
        return [e for e in self.core.list_namespaced_event(namespace).items
                if (name is None or e.involved_object.name == name) and (reason is None or e.reason == reason)]

    def run_pod(self, name: str, spec: dict, namespace: str = "default", labels: dict | None = None) -> None:
        self.core.create_namespaced_pod(namespace, {"metadata": {"name": name, "labels": labels or {"run": name}},
                                                    "spec": spec})

    def pod(self, name: str, namespace: str = "default") -> client.V1Pod:
        return self.core.read_namespaced_pod(name, namespace)

    def gone(self, name: str, namespace: str = "default") -> bool:
        try:
            self.core.read_namespaced_pod(name, namespace)
            return False
        except ApiException as error:
            return error.status == 404


def lab_container(name: str = "app", **extra: Any) -> dict:
    return {"name": name, "image": LAB_IMAGE, "ports": [{"containerPort": 3000}], **extra}
