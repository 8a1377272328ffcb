"""A server-side apply of a value above U+FFFF (an emoji in REACT_APP_COMPANY_NAME).

The API server reads an apply body with go-yaml v2, which refuses the surrogate-pair escape that the
Python client's `json.dumps` writes (kubernetes/apiserver `pkg/endpoints/handlers/patch.go`
newApplyPatcher -> apimachinery `pkg/util/yaml/decoder.go` Unmarshal -> sigs.k8s.io/yaml -> yaml/go-yaml
v2 `scannerc.go` "found invalid Unicode character escape code"; docs/platform.md §18.7). The emulator
answers that body as the API server does, and the suite's apply writes one the server reads.
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from kubernetes.client.exceptions import ApiException
from kubernetes.dynamic import DynamicClient

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
        "error decoding patch: error converting YAML to JSON: yaml: line 1: found invalid Unicode character "
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
