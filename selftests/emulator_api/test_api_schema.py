"""Every object the emulator serves, of every built-in kind, is valid for the version it claims
(Kubernetes 1.35 OpenAPI schemas, strict: no unknown fields), via kubernetes-validate."""
from __future__ import annotations

import json

import kubernetes_validate
import pytest
from kubernetes import client

from selftests.emulator_api.rawhttp import raw

VERSION = "1.35"


def _populate(api: client.ApiClient) -> None:
    """Objects created through the API, so defaulting is checked too."""
    core, apps = client.CoreV1Api(api), client.AppsV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "env"}, "data": {"A": "1"}})
    core.create_namespaced_secret("default", {"metadata": {"name": "s"}, "stringData": {"k": "v"}})
    core.create_namespaced_service("default", {"metadata": {"name": "react-service"}, "spec": {
        "type": "LoadBalancer", "selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 3000}]}})
    template = {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{
        "name": "app", "image": "ifilyaninitmo/itdt-contained-frontend:master", "ports": [{"containerPort": 3000}],
        "env": [{"name": "REACT_APP_USERNAME", "valueFrom": {"configMapKeyRef": {"name": "env", "key": "A"}}}],
        "readinessProbe": {"httpGet": {"path": "/", "port": 3000}}}]}}
    apps.create_namespaced_deployment("default", {"metadata": {"name": "web"}, "spec": {
        "replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template}})
    core.create_namespaced_pod("default", {"metadata": {"name": "p", "labels": {"app": "web"}},
                                           "spec": template["spec"]})
    core.create_namespace({"metadata": {"name": "labs"}})


def _served_builtin_kinds(cluster) -> list[tuple[str, str, str, bool]]:
    kinds = []
    for path, group_version in [("/api/v1", "v1")] + [
            (f"/apis/{g['preferredVersion']['groupVersion']}", g["preferredVersion"]["groupVersion"])
            for g in json.loads(raw(cluster, "GET", "/apis")[1])["groups"]]:
        resources = json.loads(raw(cluster, "GET", path)[1])["resources"]
        for resource in resources:
            if "/" not in resource["name"] and "list" in resource["verbs"]:
                kinds.append((path, group_version, resource["name"], resource["kind"]))
    return kinds


def test_every_served_object_validates_strictly(api, emulated_cluster):
    _populate(api)
    checked, invalid, kinds_seen = 0, [], set()
    for path, group_version, plural, kind in _served_builtin_kinds(emulated_cluster):
        listing = json.loads(raw(emulated_cluster, "GET", f"{path}/{plural}")[1])
        assert listing["kind"] == f"{kind}List" and isinstance(listing["items"], list)
        for item in listing["items"]:
            obj = {"apiVersion": group_version, "kind": kind, **item}
            try:
                kubernetes_validate.validate(obj, VERSION, strict=True)
            except kubernetes_validate.utils.SchemaNotFoundError:
                assert "." in group_version.split("/")[0] and not group_version.endswith("k8s.io/v1"), kind
                break
            except kubernetes_validate.ValidationError as error:
                invalid.append(f"{kind} {item['metadata'].get('namespace', '')}/{item['metadata']['name']}: "
                               f"{'.'.join(map(str, error.path))}: {error.message}")
            checked += 1
            kinds_seen.add(kind)
    assert not invalid, "\n".join(invalid)
    assert {"Node", "Pod", "Namespace", "Service", "Endpoints", "ConfigMap", "Secret", "ServiceAccount",
            "Deployment", "ReplicaSet", "DaemonSet", "EndpointSlice", "CustomResourceDefinition",
            "PodDisruptionBudget"} <= kinds_seen
    assert checked > 70


@pytest.mark.parametrize("path, expected", [
    ("/api/v1/namespaces/default/pods/missing", 404),
    ("/apis/apps/v1/namespaces/default/deployments/missing", 404),
])
def test_status_bodies_validate(emulated_cluster, path, expected):
    status, body = raw(emulated_cluster, "GET", path)
    assert status == expected
    status_body = json.loads(body)
    assert status_body["apiVersion"] == "v1" and status_body["kind"] == "Status"
    _validate_status(status_body)


def _validate_status(body: dict) -> None:
    """kubernetes-validate files Status as status-meta-v1.json (apiVersion enum ["v1"]), which its
    apiVersion-to-file mapping never reaches for `v1`: validate against that file directly."""
    import jsonschema
    from kubernetes_validate.utils import schema_contents
    from referencing import Registry, Resource
    folder = "kubernetes-json-schema/v1.35.0-local-strict"
    schema = schema_contents(f"{folder}/status-meta-v1.json", VERSION)
    registry = Resource.from_contents(schema_contents(f"{folder}/_definitions.json", VERSION)) @ (
        Resource.from_contents(schema) @ Registry())
    jsonschema.validators.Draft202012Validator(schema, registry=registry).validate(body)
