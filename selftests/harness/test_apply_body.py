"""Server-side apply bodies as the API server reads them: a value above U+FFFF (an emoji in
REACT_APP_COMPANY_NAME), and a field the kind does not declare.

The API server reads an apply body with go-yaml v2, which refuses the surrogate-pair escape that the
Python client's `json.dumps` writes (kubernetes/apiserver `pkg/endpoints/handlers/patch.go`
newApplyPatcher -> apimachinery `pkg/util/yaml/decoder.go` Unmarshal -> sigs.k8s.io/yaml -> yaml/go-yaml
v2 `scannerc.go` "found invalid Unicode character escape code"; docs/platform.md §18.7). The emulator
answers that body as the API server does, and the suite's apply writes one the server reads.
"""
from __future__ import annotations

import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import DynamicApiError

from emulator import EmulatedCluster, Timeline
from emulator.apiserver.apirequest import SURROGATE_ESCAPE
from fixtures.cluster.apply_body import apply_body
from fixtures.cluster.kube import Kube

COMPANY = "ITMO 🚀 Университет"


def config_map(company: str) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "react-config", "namespace": "default"},
            "data": {"REACT_APP_USERNAME": "Renée Müller", "REACT_APP_COMPANY_NAME": company}}


@pytest.fixture(scope="module")
def cluster():
    with EmulatedCluster((), Timeline(scale=0.1)) as emulated:
        yield emulated


def test_the_clients_own_server_side_apply_is_refused_as_the_api_server_refuses_it(cluster, tmp_path):
    kube = Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False, cache_dir=tmp_path)
    resource = DynamicClient(kube.api_client).resources.get(api_version="v1", kind="ConfigMap")
    with pytest.raises(ApiException) as refused:
        resource.server_side_apply(body=config_map(COMPANY), name="react-config", namespace="default",
                                   field_manager="test", force_conflicts=True)
    assert refused.value.status == 400
    assert json.loads(refused.value.body)["message"] == (
        "error decoding YAML: error converting YAML to JSON: yaml: line 1: found invalid Unicode character "
        "escape code")


def test_the_suites_apply_stores_the_emoji_as_written(cluster, tmp_path):
    kube = Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False, cache_dir=tmp_path)
    applied = kube.apply(config_map(COMPANY))
    assert applied["data"]["REACT_APP_COMPANY_NAME"] == COMPANY
    assert kube.get("v1", "ConfigMap", "react-config", "default")["data"]["REACT_APP_USERNAME"] == "Renée Müller"


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.dictionaries(st.text(), st.recursive(st.text() | st.integers() | st.booleans() | st.none(),
                                               lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                                               max_leaves=10)))
def test_an_apply_body_is_the_same_json_without_a_surrogate_escape(body):
    written = apply_body(body)
    assert json.loads(written) == body
    assert not SURROGATE_ESCAPE.search(written.decode("utf-8"))


def test_an_undeclared_field_is_the_field_managers_500_and_the_suite_does_not_retry_it(cluster, tmp_path):
    """Server-side apply converts the body to a typed value before anything else (apimachinery v0.35.1
    `pkg/util/managedfields/internal/structuredmerge.go` Apply; structured-merge-diff `typed/validate.go`),
    whatever fieldValidation says, and the apiserver answers the plain error as a 500 without a reason
    (kubernetes#122480: `.spec.topologyKeys: field not declared in schema`, code 500). The emulator
    applied such a body; the suite retried the 500 for RETRY_FOR (30 s) as if the server were flaky."""
    kube = Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False, cache_dir=tmp_path)
    typo = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "react-app", "namespace": "default"},
            "spec": {"replica": 2, "selector": {"matchLabels": {"app": "a"}},
                     "template": {"metadata": {"labels": {"app": "a"}},
                                  "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}
    started = time.monotonic()
    with pytest.raises(DynamicApiError) as refused:
        kube.apply(typo)
    assert time.monotonic() - started < 5
    assert refused.value.status == 500
    assert json.loads(refused.value.body) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "code": 500,
        "message": "failed to create typed patch object (default/react-app; apps/v1, Kind=Deployment): "
                   ".spec.replica: field not declared in schema"}
    slipped = json.loads(json.dumps(typo).replace('"replica"', '"replicas"'))
    slipped["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    with pytest.raises(DynamicApiError) as keyed:
        kube.apply(slipped)
    assert json.loads(keyed.value.body)["message"].endswith(
        '.spec.template.spec.containers[name="app"].imagePullPolicyy: field not declared in schema')
