"""Protobuf request bodies end to end: the real kubectl's imperative `create` commands (which send
`Content-Type: application/vnd.kubernetes.protobuf` and `Accept: application/vnd.kubernetes.protobuf,
application/json`), and the apiserver's answers to bodies it cannot read.

Sources: kubernetes/apiserver v0.35.1 `pkg/endpoints/handlers/create.go` and `rest.go` transformDecodeError
(a body that does not decode is 400 "the object provided is unrecognized (must be of type <Kind>): <error>
(<hex of its first 30 bytes> ...)"), `handlers/negotiation/errors.go` errNotAcceptable (406), apimachinery
`pkg/runtime/serializer/protobuf/protobuf.go` (the magic `k8s\\x00`). Custom resources are served without
protobuf (apiextensions-apiserver), hence 415 for them.
"""
from __future__ import annotations

import base64
import json

from .rawhttp import raw

PROTOBUF = "application/vnd.kubernetes.protobuf"


def _get(kubectl, *what: str) -> dict:
    return json.loads(kubectl("get", *what, "-o", "json").stdout)


def test_kubectl_create_secret_configmap_namespace_serviceaccount_deployment_are_stored(kubectl):
    kubectl("create", "secret", "docker-registry", "regcred", "--docker-username=u", "--docker-password=p")
    secret = _get(kubectl, "secret", "regcred")
    assert secret["type"] == "kubernetes.io/dockerconfigjson"
    auths = json.loads(base64.b64decode(secret["data"][".dockerconfigjson"]))["auths"]
    assert [entry["username"] for entry in auths.values()] == ["u"]

    kubectl("create", "configmap", "x", "--from-literal=a=b", "--from-literal=empty=")
    assert _get(kubectl, "configmap", "x")["data"] == {"a": "b", "empty": ""}

    kubectl("create", "namespace", "students")
    assert _get(kubectl, "namespace", "students")["metadata"]["labels"] == {"kubernetes.io/metadata.name": "students"}

    kubectl("create", "serviceaccount", "builder")
    assert _get(kubectl, "serviceaccount", "builder")["metadata"]["name"] == "builder"

    kubectl("create", "deployment", "web", "--image=nginx:1.27", "--replicas=0", "--port=80")
    spec = _get(kubectl, "deployment", "web")["spec"]
    assert spec["replicas"] == 0 and spec["selector"] == {"matchLabels": {"app": "web"}}
    container = spec["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1.27" and container["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    # Value fields at their zero (stdin, paused, hostPort) stay out of JSON, as the Go types' omitempty does.
    assert "stdin" not in container and "paused" not in spec


def test_kubectl_create_verbose_shows_the_protobuf_request(kubectl):
    out = kubectl("create", "configmap", "y", "--from-literal=k=v", "-v=8").stderr
    assert f"Content-Type: {PROTOBUF}" in out and "201 Created" in out


def test_a_body_without_the_magic_is_a_bad_request_naming_the_type(emulated_cluster):
    sent = b'{"kind":"ConfigMap"}'
    status, text = raw(emulated_cluster, "POST", "/api/v1/namespaces/default/configmaps", sent,
                       {"Content-Type": PROTOBUF})
    body = json.loads(text)
    assert (status, body["reason"]) == (400, "BadRequest")
    assert body["message"] == ("the object provided is unrecognized (must be of type ConfigMap): provided data does "
                               "not appear to be a protobuf message, expected prefix [107 56 115 0] "
                               f"({sent.hex()})")


def test_a_truncated_message_names_its_kind(emulated_cluster):
    # runtime.Unknown {typeMeta {apiVersion "v1", kind "ConfigMap"}, raw: ConfigMap {metadata: 9 bytes, 1 sent}}
    body = b"k8s\x00\x0a\x0f\x0a\x02v1\x12\x09ConfigMap\x12\x03\x0a\x09\x0a"
    status, text = raw(emulated_cluster, "POST", "/api/v1/namespaces/default/configmaps", body,
                       {"Content-Type": PROTOBUF})
    assert status == 400
    assert json.loads(text)["message"] == 'ConfigMap in version "v1" cannot be handled as a ConfigMap: unexpected EOF'


def test_protobuf_only_accept_is_not_acceptable_and_json_fallback_is_served(emulated_cluster):
    status, text = raw(emulated_cluster, "GET", "/api/v1/namespaces", headers={"Accept": PROTOBUF})
    assert status == 406 and json.loads(text)["reason"] == "NotAcceptable"
    assert json.loads(text)["message"] == "only the following media types are accepted: application/json"
    status, text = raw(emulated_cluster, "GET", "/api/v1/namespaces",
                       headers={"Accept": f"{PROTOBUF}, application/json"})
    assert status == 200 and json.loads(text)["kind"] == "NamespaceList"


def test_custom_resources_take_no_protobuf(emulated_cluster):
    status, text = raw(emulated_cluster, "POST", "/apis/crd.projectcalico.org/v1/ippools", b"k8s\x00\x0a\x00",
                       {"Content-Type": PROTOBUF})
    assert status == 415 and json.loads(text)["reason"] == "UnsupportedMediaType"


def test_kubectl_auth_can_i_and_whoami_send_their_reviews_as_protobuf(kubectl):
    """`kubectl auth can-i` posts a SelfSubjectAccessReview and `auth whoami` a SelfSubjectReview, both as
    protobuf (kubernetes/api v0.35.1 `authorization/v1/generated.proto`, `authentication/v1/generated.proto`);
    they answered 415 while the table held only core, apps, batch and rbac."""
    assert kubectl("auth", "can-i", "create", "pods").stdout.strip() == "yes"
    verbose = kubectl("auth", "can-i", "delete", "nodes", "-v=8").stderr
    assert f"Content-Type: {PROTOBUF}" in verbose and "selfsubjectaccessreviews" in verbose
    rows = dict(line.split(None, 1) for line in kubectl("auth", "whoami").stdout.strip().splitlines()[1:])
    assert rows["Username"].strip() == "minikube-user" and "system:masters" in rows["Groups"]
