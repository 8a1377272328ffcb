"""Discovery documents, trailing slashes, and the Calico group following its CRDs."""
from __future__ import annotations

import json

from kubernetes import client

from selftests.emulator_api.rawhttp import raw


def _get(cluster, path):
    status, body = raw(cluster, "GET", path)
    assert status == 200, (path, status, body)
    return json.loads(body)


def test_core_and_group_discovery(emulated_cluster):
    core = _get(emulated_cluster, "/api/v1")
    assert core["kind"] == "APIResourceList" and core["groupVersion"] == "v1"
    pods = next(r for r in core["resources"] if r["name"] == "pods")
    assert pods["shortNames"] == ["po"] and pods["namespaced"] and "watch" in pods["verbs"]
    names = {r["name"] for r in core["resources"]}
    assert {"pods/log", "pods/exec", "pods/portforward", "pods/status", "nodes", "namespaces"} <= names
    groups = {g["name"]: g for g in _get(emulated_cluster, "/apis")["groups"]}
    assert {"apps", "discovery.k8s.io", "apiextensions.k8s.io", "policy", "crd.projectcalico.org"} <= set(groups)
    assert groups["crd.projectcalico.org"]["preferredVersion"] == {"groupVersion": "crd.projectcalico.org/v1",
                                                                    "version": "v1"}
    calico = _get(emulated_cluster, "/apis/crd.projectcalico.org/v1")
    kinds = {r["name"]: r for r in calico["resources"]}
    assert len(kinds) == 22 and kinds["ippools"]["namespaced"] is False and kinds["ippools"]["kind"] == "IPPool"
    assert kinds["networkpolicies"]["namespaced"] is True


def test_trailing_slashes_are_tolerated(emulated_cluster):
    for path in ("/version/", "/api/", "/api/v1/", "/apis/", "/apis/apps/v1/"):
        assert raw(emulated_cluster, "GET", path)[0] == 200, path
    assert _get(emulated_cluster, "/version")["gitVersion"] == "v1.35.1"


def test_typed_discovery_apis(api):
    assert client.VersionApi(api).get_code().git_version == "v1.35.1"
    assert client.CoreApi(api).get_api_versions().versions == ["v1"]
    assert "crd.projectcalico.org" in {g.name for g in client.ApisApi(api).get_api_versions().groups}


def test_calico_group_disappears_with_its_crds(api, emulated_cluster):
    extensions = client.ApiextensionsV1Api(api)
    for crd in extensions.list_custom_resource_definition().items:
        if crd.spec.group == "crd.projectcalico.org":
            extensions.delete_custom_resource_definition(crd.metadata.name)
    assert "crd.projectcalico.org" not in {g.name for g in client.ApisApi(api).get_api_versions().groups}
    assert raw(emulated_cluster, "GET", "/apis/crd.projectcalico.org/v1")[0] == 404
    status, body = raw(emulated_cluster, "GET", "/apis/crd.projectcalico.org/v1/ippools")
    assert status == 404 and json.loads(body)["message"] == "the server could not find the requested resource"


def test_new_crd_is_served_at_once(api, emulated_cluster):
    client.ApiextensionsV1Api(api).create_custom_resource_definition({
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                     "type": "object", "x-kubernetes-preserve-unknown-fields": True}},
                     "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]}]}})
    created = client.CustomObjectsApi(api).create_namespaced_custom_object(
        "example.com", "v1", "default", "widgets",
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": {"size": 3}})
    assert created["metadata"]["namespace"] == "default"
    status, body = raw(emulated_cluster, "GET", "/apis/example.com/v1/namespaces/default/widgets",
                       headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
    table = json.loads(body)
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Size"]
    assert table["rows"][0]["cells"] == ["w", 3]
