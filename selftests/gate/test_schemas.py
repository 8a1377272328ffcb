"""Schema validation of built-in kinds: strict, every error, the Kubernetes version an argument."""
from __future__ import annotations

import pytest

from fixtures.gate.schemas import UnsupportedVersion, minor_version, schema_set, schema_version, validate_object


def deployment(**container):
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "img", **container}]}}}}


def test_a_valid_object_has_no_findings():
    assert validate_object(deployment(ports=[{"name": "http", "containerPort": 3000}])) == []


def test_every_error_of_an_object_is_reported_with_its_path():
    body = deployment(containerport=3000, ports=[{"containerPort": "80"}])
    body["spec"]["replicas"] = "2"
    del body["spec"]["selector"]
    found = {f.field: f.message for f in validate_object(body)}
    assert found == {
        "spec.template.spec.containers[0].containerport": found["spec.template.spec.containers[0].containerport"],
        "spec.template.spec.containers[0].ports[0].containerPort": "'80' is a string, but must be integer",
        "spec.replicas": "'2' is a string, but must be integer",
        "spec": "missing required field 'selector'",
    }
    assert "unknown field 'containerport'" in found["spec.template.spec.containers[0].containerport"]


def test_unknown_fields_suggest_the_right_one():
    body = deployment(ports=[{"containerport": 3000}])
    messages = [f.message for f in validate_object(body)]
    assert any("did you mean 'containerPort'?" in m for m in messages)


def test_int_or_string_message():
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
           "spec": {"ports": [{"port": 80, "targetPort": [3000]}]}}
    found = {f.field: f.message for f in validate_object(svc)}
    assert found == {"spec.ports[0].targetPort": "[3000] is a list, but must be integer or string"}


def test_secret_values_stay_out_of_messages():
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"password": 424242}}
    (finding,) = validate_object(secret)
    assert finding.field == "data.password" and "424242" not in str(finding)


@pytest.mark.parametrize("body, severity, expected", [
    ({"apiVersion": "extensions/v1beta1", "kind": "Deployment", "metadata": {"name": "x"}}, "error",
     "write apiVersion: apps/v1"),
    ({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}}, "error", "did you mean Deployment?"),
    ({"apiVersion": "v1", "kind": "Servise", "metadata": {"name": "x"}}, "error", "did you mean Service?"),
    ({"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor"}, "warning", "custom resource"),
])
def test_kinds_the_version_does_not_serve(body, severity, expected):
    (finding,) = validate_object(body)
    assert finding.severity == severity and expected in finding.message


def test_calico_kinds_are_left_to_the_pool_checks():
    outcome = schema_set().check({"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool", "spec": {"x": 1}})
    assert outcome.findings == [] and outcome.status.startswith("skipped")


def test_the_kubernetes_version_decides():
    claim = {"apiVersion": "resource.k8s.io/v1", "kind": "ResourceClaim", "metadata": {"name": "c"}, "spec": {}}
    assert validate_object(claim, "1.35") == []
    assert "does not serve ResourceClaim as resource.k8s.io/v1" in validate_object(claim, "1.30")[0].message


@pytest.mark.parametrize("requested, used", [("1.35", "1.35"), ("v1.35.1", "1.35"), ("1.99", "1.37"), ("1.25", "1.25")])
def test_schema_version(requested, used):
    assert schema_version(requested) == used


@pytest.mark.parametrize("requested, minor",
                         [("v1.35.1", "1.35"), ("1.30", "1.30"), (None, "1.35"), ("stable", "1.35")])
def test_minor_version(requested, minor):
    assert minor_version(requested) == minor


@pytest.mark.parametrize("requested", ["1.10", "latest"])
def test_unsupported_versions(requested):
    with pytest.raises(UnsupportedVersion):
        schema_version(requested)
