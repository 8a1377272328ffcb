"""kubernetes.dynamic.DynamicClient: discovery, then server-side apply with field managers
(docs/platform.md §6)."""
from __future__ import annotations

import json

import pytest
from kubernetes.dynamic import DynamicClient
from kubernetes.dynamic.exceptions import ConflictError, UnprocessibleEntityError

POOL = {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool", "metadata": {"name": "rack-0-ippool"},
        "spec": {"cidr": "192.168.0.0/24", "blockSize": 26, "ipipMode": "Always", "natOutgoing": True,
                 "nodeSelector": 'rack == "0"'}}


@pytest.fixture
def dynamic(api, tmp_path):
    return DynamicClient(api, cache_file=str(tmp_path / "discovery.json"))


def test_discovery_resolves_core_apps_and_calico_kinds(dynamic):
    assert dynamic.resources.get(api_version="v1", kind="Pod").namespaced is True
    assert dynamic.resources.get(api_version="apps/v1", kind="Deployment").name == "deployments"
    pools = dynamic.resources.get(api_version="crd.projectcalico.org/v1", kind="IPPool")
    assert pools.namespaced is False and pools.name == "ippools"
    listed = pools.get()
    assert listed.kind == "IPPoolList" and [p.metadata.name for p in listed.items] == ["default-ipv4-ippool"]


def test_server_side_apply_create_reapply_conflict_force(dynamic, emulated_cluster):
    pools = dynamic.resources.get(api_version="crd.projectcalico.org/v1", kind="IPPool")
    created = pools.server_side_apply(body=POOL, field_manager="conformance")
    applies = [r for r in emulated_cluster.requests.entries() if r.method == "PATCH"]
    assert applies[-1].status == 201 and "fieldManager=conformance" in applies[-1].query
    assert created.spec.cidr == "192.168.0.0/24"
    entry = created.to_dict()["metadata"]["managedFields"][0]
    assert (entry["manager"], entry["operation"]) == ("conformance", "Apply")
    assert "f:nodeSelector" in entry["fieldsV1"]["f:spec"]

    again = pools.server_side_apply(body=POOL, field_manager="conformance")
    assert emulated_cluster.requests.entries()[-1].status == 200
    assert again.metadata.resourceVersion == created.metadata.resourceVersion    # nothing changed

    other = json.loads(json.dumps(POOL))
    other["spec"]["natOutgoing"] = False
    with pytest.raises(ConflictError) as error:
        pools.server_side_apply(body=other, field_manager="student")
    status = json.loads(error.value.body)
    assert status["reason"] == "Conflict" and status["code"] == 409
    assert status["message"] == 'Apply failed with 1 conflict: conflict with "conformance": .spec.natOutgoing'
    assert status["details"]["causes"] == [{"reason": "FieldManagerConflict", "message": 'conflict with "conformance"',
                                            "field": ".spec.natOutgoing"}]

    forced = pools.server_side_apply(body=other, field_manager="student", force_conflicts=True)
    assert forced.spec.natOutgoing is False
    owners = {m["manager"]: m["fieldsV1"] for m in forced.to_dict()["metadata"]["managedFields"]}
    assert "f:natOutgoing" in owners["student"]["f:spec"]
    assert "f:natOutgoing" not in owners["conformance"]["f:spec"]
    assert "f:cidr" in owners["conformance"]["f:spec"] and "f:cidr" in owners["student"]["f:spec"]


def test_apply_drops_fields_the_manager_no_longer_applies(dynamic):
    config_maps = dynamic.resources.get(api_version="v1", kind="ConfigMap")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "env", "namespace": "default"},
            "data": {"A": "1", "B": "2"}}
    config_maps.server_side_apply(body=body, field_manager="me")
    body["data"] = {"A": "1"}
    assert config_maps.server_side_apply(body=body, field_manager="me").data.to_dict() == {"A": "1"}


def test_apply_without_field_manager_is_422_and_force_on_merge_patch_is_422(dynamic, emulated_cluster):
    pools = dynamic.resources.get(api_version="crd.projectcalico.org/v1", kind="IPPool")
    with pytest.raises(UnprocessibleEntityError) as error:
        dynamic.request("PATCH", pools.path(name="rack-0-ippool"), body=POOL,
                        content_type="application/apply-patch+yaml")
    status = json.loads(error.value.body)
    assert status["message"] == ('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
                                 "is required for apply patch")
    assert status["details"]["causes"][0]["field"] == "fieldManager"
    with pytest.raises(UnprocessibleEntityError) as error:
        pools.patch(name="default-ipv4-ippool", body={"spec": {"disabled": True}},
                    content_type="application/merge-patch+json", force_conflicts=True)
    assert "force: Forbidden: may not be specified for non-apply patch" in json.loads(error.value.body)["message"]


def test_apply_to_deployment_merges_containers_by_name(dynamic):
    deployments = dynamic.resources.get(api_version="apps/v1", kind="Deployment")
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": {
                "metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
                    {"name": "app", "image": "ifilyaninitmo/itdt-contained-frontend:master",
                     "env": [{"name": "REACT_APP_USERNAME", "value": "alice"}]}]}}}}
    created = deployments.server_side_apply(body=body, field_manager="conformance")
    assert created.spec.template.spec.containers[0].imagePullPolicy == "IfNotPresent"
    fields = created.to_dict()["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"][
        "f:containers"]
    assert list(fields) == ['k:{"name":"app"}']
    body["spec"]["replicas"] = 3
    assert deployments.server_side_apply(body=body, field_manager="conformance").metadata.generation == 2


# calicoctl's RBAC as hand-ins ship it (docs/platform.md §24): a real kube-apiserver serves
# rbac.authorization.k8s.io/v1 and networking.k8s.io/v1, so applying them must not fail.
CALICOCTL_RBAC = [
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "calicoctl", "namespace": "kube-system"}},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "calicoctl"},
     "rules": [{"apiGroups": ["crd.projectcalico.org"], "resources": ["ippools"], "verbs": ["get", "list"]}]},
    {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "calicoctl"},
     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "calicoctl"},
     "subjects": [{"kind": "ServiceAccount", "name": "calicoctl", "namespace": "kube-system"}]},
    {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "frontend", "namespace": "default"},
     "spec": {"rules": [{"http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
         "service": {"name": "frontend", "port": {"number": 3000}}}}]}}]}},
]


def test_rbac_and_ingress_objects_apply_as_on_a_real_apiserver(dynamic):
    for body in CALICOCTL_RBAC:
        kind = dynamic.resources.get(api_version=body["apiVersion"], kind=body["kind"])
        applied = kind.server_side_apply(body=body, field_manager="conformance",
                                         namespace=body["metadata"].get("namespace"))
        assert applied.metadata.name == body["metadata"]["name"] and applied.metadata.uid
    roles = dynamic.resources.get(api_version="rbac.authorization.k8s.io/v1", kind="ClusterRole")
    assert roles.namespaced is False and "calicoctl" in [r.metadata.name for r in roles.get().items]
    assert dynamic.resources.get(api_version="networking.k8s.io/v1", kind="Ingress").short_names == ["ing"]
