"""Endpoints and EndpointSlices of every Service with a selector.

Endpoints (`pkg/controller/endpoint/endpoints_controller.go`): the Service's pods with an IP,
not finished and not being deleted (unless publishNotReadyAddresses), ready ones in `addresses`,
the others in `notReadyAddresses`, each with ip, nodeName and targetRef; one subset per set of
resolved ports (`podutil.FindPort`: a numeric targetPort as is, a named one looked up in the
pod's containerPorts, the pod skipped for that port when absent); labels copied from the Service
plus `endpoints.kubernetes.io/managed-by: endpoint-controller`.
EndpointSlices (`pkg/controller/endpointslice`, `staging/src/k8s.io/endpointslice/reconciler.go`):
discovery.k8s.io/v1, addressType IPv4, generateName `<service>-`, labels
kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, the Service as
controller owner; terminating pods stay with conditions ready=false, serving=<pod ready>,
terminating=true; a Service without endpoints keeps one empty slice.
Both carry the annotation endpoints.kubernetes.io/last-change-trigger-time.
"""
from __future__ import annotations

from typing import Any

from ..apiserver.store import Event, Store, timestamp
from ..base import label_selector
from ..base.errors import ApiError
from ..base.reconcile import Reconciler
from .controller_utils import owner_ref

Obj = dict[str, Any]
SLICES = "endpointslices.discovery.k8s.io"
SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
SLICE_CONTROLLER = "endpointslice-controller.k8s.io"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
MANAGER = "kube-controller-manager"


def _ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def find_port(pod: Obj, service_port: Obj) -> int | None:
    target = service_port.get("targetPort", service_port.get("port"))
    if isinstance(target, int) or (isinstance(target, str) and target.isdigit()):
        return int(target)
    protocol = service_port.get("protocol", "TCP")
    for container in pod["spec"].get("containers") or []:
        for port in container.get("ports") or []:
            if port.get("name") == target and port.get("protocol", "TCP") == protocol:
                return port["containerPort"]
    return None


