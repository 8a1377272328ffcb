"""The real kubernetes Python client (36.0.3, typed APIs) against the emulator."""
from __future__ import annotations

import json

import pytest
from kubernetes import client, watch
from kubernetes.client.rest import ApiException

from selftests.emulator_api.rawhttp import raw


def _status(error: ApiException) -> dict:
    return json.loads(error.body)


def test_typed_list_and_read(api):
    core = client.CoreV1Api(api)
    nodes = core.list_node()
    assert [n.metadata.name for n in nodes.items] == ["lab4", "lab4-m02"]
    assert int(nodes.metadata.resource_version) > 0
    node = core.read_node("lab4-m02")
    assert node.spec.pod_cidr == "10.244.1.0/24" and node.status.node_info.kubelet_version == "v1.35.1"
    deployments = client.AppsV1Api(api).list_namespaced_deployment("kube-system")
    assert sorted(d.metadata.name for d in deployments.items) == ["calico-kube-controllers", "coredns"]
    kubeadm = core.read_namespaced_config_map("kubeadm-config", "kube-system")
    assert "podSubnet: 10.244.0.0/16" in kubeadm.data["ClusterConfiguration"]


def test_create_returns_201_with_server_fields_then_409(api):
    core = client.CoreV1Api(api)
    body = client.V1ConfigMap(metadata=client.V1ObjectMeta(name="env"), data={"A": "1"})
    created, status, _ = core.create_namespaced_config_map_with_http_info("default", body)
    assert status == 201
    assert created.metadata.uid and created.metadata.resource_version and created.metadata.creation_timestamp
    with pytest.raises(ApiException) as error:
        core.create_namespaced_config_map("default", body)
    assert error.value.status == 409
    assert _status(error.value) == {
        "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
        "message": 'configmaps "env" already exists', "reason": "AlreadyExists",
        "details": {"name": "env", "kind": "configmaps"}, "code": 409}


def test_generate_name_and_service_defaults(api):
    core = client.CoreV1Api(api)
    svc = core.create_namespaced_service("default", {
        "metadata": {"generateName": "react-"}, "spec": {"type": "NodePort", "selector": {"app": "web"},
                                                          "ports": [{"port": 3000}]}})
    assert svc.metadata.name.startswith("react-") and len(svc.metadata.name) == len("react-") + 5
    port = svc.spec.ports[0]
    assert port.target_port == 3000 and port.protocol == "TCP" and 30000 <= port.node_port <= 32767
    assert svc.spec.cluster_ip.startswith("10.") and svc.spec.cluster_ip not in ("10.96.0.1", "10.96.0.10")


def test_not_found_status_names_group_and_resource(api):
    with pytest.raises(ApiException) as error:
        client.AppsV1Api(api).read_namespaced_deployment("nope", "default")
    assert error.value.status == 404
    body = _status(error.value)
    assert body["message"] == 'deployments.apps "nope" not found'
    assert body["details"] == {"name": "nope", "group": "apps", "kind": "deployments"}


def test_update_with_stale_resource_version_conflicts(api):
    core = client.CoreV1Api(api)
    created = core.create_namespaced_config_map("default", {"metadata": {"name": "cm"}, "data": {"a": "1"}})
    created.data = {"a": "2"}
    core.replace_namespaced_config_map("cm", "default", created)
    created.data = {"a": "3"}
    with pytest.raises(ApiException) as error:
        core.replace_namespaced_config_map("cm", "default", created)
    assert error.value.status == 409 and _status(error.value)["reason"] == "Conflict"
    assert "the object has been modified" in _status(error.value)["message"]


def test_invalid_object_is_422_with_causes(api):
    with pytest.raises(ApiException) as error:
        client.CoreV1Api(api).create_namespaced_pod("default", {"metadata": {"name": "Bad_Name"},
                                                               "spec": {"containers": []}})
    body = _status(error.value)
    assert error.value.status == 422 and body["reason"] == "Invalid"
    assert body["message"].startswith('Pod "Bad_Name" is invalid: [metadata.name: Invalid value: "Bad_Name"')
    assert {c["field"] for c in body["details"]["causes"]} == {"metadata.name", "spec.containers"}


def test_patch_node_labels_strategic_merge(api):
    core = client.CoreV1Api(api)
    core.patch_node("lab4", {"metadata": {"labels": {"rack": "0"}}})
    labels = core.read_node("lab4").metadata.labels
    assert labels["rack"] == "0" and labels["kubernetes.io/hostname"] == "lab4"
    core.patch_node("lab4", {"metadata": {"labels": {"rack": None}}})
    assert "rack" not in core.read_node("lab4").metadata.labels


