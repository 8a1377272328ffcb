"""The protobuf request decoder on hand-written bytes: the envelope, the built-in kinds' messages, the
JSON forms of the special types, and the refusals of malformed input.

The bytes are written here from the field numbers of the upstream `generated.proto` files
(github.com/kubernetes/api v0.35.1 core/v1, batch/v1, rbac/v1, apps/v1; github.com/kubernetes/apimachinery
v0.35.1 pkg/runtime, pkg/apis/meta/v1, pkg/util/intstr, pkg/api/resource), not from the derived table, so a
wrong table fails them. The error words are those of apimachinery's `serializer/protobuf/protobuf.go` and the
gogo unmarshalers.
"""
from __future__ import annotations

import base64
import json

import pytest

from emulator.apiserver import protobuf_body
from emulator.apiserver.protobuf_body import DecodeError, UnknownKind
from emulator.apiserver.protobuf_schema import derive


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def num(number: int, value: int) -> bytes:
    return varint(number << 3) + varint(value)


def msg(number: int, *parts: bytes | str) -> bytes:
    payload = b"".join(p.encode() if isinstance(p, str) else p for p in parts)
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def entry(number: int, key: str, value: bytes | str) -> bytes:
    return msg(number, msg(1, key), msg(2, value))


def envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    """runtime.Unknown {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2}, after the magic k8s\\0."""
    return b"k8s\x00" + msg(1, msg(1, api_version), msg(2, kind)) + msg(2, raw)


# ObjectMeta: name = 1, namespace = 3, creationTimestamp = 8 (Time {seconds = 1}), labels = 11.
META = msg(1, msg(1, "regcred"), msg(3, "default"), msg(8, b""), entry(11, "app", "web"))


def test_secret_data_bytes_come_out_base64_and_stringdata_as_text():
    # Secret: metadata = 1, data = 2 (map<string, bytes>), type = 3, stringData = 4.
    config = b'{"auths":{"r":{"username":"u"}}}'
    body = envelope("v1", "Secret", META + entry(2, ".dockerconfigjson", config)
                    + msg(3, "kubernetes.io/dockerconfigjson") + entry(4, "note", "plain"))
    secret = protobuf_body.decode(body, "v1", "Secret")
    assert secret["apiVersion"] == "v1" and secret["kind"] == "Secret"
    assert json.loads(base64.b64decode(secret["data"][".dockerconfigjson"])) == json.loads(config)
    assert secret["type"] == "kubernetes.io/dockerconfigjson" and secret["stringData"] == {"note": "plain"}
    # A zero Time is null in JSON (absent); labels are a map<string, string>.
    assert secret["metadata"] == {"name": "regcred", "namespace": "default", "labels": {"app": "web"}}


def test_job_template_image_and_pointer_zeros_survive_while_value_zeros_are_omitted():
    # JobSpec: parallelism = 1 (*int32), template = 6; PodTemplateSpec spec = 2; PodSpec containers = 2,
    # restartPolicy = 3, hostNetwork = 11 (bool, omitempty); Container name = 1, image = 2, stdin = 16.
    container = msg(2, msg(1, "j"), msg(2, "busybox"), num(16, 0))
    spec = msg(2, num(1, 0), msg(6, msg(2, container, msg(3, "Never"), num(11, 0))))
    job = protobuf_body.decode(envelope("batch/v1", "Job", msg(1, msg(1, "j")) + spec), "batch/v1", "Job")
    assert job["spec"]["parallelism"] == 0
    assert job["spec"]["template"]["spec"] == {"containers": [{"name": "j", "image": "busybox"}],
                                               "restartPolicy": "Never"}


