"""Server-side printing: `meta.k8s.io/v1` Tables for `kubectl get`.

Columns and cells follow `pkg/printers/internalversion/printers.go` (printPod, printNode,
printNamespace, printService, printDeployment, printReplicaSet, printDaemonSet, printConfigMap,
printSecret, printEndpoints, printServiceAccount, printEvent); other built-ins use the default convertor
(`apiserver/pkg/registry/rest/table.go`: Name, Created At); custom resources use their CRD's
additionalPrinterColumns, or Age when there are none (apiextensions `tableconvertor`).
Ages use `apimachinery/pkg/util/duration.HumanDuration`.
"""
from __future__ import annotations

import calendar
import time
from typing import Any, Callable

from .resources import ResourceType

Obj = dict[str, Any]


def human_duration(seconds: float) -> str:
    s = int(seconds)
    if s < -1:
        return "<invalid>"
    if s < 0:
        return "0s"
    if s < 120:
        return f"{s}s"
    minutes = s // 60
    if minutes < 10:
        return f"{minutes}m" if s % 60 == 0 else f"{minutes}m{s % 60}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = s // 3600
    if hours < 8:
        return f"{hours}h" if minutes % 60 == 0 else f"{hours}h{minutes % 60}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d" if hours % 24 == 0 else f"{hours // 24}d{hours % 24}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    return f"{hours // 24 // 365}y"


def age(stamp: str | None) -> str:
    if not stamp:
        return "<unknown>"
    return human_duration(time.time() - _epoch(stamp))


def _epoch(stamp: str) -> float:
    return calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


def _col(name: str, kind: str = "string", priority: int = 0, fmt: str = "", description: str = "") -> dict:
    return {"name": name, "type": kind, "format": fmt, "description": description or name, "priority": priority}


def _none(value: Any) -> str:
    return value if value else "<none>"


def _pod_reason(pod: Obj) -> str:
    status = pod.get("status", {})
    reason = status.get("reason") or status.get("phase", "Pending")
    for cs in status.get("initContainerStatuses") or []:
        state = cs.get("state", {})
        if state.get("terminated", {}).get("exitCode", 0) == 0 and "terminated" in state:
            continue
        waiting = state.get("waiting", {}).get("reason")
        if waiting and waiting != "PodInitializing":
            return f"Init:{waiting}"
        total = len(pod.get("spec", {}).get("initContainers") or [])
        done = sum(1 for c in status["initContainerStatuses"] if "terminated" in c.get("state", {}))
        return f"Init:{done}/{total}"
    for cs in reversed(status.get("containerStatuses") or []):
        state = cs.get("state", {})
        if state.get("waiting", {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif state.get("terminated", {}).get("reason"):
            reason = state["terminated"]["reason"]
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return reason


def _pod(pod: Obj) -> list:
    statuses = pod.get("status", {}).get("containerStatuses") or []
    total = len(pod.get("spec", {}).get("containers") or [])
    ready = sum(1 for c in statuses if c.get("ready"))
    restarts = sum(c.get("restartCount", 0) for c in statuses)
    last = max((c.get("lastState", {}).get("terminated", {}).get("finishedAt", "") for c in statuses), default="")
    restart_cell = f"{restarts} ({age(last)} ago)" if restarts and last else str(restarts)
    status = pod.get("status", {})
    return [pod["metadata"]["name"], f"{ready}/{total}", _pod_reason(pod), restart_cell,
            age(pod["metadata"].get("creationTimestamp")), _none(status.get("podIP")),
            _none(pod.get("spec", {}).get("nodeName")), _none(status.get("nominatedNodeName")), "<none>"]


def _node(node: Obj) -> list:
    ready = next((c for c in node.get("status", {}).get("conditions") or [] if c.get("type") == "Ready"), None)
    status = "Ready" if ready and ready.get("status") == "True" else "NotReady" if ready else "Unknown"
    if node.get("spec", {}).get("unschedulable"):
        status += ",SchedulingDisabled"
    labels = node["metadata"].get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
    addresses = node.get("status", {}).get("addresses") or []
    def address(kind: str) -> str:
        return next((a["address"] for a in addresses if a.get("type") == kind), "<none>")
    info = node.get("status", {}).get("nodeInfo", {})
    return [node["metadata"]["name"], status, ",".join(roles) or "<none>",
            age(node["metadata"].get("creationTimestamp")), info.get("kubeletVersion", ""),
            address("InternalIP"), address("ExternalIP"), info.get("osImage", "<unknown>"),
            info.get("kernelVersion", "<unknown>"), info.get("containerRuntimeVersion", "<unknown>")]


def _ports(svc: Obj) -> str:
    parts = []
    for port in svc.get("spec", {}).get("ports") or []:
        node_port = f":{port['nodePort']}" if port.get("nodePort") else ""
        parts.append(f"{port['port']}{node_port}/{port.get('protocol', 'TCP')}")
    return ",".join(parts) or "<none>"


def _selector(selector: dict | None) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted((selector or {}).items())) or "<none>"


def _service(svc: Obj) -> list:
    spec = svc.get("spec", {})
    ingress = svc.get("status", {}).get("loadBalancer", {}).get("ingress") or []
    external = ",".join(i.get("ip") or i.get("hostname", "") for i in ingress) or (
        "<pending>" if spec.get("type") == "LoadBalancer" else "<none>")
    return [svc["metadata"]["name"], spec.get("type", "ClusterIP"), _none(spec.get("clusterIP")), external,
            _ports(svc), age(svc["metadata"].get("creationTimestamp")), _selector(spec.get("selector"))]


def _containers(template: Obj) -> tuple[str, str]:
    containers = template.get("spec", {}).get("containers") or []
    return ",".join(c["name"] for c in containers), ",".join(c.get("image", "") for c in containers)


def _label_selector(spec: Obj) -> str:
    selector = spec.get("selector") or {}
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        parts.append(f"{expr['key']} {expr['operator'].lower()} ({','.join(expr.get('values') or [])})")
    return ",".join(parts) or "<none>"


def _deployment(obj: Obj) -> list:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    names, images = _containers(spec.get("template", {}))
    return [obj["metadata"]["name"], f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
            status.get("updatedReplicas", 0), status.get("availableReplicas", 0),
            age(obj["metadata"].get("creationTimestamp")), names, images, _label_selector(spec)]


def _replicaset(obj: Obj) -> list:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    names, images = _containers(spec.get("template", {}))
    return [obj["metadata"]["name"], spec.get("replicas", 1), status.get("replicas", 0),
            status.get("readyReplicas", 0), age(obj["metadata"].get("creationTimestamp")),
            names, images, _label_selector(spec)]


def _daemonset(obj: Obj) -> list:
    spec, status = obj.get("spec", {}), obj.get("status", {})
    names, images = _containers(spec.get("template", {}))
    node_selector = _selector(spec.get("template", {}).get("spec", {}).get("nodeSelector"))
    return [obj["metadata"]["name"], status.get("desiredNumberScheduled", 0),
            status.get("currentNumberScheduled", 0), status.get("numberReady", 0),
            status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0), node_selector,
            age(obj["metadata"].get("creationTimestamp")), names, images, _label_selector(spec)]


def _endpoints(obj: Obj) -> list:
    addresses = [f"{a['ip']}:{p['port']}" for s in obj.get("subsets") or []
                 for a in s.get("addresses") or [] for p in s.get("ports") or []]
    shown = ",".join(addresses[:3]) + (f" + {len(addresses) - 3} more..." if len(addresses) > 3 else "")
    return [obj["metadata"]["name"], shown or "<none>", age(obj["metadata"].get("creationTimestamp"))]


def _since(stamp: str | None) -> str:
    """translateTimestampSince / translateMicroTimestampSince (MicroTime has a fraction)."""
    return age(stamp.split(".")[0] + "Z" if stamp and "." in stamp else stamp)


def _event(obj: Obj) -> list:
    """printEvent: times from first/lastTimestamp, or eventTime and series for events.k8s.io ones."""
    first = _since(obj.get("firstTimestamp") or obj.get("eventTime"))
    last = _since(obj["lastTimestamp"]) if obj.get("lastTimestamp") else first
    count = obj.get("count") or 1
    if obj.get("series"):
        last, count = _since(obj["series"].get("lastObservedTime")), obj["series"].get("count", count)
    involved = obj.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    source = obj.get("source") or {}
    origin = [source["component"], source.get("host", "")] if source.get("component") else \
        [obj.get("reportingComponent", ""), obj.get("reportingInstance", "")]
    return [last, obj.get("type", ""), obj.get("reason", ""), f"{kind}/{involved['name']}" if involved.get("name")
            else kind, involved.get("fieldPath", ""), ", ".join(p for p in origin if p),
            (obj.get("message") or "").strip(), first, count, obj["metadata"]["name"]]


def _condition_true(obj: Obj, kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True"
               for c in (obj.get("status") or {}).get("conditions") or [])


def _job_status(job: Obj) -> str:
    """printers.go printJob: the first that holds."""
    if job["metadata"].get("deletionTimestamp") and not any(
            _condition_true(job, k) for k in ("Complete", "Failed")):
        return "Terminating"
    for kind in ("Complete", "Failed"):
        if _condition_true(job, kind):
            return kind
    for kind in ("Suspended", "FailureTarget", "SuccessCriteriaMet"):
        if _condition_true(job, kind):
            return kind
    return "Running"


def _job(job: Obj) -> list:
    spec, status = job.get("spec", {}), job.get("status", {})
    succeeded, completions = status.get("succeeded", 0), spec.get("completions")
    parallelism = spec.get("parallelism", 1)
    if completions is not None:
        shown = f"{succeeded}/{completions}"
    else:
        shown = f"{succeeded}/1 of {parallelism}" if parallelism > 1 else f"{succeeded}/1"
    duration = ""
    if status.get("startTime"):
        end = _epoch(status["completionTime"]) if status.get("completionTime") else time.time()
        duration = human_duration(end - _epoch(status["startTime"]))
    names, images = _containers(spec.get("template", {}))
    return [job["metadata"]["name"], _job_status(job), shown, duration, age(job["metadata"].get("creationTimestamp")),
            names, images, _label_selector(spec)]


def _replication_controller(rc: Obj) -> list:
    spec, status = rc.get("spec", {}), rc.get("status", {})
    names, images = _containers(spec.get("template", {}))
    return [rc["metadata"]["name"], spec.get("replicas", 1), status.get("replicas", 0),
            status.get("readyReplicas", 0), age(rc["metadata"].get("creationTimestamp")), names, images,
            _selector(spec.get("selector"))]


def _binding(binding: Obj) -> list:
    """printRoleBinding / printClusterRoleBinding: the role as Kind/name, then who it binds (wide)."""
    ref = binding.get("roleRef") or {}
    subjects = binding.get("subjects") or []
    of = lambda kind: ",".join((f"{s.get('namespace')}/{s['name']}" if kind == "ServiceAccount" else s["name"])  # noqa: E731
                               for s in subjects if s.get("kind") == kind)
    return [binding["metadata"]["name"], f"{ref.get('kind', '')}/{ref.get('name', '')}",
            age(binding["metadata"].get("creationTimestamp")), of("User"), of("Group"), of("ServiceAccount")]


def _apiservice(service: Obj) -> list:
    """kube-aggregator's table: Local when there is no service; Available with the reason when not True."""
    ref = (service.get("spec") or {}).get("service")
    available = next((c for c in (service.get("status") or {}).get("conditions") or []
                      if c.get("type") == "Available"), None)
    shown = "Unknown" if available is None else available["status"] if available["status"] == "True" else \
        f"{available['status']} ({available.get('reason', '')})"
    return [service["metadata"]["name"], f"{ref.get('namespace')}/{ref.get('name')}" if ref else "Local", shown,
            age(service["metadata"].get("creationTimestamp"))]


_BINDING_COLUMNS = [_col("Name", fmt="name"), _col("Role"), _col("Age"), _col("Users", priority=1),
                    _col("Groups", priority=1), _col("ServiceAccounts", priority=1)]


_WORKLOAD_WIDE = [_col("Containers", priority=1), _col("Images", priority=1), _col("Selector", priority=1)]

PRINTERS: dict[str, tuple[list[dict], Callable[[Obj], list]]] = {
    "pods": ([_col("Name", fmt="name"), _col("Ready"), _col("Status"), _col("Restarts"), _col("Age"),
              _col("IP", priority=1), _col("Node", priority=1), _col("Nominated Node", priority=1),
              _col("Readiness Gates", priority=1)], _pod),
    "nodes": ([_col("Name", fmt="name"), _col("Status"), _col("Roles"), _col("Age"), _col("Version"),
               _col("Internal-IP", priority=1), _col("External-IP", priority=1), _col("OS-Image", priority=1),
               _col("Kernel-Version", priority=1), _col("Container-Runtime", priority=1)], _node),
    "namespaces": ([_col("Name", fmt="name"), _col("Status"), _col("Age")],
                   lambda o: [o["metadata"]["name"], o.get("status", {}).get("phase", ""),
                              age(o["metadata"].get("creationTimestamp"))]),
    "services": ([_col("Name", fmt="name"), _col("Type"), _col("Cluster-IP"), _col("External-IP"),
                  _col("Port(s)"), _col("Age"), _col("Selector", priority=1)], _service),
    "deployments.apps": ([_col("Name", fmt="name"), _col("Ready"), _col("Up-to-date", "integer"),
                          _col("Available", "integer"), _col("Age")] + _WORKLOAD_WIDE, _deployment),
    "replicasets.apps": ([_col("Name", fmt="name"), _col("Desired", "integer"), _col("Current", "integer"),
                          _col("Ready", "integer"), _col("Age")] + _WORKLOAD_WIDE, _replicaset),
    "daemonsets.apps": ([_col("Name", fmt="name"), _col("Desired", "integer"), _col("Current", "integer"),
                         _col("Ready", "integer"), _col("Up-to-date", "integer"), _col("Available", "integer"),
                         _col("Node Selector"), _col("Age")] + _WORKLOAD_WIDE, _daemonset),
    "configmaps": ([_col("Name", fmt="name"), _col("Data", "integer"), _col("Age")],
                   lambda o: [o["metadata"]["name"], len(o.get("data") or {}) + len(o.get("binaryData") or {}),
                              age(o["metadata"].get("creationTimestamp"))]),
    "secrets": ([_col("Name", fmt="name"), _col("Type"), _col("Data", "integer"), _col("Age")],
                lambda o: [o["metadata"]["name"], o.get("type", "Opaque"), len(o.get("data") or {}),
                           age(o["metadata"].get("creationTimestamp"))]),
    "endpoints": ([_col("Name", fmt="name"), _col("Endpoints"), _col("Age")], _endpoints),
    "events": ([_col("Last Seen"), _col("Type"), _col("Reason"), _col("Object"), _col("Subobject", priority=1),
                _col("Source", priority=1), _col("Message"), _col("First Seen", priority=1),
                _col("Count", "integer", priority=1), _col("Name", priority=1)], _event),
    "jobs.batch": ([_col("Name", fmt="name"), _col("Status"), _col("Completions"), _col("Duration"), _col("Age")]
                   + _WORKLOAD_WIDE, _job),
    "replicationcontrollers": ([_col("Name", fmt="name"), _col("Desired", "integer"), _col("Current", "integer"),
                                _col("Ready", "integer"), _col("Age")] + _WORKLOAD_WIDE, _replication_controller),
    "rolebindings.rbac.authorization.k8s.io": (_BINDING_COLUMNS, _binding),
    "clusterrolebindings.rbac.authorization.k8s.io": (_BINDING_COLUMNS, _binding),
    "apiservices.apiregistration.k8s.io": ([_col("Name", fmt="name"), _col("Service"), _col("Available"),
                                            _col("Age")], _apiservice),
    "serviceaccounts": ([_col("Name", fmt="name"), _col("Secrets", "integer"), _col("Age")],
                        lambda o: [o["metadata"]["name"], len(o.get("secrets") or []),
                                   age(o["metadata"].get("creationTimestamp"))]),
}


def _jsonpath(obj: Obj, path: str) -> Any:
    node: Any = obj
    for part in path.strip().lstrip(".").split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _custom(resource: ResourceType) -> tuple[list[dict], Callable[[Obj], list]]:
    columns = list(resource.printer_columns) or [{"name": "Age", "type": "date",
                                                  "jsonPath": ".metadata.creationTimestamp"}]
    definitions = [_col("Name", fmt="name")] + [
        _col(c["name"], c.get("type", "string"), c.get("priority", 0), c.get("format", ""),
             c.get("description", "")) for c in columns]

    def cells(obj: Obj) -> list:
        row: list[Any] = [obj["metadata"]["name"]]
        for column in columns:
            value = _jsonpath(obj, column["jsonPath"])
            row.append(age(value) if column.get("type") == "date" and value else value)
        return row
    return definitions, cells


def _default() -> tuple[list[dict], Callable[[Obj], list]]:
    return ([_col("Name", fmt="name"), _col("Created At", "date")],
            lambda o: [o["metadata"]["name"], o["metadata"].get("creationTimestamp")])


def table(resource: ResourceType, objects: list[Obj], resource_version: str, include: str) -> Obj:
    """include: Object | Metadata | None (the includeObject parameter; kubectl's default is Metadata)."""
    definitions, cells = PRINTERS.get(resource.key) or (_custom(resource) if resource.custom else _default())
    rows = []
    for obj in objects:
        row: Obj = {"cells": cells(obj)}
        if include == "Object":
            row["object"] = obj
        elif include != "None":
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                             "metadata": obj["metadata"]}
        rows.append(row)
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": resource_version},
            "columnDefinitions": definitions, "rows": rows}