def test_strategic_merge_merges_containers_by_name_and_merge_patch_replaces(api):
    apps = client.AppsV1Api(api)
    apps.create_namespaced_deployment("default", {
        "metadata": {"name": "web"}, "spec": {
            "replicas": 2, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                {"name": "app", "image": "img:1", "env": [{"name": "A", "value": "1"}]},
                {"name": "side", "image": "side:1"}]}}}})
    apps.patch_namespaced_deployment("web", "default", {"spec": {"template": {"spec": {"containers": [
        {"name": "app", "env": [{"name": "B", "value": "2"}]}]}}}})
    containers = apps.read_namespaced_deployment("web", "default").spec.template.spec.containers
    assert [c.name for c in containers] == ["app", "side"]
    assert [(e.name, e.value) for e in containers[0].env] == [("A", "1"), ("B", "2")]
    assert containers[0].image == "img:1"
    generation = apps.read_namespaced_deployment("web", "default").metadata.generation
    assert generation == 2
    apps.patch_namespaced_deployment(
        "web", "default", {"spec": {"template": {"spec": {"containers": [{"name": "only", "image": "img:2"}]}}}},
        _content_type="application/merge-patch+json")
    containers = apps.read_namespaced_deployment("web", "default").spec.template.spec.containers
    assert [c.name for c in containers] == ["only"]


def test_json_patch_ops_and_failed_test_op(api):
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "cm"}, "data": {"a": "1"}})
    core.patch_namespaced_config_map("cm", "default", [
        {"op": "add", "path": "/data/b", "value": "2"}, {"op": "replace", "path": "/data/a", "value": "9"},
        {"op": "test", "path": "/data/b", "value": "2"}, {"op": "remove", "path": "/data/b"}],
        _content_type="application/json-patch+json")
    assert core.read_namespaced_config_map("cm", "default").data == {"a": "9"}
    with pytest.raises(ApiException) as error:
        core.patch_namespaced_config_map("cm", "default", [{"op": "test", "path": "/data/a", "value": "0"}],
                                         _content_type="application/json-patch+json")
    assert error.value.status == 422


def test_custom_objects_on_ippools(api):
    custom = client.CustomObjectsApi(api)
    pools = custom.list_cluster_custom_object("crd.projectcalico.org", "v1", "ippools")
    assert pools["kind"] == "IPPoolList" and pools["apiVersion"] == "crd.projectcalico.org/v1"
    assert [p["metadata"]["name"] for p in pools["items"]] == ["default-ipv4-ippool"]
    assert pools["items"][0]["kind"] == "IPPool"
    rack = {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool", "metadata": {"name": "rack-0-ippool"},
            "spec": {"cidr": "192.168.0.0/24", "blockSize": 26, "ipipMode": "Always", "natOutgoing": True,
                     "nodeSelector": 'rack == "0"'}}
    created = custom.create_cluster_custom_object("crd.projectcalico.org", "v1", "ippools", rack)
    assert created["metadata"]["generation"] == 1
    patched = custom.patch_cluster_custom_object("crd.projectcalico.org", "v1", "ippools", "default-ipv4-ippool",
                                                 {"spec": {"disabled": True}})
    assert patched["spec"]["disabled"] is True and patched["metadata"]["generation"] == 2
    deleted = custom.delete_cluster_custom_object("crd.projectcalico.org", "v1", "ippools", "default-ipv4-ippool")
    assert deleted["kind"] == "Status" and deleted["status"] == "Success"
    assert deleted["details"]["name"] == "default-ipv4-ippool" and deleted["details"]["kind"] == "ippools"


def test_strategic_merge_on_custom_resource_is_415(api):
    with pytest.raises(ApiException) as error:
        client.CustomObjectsApi(api).patch_cluster_custom_object(
            "crd.projectcalico.org", "v1", "ippools", "default-ipv4-ippool", {"spec": {"disabled": True}},
            _content_type="application/strategic-merge-patch+json")
    body = _status(error.value)
    assert error.value.status == 415 and body["reason"] == "UnsupportedMediaType"
    assert "application/strategic-merge-patch+json" not in body["message"]


