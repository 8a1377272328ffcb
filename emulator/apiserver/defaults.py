"""Defaulting applied to every written object, as the apiserver's decoders and admission do.

Sources: `pkg/apis/core/v1/defaults.go` (SetDefaults_Pod, _PodSpec, _Container, _Service,
_ServicePort, _Namespace), `pkg/apis/apps/v1/defaults.go` (SetDefaults_Deployment, _ReplicaSet,
_DaemonSet), admission plugins ServiceAccount (kube-api-access volume) and DefaultTolerationSeconds,
`pkg/registry/core/service/ipallocator` and `portallocator` (ClusterIP and NodePort allocation),
`apiextensions-apiserver` CRD status (Established, NamesAccepted), `pkg/apis/batch/v1/defaults.go` and
`pkg/registry/batch/job/strategy.go` (Job), SetDefaults_ReplicationController.
"""
from __future__ import annotations

import random
from typing import Any, Callable

_PROBE_DEFAULTS = {"timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}


def _image_pull_policy(image: str) -> str:
    tail = image.rsplit("/", 1)[-1]
    if "@" in tail:
        return "IfNotPresent"
    tag = tail.split(":", 1)[1] if ":" in tail else "latest"
    return "Always" if tag == "latest" else "IfNotPresent"


def _container(container: dict[str, Any]) -> None:
    container.setdefault("imagePullPolicy", _image_pull_policy(container.get("image", "")))
    container.setdefault("terminationMessagePath", "/dev/termination-log")
    container.setdefault("terminationMessagePolicy", "File")
    container.setdefault("resources", {})
    for port in container.get("ports") or []:
        port.setdefault("protocol", "TCP")
    for kind in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(kind)
        if probe:
            for key, value in _PROBE_DEFAULTS.items():
                probe.setdefault(key, value)
    for env in container.get("env") or []:
        field_ref = (env.get("valueFrom") or {}).get("fieldRef")
        if field_ref:
            field_ref.setdefault("apiVersion", "v1")


def pod_spec(spec: dict[str, Any]) -> None:
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        _container(container)
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    if "serviceAccount" in spec:
        spec.setdefault("serviceAccountName", spec["serviceAccount"])
    for volume in spec.get("volumes") or []:
        for key in ("configMap", "secret", "projected"):
            if key in volume:
                volume[key].setdefault("defaultMode", 420)


def _service_account_volume(spec: dict[str, Any], suffix: str) -> None:
    """ServiceAccount admission: the projected token volume and its mount in every container."""
    if spec.get("automountServiceAccountToken") is False:
        return
    name = f"kube-api-access-{suffix}"
    spec.setdefault("volumes", []).append({"name": name, "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
            "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}]}})
    for container in (spec.get("initContainers") or []) + (spec.get("containers") or []):
        container.setdefault("volumeMounts", []).append({
            "name": name, "readOnly": True,
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"})


def _pod_admission(spec: dict[str, Any], rng: random.Random) -> None:
    spec.setdefault("serviceAccountName", "default")
    spec.setdefault("serviceAccount", spec["serviceAccountName"])
    spec.setdefault("enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 2000001000 if spec.get("priorityClassName") == "system-node-critical"
                    else 2000000000 if spec.get("priorityClassName") == "system-cluster-critical" else 0)
    tolerations = spec.setdefault("tolerations", [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if not any(t.get("key") == key or (t.get("operator") == "Exists" and not t.get("key")
                                             and t.get("effect") in (None, "NoExecute"))
                   for t in tolerations):
            tolerations.append({"key": key, "operator": "Exists", "effect": "NoExecute",
                                "tolerationSeconds": 300})
    if not any(v.get("name", "").startswith("kube-api-access-") for v in spec.get("volumes") or []):
        _service_account_volume(spec, "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(5)))


def pod(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    pod_spec(spec)
    if creating:
        _pod_admission(spec, rng)
        status = obj.setdefault("status", {})
        status.setdefault("phase", "Pending")
        status.setdefault("qosClass", qos_class(spec))


def qos_class(spec: dict[str, Any]) -> str:
    """pkg/apis/core/helper/qos: Guaranteed, Burstable or BestEffort."""
    resources = [c.get("resources") or {} for c in spec.get("containers") or []]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    guaranteed = all(set((r.get("limits") or {})) >= {"cpu", "memory"}
                     and all(r.get("requests", {}).get(k, v) == v for k, v in r["limits"].items())
                     for r in resources)
    return "Guaranteed" if guaranteed else "Burstable"


def _template(spec: dict[str, Any]) -> None:
    pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))
    spec["template"].setdefault("metadata", {})
    spec.setdefault("revisionHistoryLimit", 10)


def deployment(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    strategy = spec.setdefault("strategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", "25%")
        rolling.setdefault("maxSurge", "25%")
    spec.setdefault("progressDeadlineSeconds", 600)
    _template(spec)


def replicaset(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("replicas", 1)
    pod_spec(spec.setdefault("template", {}).setdefault("spec", {}))


def daemonset(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    strategy = spec.setdefault("updateStrategy", {})
    strategy.setdefault("type", "RollingUpdate")
    if strategy["type"] == "RollingUpdate":
        rolling = strategy.setdefault("rollingUpdate", {})
        rolling.setdefault("maxUnavailable", 1)
        rolling.setdefault("maxSurge", 0)
    _template(spec)


JOB_LABELS = ("batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid", "job-name")


def job(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    """pkg/apis/batch/v1/defaults.go SetDefaults_Job and pkg/registry/batch/job/strategy.go
    PrepareForCreate/generateSelector: completions and parallelism 1 when both are unset, backoffLimit 6,
    completionMode NonIndexed, suspend false, podReplacementPolicy TerminatingOrFailed; unless
    manualSelector, the template gets the controller-uid and job-name labels (new and legacy keys)
    and the selector matches `batch.kubernetes.io/controller-uid`; the Job's own labels default to
    the template's."""
    spec = obj.setdefault("spec", {})
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed")
    template = spec.setdefault("template", {})
    pod_spec(template.setdefault("spec", {}))
    meta = template.setdefault("metadata", {})
    if creating and not spec.get("manualSelector"):
        uid, name = obj["metadata"]["uid"], obj["metadata"]["name"]
        meta["labels"] = {**(meta.get("labels") or {}), **dict(zip(JOB_LABELS, (uid, name, uid, name), strict=True))}
        spec["selector"] = {"matchLabels": {JOB_LABELS[0]: uid}}
    if not obj["metadata"].get("labels") and meta.get("labels"):
        obj["metadata"]["labels"] = dict(meta["labels"])


def replication_controller(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    """pkg/apis/core/v1/defaults.go SetDefaults_ReplicationController: selector and labels from the
    template's labels when unset, one replica."""
    spec = obj.setdefault("spec", {})
    template = spec.setdefault("template", {})
    labels = (template.get("metadata") or {}).get("labels") or {}
    if labels and not spec.get("selector"):
        spec["selector"] = dict(labels)
    if labels and not obj["metadata"].get("labels"):
        obj["metadata"]["labels"] = dict(labels)
    spec.setdefault("replicas", 1)
    pod_spec(template.setdefault("spec", {}))
    spec["template"].setdefault("metadata", {})


class ServiceAllocator:
    """ClusterIPs from 10.96.0.0/12 (minikube's ServiceCIDR) and NodePorts from 30000-32767."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self.ips = {"10.96.0.1", "10.96.0.10"}
        self.node_ports: set[int] = set()

    def cluster_ip(self) -> str:
        while True:
            ip = f"10.{96 + self._rng.randrange(16)}.{self._rng.randrange(256)}.{self._rng.randrange(1, 255)}"
            if ip not in self.ips:
                self.ips.add(ip)
                return ip

    def node_port(self) -> int:
        while (port := self._rng.randrange(30000, 32768)) in self.node_ports:
            pass
        self.node_ports.add(port)
        return port


def service(obj: dict[str, Any], allocator: ServiceAllocator, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec["type"] != "ExternalName":
        if creating and not spec.get("clusterIP"):
            spec["clusterIP"] = allocator.cluster_ip()
        elif creating:
            allocator.ips.add(spec["clusterIP"])
        spec.setdefault("clusterIPs", [spec["clusterIP"]])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    for port in spec.get("ports") or []:
        port.setdefault("protocol", "TCP")
        port.setdefault("targetPort", port.get("port"))
        if spec["type"] in ("NodePort", "LoadBalancer") and not port.get("nodePort"):
            port["nodePort"] = allocator.node_port()
    if spec["type"] in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if spec["type"] == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    obj.setdefault("status", {}).setdefault("loadBalancer", {})


def namespace(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    name = obj["metadata"]["name"]
    obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = name
    obj.setdefault("spec", {}).setdefault("finalizers", ["kubernetes"])
    obj.setdefault("status", {}).setdefault("phase", "Active")


def crd(obj: dict[str, Any], rng: random.Random, creating: bool) -> None:
    spec = obj.setdefault("spec", {})
    names = spec.setdefault("names", {})
    names.setdefault("singular", names.get("kind", "").lower())
    names.setdefault("listKind", names.get("kind", "") + "List")
    spec.setdefault("conversion", {"strategy": "None"})
    status = obj.setdefault("status", {})
    status["acceptedNames"] = {k: v for k, v in names.items()}
    status["storedVersions"] = [v["name"] for v in spec.get("versions", []) if v.get("storage")]
    status.setdefault("conditions", [
        {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts",
         "message": "no conflicts found", "lastTransitionTime": obj["metadata"]["creationTimestamp"]},
        {"type": "Established", "status": "True", "reason": "InitialNamesAccepted",
         "message": "the initial names have been accepted",
         "lastTransitionTime": obj["metadata"]["creationTimestamp"]}])


DEFAULTERS: dict[str, Callable[[dict[str, Any], random.Random, bool], None]] = {
    "pods": pod, "deployments.apps": deployment, "replicasets.apps": replicaset,
    "daemonsets.apps": daemonset, "namespaces": namespace, "jobs.batch": job,
    "replicationcontrollers": replication_controller,
    "customresourcedefinitions.apiextensions.k8s.io": crd,
}
