"""The derivation of the built-in catalogue from Kubernetes' API documents (emulator/apiserver/derive_resources.py).

A small swagger document in the shape of kubernetes `api/openapi-spec/swagger.json` (paths with
`x-kubernetes-action` and `x-kubernetes-group-version-kind`) and a discovery directory in the shape
of `api/discovery/`: scope comes from the `/namespaces/{namespace}/` paths, verbs from the actions
(connect operations by their HTTP method, as apiserver's installer names them), beta versions are
left out, short names and categories come from the discovery documents, and a kind 1.35.0 does not
have is refused.
"""
from __future__ import annotations

import json
from pathlib import Path

from emulator.apiserver import derive_resources as derive

GVK = "x-kubernetes-group-version-kind"


def op(action: str, kind: str, group: str = "", version: str = "v1") -> dict:
    return {"x-kubernetes-action": action, GVK: {"group": group, "kind": kind, "version": version}}


SWAGGER = {"paths": {
    "/api/v1/namespaces/{namespace}/pods": {"get": op("list", "Pod"), "post": op("post", "Pod"),
                                            "delete": op("deletecollection", "Pod"), "parameters": []},
    "/api/v1/namespaces/{namespace}/pods/{name}": {"get": op("get", "Pod"), "put": op("put", "Pod"),
                                                   "patch": op("patch", "Pod"), "delete": op("delete", "Pod")},
    "/api/v1/watch/namespaces/{namespace}/pods": {"get": op("watchlist", "Pod")},
    "/api/v1/namespaces/{namespace}/pods/{name}/exec": {"get": op("connect", "PodExecOptions"),
                                                        "post": op("connect", "PodExecOptions")},
    "/api/v1/namespaces/{namespace}/pods/{name}/eviction": {"post": op("post", "Eviction", "policy")},
    "/api/v1/namespaces": {"get": op("list", "Namespace"), "post": op("post", "Namespace")},
    "/api/v1/namespaces/{name}": {"get": op("get", "Namespace"), "delete": op("delete", "Namespace")},
    "/apis/batch/v1beta1/namespaces/{namespace}/cronjobs": {"get": op("list", "CronJob", "batch", "v1beta1")},
    "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews": {
        "post": op("post", "SelfSubjectAccessReview", "authorization.k8s.io")},
    "/api/v1/": {"get": {"operationId": "getCoreV1APIResources"}},
}}


def discovery(folder: Path) -> Path:
    folder.mkdir()
    (folder / "api__v1.json").write_text(json.dumps({"resources": [
        {"name": "pods", "shortNames": ["po"], "categories": ["all"]}, {"name": "pods/exec"},
        {"name": "namespaces", "shortNames": ["ns"]}]}))
    group = {"metadata": {"name": "authorization.k8s.io"},
             "versions": [{"resources": [{"resource": "selfsubjectaccessreviews"}]}]}
    (folder / "aggregated_v2.json").write_text(json.dumps({"items": [group]}))
    return folder


def test_scope_verbs_subresources_and_names_come_from_the_documents(tmp_path):
    kinds = {("", "v1", "Pod"), ("", "v1", "Namespace"), ("authorization.k8s.io", "v1", "SelfSubjectAccessReview")}
    data, problems = derive.derive(SWAGGER, discovery(tmp_path / "d"), kinds, derive.GROUP_PRIORITY)
    assert problems == []
    rows = {(r[0], r[2]): r for r in data["resources"]}
    assert set(rows) == {("", "pods"), ("", "namespaces"), ("authorization.k8s.io", "selfsubjectaccessreviews")}
    pods = rows[("", "pods")]
    assert pods[3:9] == ["pod", "Pod", True, ["create", "delete", "deletecollection", "get", "list", "patch", "update",
                                                "watch"], ["po"], ["all"]]
    assert pods[9] == [["eviction", "Eviction", "policy", "v1", ["create"]],
                       ["exec", "PodExecOptions", None, None, ["create", "get"]]]
    namespaces = rows[("", "namespaces")]
    assert namespaces[5] is False and namespaces[6] == ["create", "delete", "get", "list"]
    assert rows[("authorization.k8s.io", "selfsubjectaccessreviews")][5:7] == [False, ["create"]]
    assert data["groups"] == [["", ["v1"]], ["authorization.k8s.io", ["v1"]]]


def test_a_kind_the_release_lacks_or_a_resource_discovery_lacks_is_reported(tmp_path):
    swagger = {"paths": {**SWAGGER["paths"], "/api/v1/widgets": {"get": op("list", "Widget")}}}
    _, problems = derive.derive(swagger, discovery(tmp_path / "d"), {("", "v1", "Pod")}, derive.GROUP_PRIORITY)
    assert any("Namespace: not a kind of 1.35.0" in p for p in problems), problems
    assert any("widgets: not in the discovery documents" in p for p in problems), problems