def test_rbac_repeated_strings_and_nested_messages():
    # Role rules = 2; PolicyRule verbs = 1, apiGroups = 2, resources = 3 (repeated string).
    rule = msg(2, msg(1, "get"), msg(1, "list"), msg(2, ""), msg(3, "pods"))
    role = protobuf_body.decode(envelope("rbac.authorization.k8s.io/v1", "Role", msg(1, msg(1, "r")) + rule),
                                "rbac.authorization.k8s.io/v1", "Role")
    assert role["rules"] == [{"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]}]
    # ClusterRoleBinding subjects = 2 {kind = 1, name = 3}, roleRef = 3 {apiGroup = 1, kind = 2, name = 3}.
    binding = protobuf_body.decode(envelope("rbac.authorization.k8s.io/v1", "ClusterRoleBinding",
                                            msg(2, msg(1, "User"), msg(3, "u"))
                                            + msg(3, msg(1, "rbac.authorization.k8s.io"), msg(2, "ClusterRole"),
                                                  msg(3, "view"))), "rbac.authorization.k8s.io/v1", "")
    assert binding["kind"] == "ClusterRoleBinding" and binding["subjects"][0]["name"] == "u"
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}


def test_intorstring_quantity_time_and_negative_ints_take_their_json_forms():
    # ServicePort port = 3, targetPort = 4 (IntOrString {type = 1, intVal = 2, strVal = 3}); a Service's
    # spec = 2 with ports = 1. Container resources = 8 {limits = 1 map<string, Quantity {string = 1}>}.
    ports = msg(1, num(3, 80), msg(4, num(1, 1), msg(3, "http"))) + msg(1, num(3, 81), msg(4, num(1, 0), num(2, 8080)))
    service = protobuf_body.decode(envelope("v1", "Service", msg(2, ports)), "v1", "Service")
    assert [p["targetPort"] for p in service["spec"]["ports"]] == ["http", 8080]
    container = msg(2, msg(1, "c"), msg(8, msg(1, msg(1, "cpu"), msg(2, msg(1, "500m")))))
    pod = protobuf_body.decode(envelope("v1", "Pod", msg(1, msg(8, num(1, 1767225600))) + msg(2, container)
                                        ), "v1", "Pod")
    assert pod["spec"]["containers"][0]["resources"] == {"limits": {"cpu": "500m"}}
    assert pod["metadata"]["creationTimestamp"] == "2026-01-01T00:00:00Z"
    # DeploymentSpec replicas = 1 is an *int32: a negative value is sign-extended to ten bytes on the wire.
    deployment = protobuf_body.decode(envelope("apps/v1", "Deployment", msg(2, num(1, -1))), "apps/v1", "")
    assert deployment["spec"]["replicas"] == -1


def test_missing_kind_and_version_come_from_the_request_path():
    body = b"k8s\x00" + msg(1) + msg(2, msg(1, msg(1, "x")), entry(2, "a", "b"))
    assert protobuf_body.decode(body, "v1", "ConfigMap") == {
        "kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "x"}, "data": {"a": "b"}}


@pytest.mark.parametrize(("body", "words"), [
    (b"", "empty data"),
    (b"k8s\x00", "empty body"),
    (b'{"kind":"ConfigMap"}', "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"),
    (b"k8s\x00\x12\x85", "unexpected EOF"),                          # a length varint cut short
    (b"k8s\x00\x12\x05ab", "unexpected EOF"),                        # a length beyond the body
    (b"k8s\x00" + b"\xff" * 11, "proto: integer overflow"),           # a varint longer than 64 bits
    (b"k8s\x00\x0c", "proto: Unknown: wiretype end group for non-group"),
])
def test_malformed_envelopes_are_refused_with_the_serializers_words(body, words):
    with pytest.raises(DecodeError) as refused:
        protobuf_body.decode(body, "v1", "ConfigMap")
    assert str(refused.value) == words and not refused.value.kind_known


def test_a_malformed_message_names_its_kind_and_version():
    with pytest.raises(DecodeError) as refused:
        protobuf_body.decode(envelope("v1", "ConfigMap", b"\x0a\x09\x0a"), "v1", "ConfigMap")
    assert str(refused.value) == "unexpected EOF"
    assert (refused.value.kind_known, refused.value.version) == ("ConfigMap", "v1")
    with pytest.raises(DecodeError, match="wrong wireType = 0 for field data"):
        protobuf_body.decode(envelope("v1", "ConfigMap", num(2, 1)), "v1", "ConfigMap")


def test_a_kind_without_a_message_is_unknown():
    with pytest.raises(UnknownKind):
        protobuf_body.decode(envelope("crd.projectcalico.org/v1", "IPPool", b""), "crd.projectcalico.org/v1", "IPPool")


def test_derive_reads_fields_maps_and_go_omitempty():
    proto = """
package k8s.io.api.demo.v1;
// A comment with = 9; inside.
message Thing {
  optional k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;
  repeated string names = 2;
  map<string, bytes> data = 3;
  optional Other other = 4;
}
"""
    assert derive.parse_proto(proto) == {"k8s.io.api.demo.v1.Thing": {
        "1": ["metadata", "optional", "k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta"],
        "2": ["names", "repeated", "string"], "3": ["data", "map", "bytes", "string"],
        "4": ["other", "optional", "k8s.io.api.demo.v1.Other"]}}
    go = '''
type Thing struct {
\tReplicas *int32 `json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`
\tPaused bool `json:"paused,omitempty" protobuf:"varint,7,opt,name=paused"`
\tPort int32 `json:"port" protobuf:"varint,3,opt,name=port"`
}
'''
    assert derive.omitted_when_zero(go) == {"Thing": [7]}
