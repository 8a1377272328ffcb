"""A container's environment as the kubelet builds it (pkg/kubelet/kubelet_pods.go
makeEnvironmentVariables, pkg/kubelet/envvars/envvars.go FromServices): service links, then
envFrom, then env with $(VAR) expansion and valueFrom references. A reference that cannot be
resolved is left out here; `config_error` is the kubelet's refusal to create such a container
(CreateContainerConfigError, docs/platform.md §23.2), which the kubelet checks before it starts one."""
from __future__ import annotations

import base64
import re

from .cluster_view import ClusterView
from .network import pod_ip

# `$(VAR)` expands, `$$(VAR)` escapes (third_party/forked/golang/expansion)
_REFERENCE = re.compile(r"\$\$|\$\(([^)]*)\)")
_FIELD_KEY = re.compile(r"^metadata\.(labels|annotations)\['(.+)'\]$")


def container_env(pod: dict, container: dict, view: ClusterView) -> dict[str, str]:
    namespace = pod["metadata"].get("namespace", "default")
    service_env = _service_links(pod, view) if pod["spec"].get("enableServiceLinks", True) else {}
    service_env.update(_service_links_of(_kubernetes_service(view)))
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        env.update(_env_from(source, namespace, view))
    for var in container.get("env") or []:
        if "value" in var or "valueFrom" not in var:
            env[var["name"]] = _expand(var.get("value", ""), env, service_env)
        elif (value := _value_from(var["valueFrom"], pod, namespace, view)) is not None:
            env[var["name"]] = value
    return {**service_env, **env}


def _expand(value: str, env: dict[str, str], service_env: dict[str, str]) -> str:
    def substitute(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group(1)
        return env.get(name, service_env.get(name, match.group(0)))
    return _REFERENCE.sub(substitute, value)


def _env_from(source: dict, namespace: str, view: ClusterView) -> dict[str, str]:
    prefix = source.get("prefix", "")
    if "configMapRef" in source:
        data = _object_data(view.configmaps(), source["configMapRef"].get("name"), namespace, encoded=False)
    else:
        data = _object_data(view.secrets(), (source.get("secretRef") or {}).get("name"), namespace, encoded=True)
    # RelaxedEnvironmentVariableValidation (GA in 1.34): any printable ASCII name without '='
    return {prefix + key: value for key, value in (data or {}).items()
            if all(32 <= ord(c) < 127 for c in prefix + key) and "=" not in prefix + key}


def _value_from(source: dict, pod: dict, namespace: str, view: ClusterView) -> str | None:
    if ref := source.get("configMapKeyRef"):
        data = _object_data(view.configmaps(), ref.get("name"), namespace, encoded=False)
        return (data or {}).get(ref.get("key"))
    if ref := source.get("secretKeyRef"):
        data = _object_data(view.secrets(), ref.get("name"), namespace, encoded=True)
        return (data or {}).get(ref.get("key"))
    if ref := source.get("fieldRef"):
        return _field(pod, ref.get("fieldPath", ""))
    return None


def _field(pod: dict, path: str) -> str | None:
    """pkg/kubelet/kubelet_pods.go podFieldSelectorRuntimeValue and fieldpath.ExtractFieldPathAsString."""
    meta, spec, status = pod["metadata"], pod["spec"], pod.get("status") or {}
    if match := _FIELD_KEY.match(path):
        return (meta.get(match.group(1)) or {}).get(match.group(2), "")
    values = {
        "metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
        "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
        "spec.serviceAccountName": spec.get("serviceAccountName", "default"),
        "status.hostIP": status.get("hostIP"), "status.podIP": pod_ip(pod),
        "status.podIPs": ",".join(p["ip"] for p in status.get("podIPs") or []),
        "status.hostIPs": ",".join(p["ip"] for p in status.get("hostIPs") or []),
    }
    return values.get(path)


def _object_data(objects: list[dict], name: str | None, namespace: str, encoded: bool) -> dict[str, str] | None:
    for obj in objects:
        if (obj["metadata"]["name"], obj["metadata"].get("namespace")) == (name, namespace):
            data = dict(obj.get("data") or {})
            if encoded:
                data = {k: base64.b64decode(v).decode("utf-8", "replace") for k, v in data.items()}
                data.update(obj.get("stringData") or {})
            return data
    return None


def _service_links(pod: dict, view: ClusterView) -> dict[str, str]:
    namespace = pod["metadata"].get("namespace", "default")
    env: dict[str, str] = {}
    for service in view.services():
        if service["metadata"].get("namespace") == namespace:
            env.update(_service_links_of(service))
    return env


def _kubernetes_service(view: ClusterView) -> dict | None:
    for service in view.services():
        if (service["metadata"]["name"], service["metadata"].get("namespace")) == ("kubernetes", "default"):
            return service
    return None


def _service_links_of(service: dict | None) -> dict[str, str]:
    """envvars.go FromServices: only services with a ClusterIP; the first port is the default."""
    if service is None:
        return {}
    spec = service.get("spec") or {}
    host = spec.get("clusterIP")
    ports = spec.get("ports") or []
    if not host or host == "None" or not ports:
        return {}
    prefix = service["metadata"]["name"].upper().replace("-", "_")
    env = {f"{prefix}_SERVICE_HOST": host, f"{prefix}_SERVICE_PORT": str(ports[0]["port"])}
    for port in ports:
        if port.get("name"):
            env[f"{prefix}_SERVICE_PORT_{port['name'].upper().replace('-', '_')}"] = str(port["port"])
    for index, port in enumerate(ports):
        protocol = port.get("protocol", "TCP")
        link = f"{prefix}_PORT_{port['port']}_{protocol.upper()}"
        url = f"{protocol.lower()}://{host}:{port['port']}"
        if index == 0:
            env[f"{prefix}_PORT"] = url
        env.update({link: url, f"{link}_PROTO": protocol.lower(),
                    f"{link}_PORT": str(port["port"]), f"{link}_ADDR": host})
    return env


def config_error(pod: dict, container: dict, config_maps: list[dict], secrets: list[dict]) -> str | None:
    """The kubelet's first error building the container's environment (`kubelet_pods.go`
    makeEnvironmentVariables: envFrom, then env), or None: a ConfigMap or Secret that is not there
    is the watch manager's NotFound (`configmap "x" not found`), a key that is not there
    `couldn't find key K in ConfigMap ns/x`; optional references are skipped."""
    namespace = pod["metadata"].get("namespace", "default")
    stores = {"configMap": config_maps, "secret": secrets}
    for source in container.get("envFrom") or []:
        for kind in ("configMap", "secret"):
            ref = source.get(f"{kind}Ref")
            if ref is not None and _named(stores[kind], ref.get("name"), namespace) is None and not ref.get("optional"):
                return f'{kind.lower()} "{ref.get("name")}" not found'
    for var in container.get("env") or []:
        for kind, label in (("configMap", "ConfigMap"), ("secret", "Secret")):
            ref = (var.get("valueFrom") or {}).get(f"{kind}KeyRef")
            if ref is None or ref.get("optional"):
                continue
            found = _named(stores[kind], ref.get("name"), namespace)
            if found is None:
                return f'{kind.lower()} "{ref.get("name")}" not found'
            if ref.get("key") not in {**(found.get("data") or {}), **(found.get("binaryData") or {})}:
                return f"couldn't find key {ref.get('key')} in {label} {namespace}/{ref.get('name')}"
    return None


def _named(objects: list[dict], name: str | None, namespace: str) -> dict | None:
    return next((o for o in objects if (o["metadata"]["name"], o["metadata"].get("namespace")) == (name, namespace)),
                None)