def test_delete_pod_returns_the_object_and_configmap_a_status(api):
    core = client.CoreV1Api(api)
    core.create_namespaced_pod("default", {"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "c", "image": "busybox"}]}})
    deleted = core.delete_namespaced_pod("p", "default")
    assert deleted.kind == "Pod" and deleted.metadata.name == "p"
    core.create_namespaced_config_map("default", {"metadata": {"name": "cm"}})
    status = core.delete_namespaced_config_map("cm", "default")
    assert status.status == "Success" and status.details.kind == "configmaps"


def test_label_and_field_selectors(api):
    core = client.CoreV1Api(api)
    calico = core.list_namespaced_pod("kube-system", label_selector="k8s-app=calico-node")
    assert len(calico.items) == 2
    on_m02 = core.list_pod_for_all_namespaces(field_selector="spec.nodeName=lab4-m02")
    assert {p.spec.node_name for p in on_m02.items} == {"lab4-m02"} and len(on_m02.items) == 2
    not_dns = core.list_namespaced_pod("kube-system", label_selector="k8s-app notin (kube-dns,calico-node),!component")
    assert {p.metadata.labels.get("k8s-app") for p in not_dns.items} == {"kube-proxy", "calico-kube-controllers", None}
    running = core.list_pod_for_all_namespaces(field_selector="status.phase=Running,metadata.namespace=kube-system")
    assert len(running.items) == 11
    with pytest.raises(ApiException) as error:
        core.list_pod_for_all_namespaces(field_selector="spec.image=x")
    assert error.value.status == 400 and "field label not supported: spec.image" in error.value.body


def test_list_limit_and_continue(api):
    core = client.CoreV1Api(api)
    first = core.list_namespaced_pod("kube-system", limit=4)
    assert len(first.items) == 4 and first.metadata._continue and first.metadata.remaining_item_count == 7
    rest = core.list_namespaced_pod("kube-system", limit=100, _continue=first.metadata._continue)
    names = [p.metadata.name for p in first.items + rest.items]
    assert len(names) == 11 and len(set(names)) == 11


def test_watch_from_resource_version_sees_added_modified_deleted(api):
    core = client.CoreV1Api(api)
    start = core.list_namespaced_config_map("default").metadata.resource_version
    core.create_namespaced_config_map("default", {"metadata": {"name": "w", "labels": {"x": "1"}}})
    core.patch_namespaced_config_map("w", "default", {"data": {"k": "v"}})
    core.delete_namespaced_config_map("w", "default")
    events = [(e["type"], e["object"].metadata.name) for e in watch.Watch().stream(
        core.list_namespaced_config_map, "default", resource_version=start, timeout_seconds=1)]
    assert events == [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")]


def test_watch_with_selector_reports_objects_leaving_the_selection(api, emulated_cluster):
    core = client.CoreV1Api(api)
    core.create_namespaced_config_map("default", {"metadata": {"name": "w", "labels": {"x": "1"}}})
    start = core.list_namespaced_config_map("default").metadata.resource_version
    core.patch_namespaced_config_map("w", "default", {"metadata": {"labels": {"x": "2"}}})
    events = [e["type"] for e in watch.Watch().stream(
        core.list_namespaced_config_map, "default", label_selector="x=1", resource_version=start,
        timeout_seconds=1)]
    assert events == ["DELETED"]


def test_watch_without_resource_version_starts_with_current_objects(api):
    core = client.CoreV1Api(api)
    names = [e["object"].metadata.name for e in watch.Watch().stream(
        core.list_node, timeout_seconds=1)]
    assert names == ["lab4", "lab4-m02"]


def test_too_old_resource_version_is_410_expired(emulated_cluster):
    emulated_cluster.call(emulated_cluster.store._history.clear)
    emulated_cluster.call(emulated_cluster.store.create, "configmaps",
                          {"metadata": {"name": "x", "namespace": "default"}})
    status, body = raw(emulated_cluster, "GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1"
                                                 "&timeoutSeconds=1")
    line = json.loads(body.splitlines()[0])
    assert status == 200
    assert line["type"] == "ERROR" and line["object"]["code"] == 410 and line["object"]["reason"] == "Expired"


def test_empty_content_type_is_read_as_json(emulated_cluster):
    status, body = raw(emulated_cluster, "POST", "/api/v1/namespaces/default/configmaps",
                       json.dumps({"metadata": {"name": "raw"}}).encode())
    assert status == 201 and json.loads(body)["metadata"]["name"] == "raw"


def test_pod_log_reads_the_log_book(api, emulated_cluster):
    core = client.CoreV1Api(api)
    pod = core.list_namespaced_pod("kube-system", label_selector="k8s-app=kube-dns").items[0].metadata.name
    for line in ("one", "two", "three"):
        emulated_cluster.call(emulated_cluster.logs.append, "kube-system", pod, "coredns", line)
    # 36.0.3 turns a `str` response into "b'...'" (api_client skips decoding for str): read raw bytes.
    log = core.read_namespaced_pod_log(pod, "kube-system", _preload_content=False)
    assert log.headers["Content-Type"].startswith("text/plain") and log.data == b"one\ntwo\nthree\n"
    assert core.read_namespaced_pod_log(pod, "kube-system", tail_lines=1, _preload_content=False).data == b"three\n"
    core.create_namespaced_pod("default", {"metadata": {"name": "p"}, "spec": {"containers": [
        {"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}})
    with pytest.raises(ApiException) as error:
        core.read_namespaced_pod_log("p", "default")
    assert error.value.status == 400 and "a container name must be specified for pod p" in error.value.body


def test_exec_without_streams_is_a_bad_request(emulated_cluster):
    status, body = raw(emulated_cluster, "POST", "/api/v1/namespaces/kube-system/pods/etcd-lab4/exec?command=sh")
    assert status == 400
    assert json.loads(body)["message"] == "you must specify at least 1 of stdin, stdout, stderr"