class EndpointsController:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.loop = Reconciler("endpoint-controller", self._sync)
        self._managed: set[tuple[str, str]] = set()

    def watches(self) -> set[str]:
        return {"services", "pods"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        services = self.store.list("services")[0]
        present = set()
        for service in services:
            selector = (service.get("spec") or {}).get("selector")
            if selector is None or service["spec"].get("type") == "ExternalName":
                continue
            key = (service["metadata"]["namespace"], service["metadata"]["name"])
            present.add(key)
            pods = [p for p in self.store.view("pods", key[0])
                    if label_selector.map_matches(selector, p["metadata"].get("labels"))
                    and (p.get("status") or {}).get("podIP")
                    and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
            self._endpoints(service, pods)
            self._slices(service, pods)
            self._managed.add(key)
        for namespace, name in self._managed - present:
            try:
                self.store.delete("endpoints", namespace, name)
            except ApiError:
                pass
        self._managed &= present

    # --- core/v1 Endpoints ------------------------------------------------------------------------
    def _endpoints(self, service: Obj, pods: list[Obj]) -> None:
        include_not_ready = bool(service["spec"].get("publishNotReadyAddresses"))
        subsets: dict[tuple, Obj] = {}
        for pod in sorted(pods, key=lambda p: p["status"]["podIP"]):
            if pod["metadata"].get("deletionTimestamp") and not include_not_ready:
                continue
            ports = []
            for port in service["spec"].get("ports") or []:
                number = find_port(pod, port)
                if number is not None:
                    ports.append({**({"name": port["name"]} if port.get("name") else {}), "port": number,
                                  "protocol": port.get("protocol", "TCP")})
            key = tuple(sorted((p.get("name", ""), p["port"], p["protocol"]) for p in ports))
            subset = subsets.setdefault(key, {"ports": ports})
            address = {"ip": pod["status"]["podIP"], "nodeName": pod["spec"].get("nodeName"),
                       "targetRef": self._target(pod)}
            field = "addresses" if _ready(pod) or include_not_ready else "notReadyAddresses"
            subset.setdefault(field, []).append({k: v for k, v in address.items() if v})
        wanted = [{k: s[k] for k in ("addresses", "notReadyAddresses", "ports") if s.get(k)} for s in subsets.values()]
        meta = service["metadata"]
        labels = {**(meta.get("labels") or {}), "endpoints.kubernetes.io/managed-by": "endpoint-controller"}
        if service["spec"].get("clusterIP") == "None":
            labels["service.kubernetes.io/headless"] = ""
        try:
            current = self.store.get("endpoints", meta["namespace"], meta["name"])
        except ApiError:
            current = None
        if current is not None and (current.get("subsets") or []) == wanted and \
                (current["metadata"].get("labels") or {}) == labels:
            return
        body = {"metadata": {"name": meta["name"], "namespace": meta["namespace"], "labels": labels,
                             "annotations": {TRIGGER_TIME: timestamp()}}}
        if wanted:
            body["subsets"] = wanted
        if current is None:
            self.store.create("endpoints", body, manager=MANAGER)
        else:
            body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
            self.store.update("endpoints", body, manager=MANAGER)

    @staticmethod
    def _target(pod: Obj) -> Obj:
        return {"kind": "Pod", "namespace": pod["metadata"]["namespace"], "name": pod["metadata"]["name"],
                "uid": pod["metadata"]["uid"]}

    # --- discovery.k8s.io/v1 EndpointSlices -------------------------------------------------------
    def _slices(self, service: Obj, pods: list[Obj]) -> None:
        groups: dict[tuple, Obj] = {}
        for pod in sorted(pods, key=lambda p: p["status"]["podIP"]):
            ports = []
            for port in service["spec"].get("ports") or []:
                number = find_port(pod, port)
                if number is not None:
                    ports.append({"name": port.get("name", ""), "port": number, "protocol": port.get("protocol", "TCP"),
                                  **({"appProtocol": port["appProtocol"]} if port.get("appProtocol") else {})})
            key = tuple(sorted((p["name"], p["port"], p["protocol"]) for p in ports))
            group = groups.setdefault(key, {"ports": ports, "endpoints": []})
            terminating = bool(pod["metadata"].get("deletionTimestamp"))
            group["endpoints"].append({
                "addresses": [pod["status"]["podIP"]],
                "conditions": {"ready": _ready(pod) and not terminating, "serving": _ready(pod),
                               "terminating": terminating},
                **({"nodeName": pod["spec"]["nodeName"]} if pod["spec"].get("nodeName") else {}),
                "targetRef": self._target(pod)})
        wanted = list(groups.values()) or [{"ports": [], "endpoints": []}]
        meta = service["metadata"]
        existing = [s for s in self.store.list(SLICES, meta["namespace"])[0]
                    if (s["metadata"].get("labels") or {}).get(SERVICE_NAME) == meta["name"]
                    and (s["metadata"].get("labels") or {}).get(MANAGED_BY) == SLICE_CONTROLLER]
        labels = {**{k: v for k, v in (meta.get("labels") or {}).items() if k not in (SERVICE_NAME, MANAGED_BY)},
                  SERVICE_NAME: meta["name"], MANAGED_BY: SLICE_CONTROLLER}
        for current, content in zip(existing, wanted, strict=False):
            if current.get("endpoints") == content["endpoints"] and current.get("ports") == content["ports"] \
                    and current["metadata"].get("labels") == labels:
                continue
            current.update(content)
            current["metadata"]["labels"] = labels
            current["metadata"].setdefault("annotations", {})[TRIGGER_TIME] = timestamp()
            self.store.update(SLICES, current, manager=MANAGER)
        for content in wanted[len(existing):]:
            self.store.create(SLICES, {"metadata": {
                "generateName": f"{meta['name']}-", "namespace": meta["namespace"], "labels": labels,
                "annotations": {TRIGGER_TIME: timestamp()}, "ownerReferences": [owner_ref(service)]},
                "addressType": "IPv4", **content}, manager=MANAGER)
        for extra in existing[len(wanted):]:
            try:
                self.store.delete(SLICES, meta["namespace"], extra["metadata"]["name"])
            except ApiError:
                pass
