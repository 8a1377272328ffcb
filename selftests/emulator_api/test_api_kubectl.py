"""The real kubectl (Google's dispatcher, bundled 1.33 for a v1.35 server) against the emulator."""
from __future__ import annotations

import json
import time

import pytest
import yaml
from kubernetes.client.exceptions import ApiException


def _rows(output: str) -> list[list[str]]:
    return [line.split() for line in output.strip().splitlines()[1:]]


def test_get_nodes_wide_shows_both_nodes_with_internal_ips(kubectl):
    out = kubectl("get", "nodes", "-o", "wide").stdout
    header = out.splitlines()[0].split()
    assert header[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"] and "INTERNAL-IP" in header
    rows = {r[0]: r for r in _rows(out)}
    assert set(rows) == {"lab4", "lab4-m02"}
    assert rows["lab4"][1:3] == ["Ready", "control-plane"] and rows["lab4-m02"][2] == "<none>"
    assert rows["lab4"][4] == "v1.35.1"
    assert rows["lab4"][5] == "192.168.49.2" and rows["lab4-m02"][5] == "192.168.49.3"


def test_get_pods_all_namespaces_wide_shows_calico_on_each_node(kubectl, emulated_cluster):
    deadline = time.monotonic() + 5
    while "kube-system-ready" not in emulated_cluster.milestones and time.monotonic() < deadline:
        time.sleep(0.02)
    rows = _rows(kubectl("get", "pods", "-A", "-o", "wide").stdout)
    calico = [r for r in rows if r[1].startswith("calico-node-")]
    assert sorted(r[7] for r in calico) == ["lab4", "lab4-m02"]
    assert all(r[2] == "1/1" and r[3] == "Running" for r in calico)
    coredns = next(r for r in rows if r[1].startswith("coredns-"))
    assert coredns[6].startswith("10.244.") and coredns[2] == "1/1"
    static = {r[1] for r in rows if r[6] == "192.168.49.2"}
    assert {"etcd-lab4", "kube-apiserver-lab4", "kube-controller-manager-lab4", "kube-scheduler-lab4"} <= static


def test_get_ippools_by_full_name_lists_the_default_pool(kubectl):
    rows = _rows(kubectl("get", "ippools.crd.projectcalico.org").stdout)
    assert [r[0] for r in rows] == ["default-ipv4-ippool"]
    pool = json.loads(kubectl("get", "ippool", "default-ipv4-ippool", "-o", "json").stdout)
    assert pool["spec"]["cidr"] == "10.244.0.0/16" and pool["spec"]["ipipMode"] == "Always"


def test_label_node_then_select_by_label(kubectl):
    assert "node/lab4 labeled" in kubectl("label", "node", "lab4", "rack=0").stdout
    assert [r[0] for r in _rows(kubectl("get", "nodes", "-l", "rack=0").stdout)] == ["lab4"]
    assert [r[0] for r in _rows(kubectl("get", "nodes", "-l", "rack!=0").stdout)] == ["lab4-m02"]
    refused = kubectl("label", "node", "lab4", "rack=1", check=False)
    assert refused.returncode != 0 and "already has a value (0)" in refused.stderr
    kubectl("label", "node", "lab4", "rack=1", "--overwrite")
    assert json.loads(kubectl("get", "node", "lab4", "-o", "json").stdout)["metadata"]["labels"]["rack"] == "1"


def test_delete_ippool_removes_it(kubectl):
    out = kubectl("delete", "ippool", "default-ipv4-ippool").stdout
    assert 'ippool.crd.projectcalico.org "default-ipv4-ippool" deleted' in out
    missing = kubectl("get", "ippool", "default-ipv4-ippool", check=False)
    assert missing.returncode == 1
    assert 'ippools.crd.projectcalico.org "default-ipv4-ippool" not found' in missing.stderr


CONFIGMAP = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-env"},
             "data": {"REACT_APP_USERNAME": "alice"}}


def test_client_side_apply_creates_then_reports_unchanged_then_configures(kubectl, tmp_path):
    manifest = tmp_path / "cm.yaml"
    manifest.write_text(yaml.safe_dump(CONFIGMAP))
    assert "configmap/app-env created" in kubectl("apply", "-f", str(manifest)).stdout
    assert "configmap/app-env unchanged" in kubectl("apply", "-f", str(manifest)).stdout
    manifest.write_text(yaml.safe_dump({**CONFIGMAP, "data": {"REACT_APP_USERNAME": "bob"}}))
    assert "configmap/app-env configured" in kubectl("apply", "-f", str(manifest)).stdout
    live = json.loads(kubectl("get", "cm", "app-env", "-o", "json").stdout)
    assert live["data"] == {"REACT_APP_USERNAME": "bob"}
    assert "kubectl.kubernetes.io/last-applied-configuration" in live["metadata"]["annotations"]


def test_server_side_apply_conflicts_with_another_manager_until_forced(kubectl, tmp_path):
    manifest = tmp_path / "cm.yaml"
    manifest.write_text(yaml.safe_dump(CONFIGMAP))
    assert "serverside-applied" in kubectl("apply", "--server-side", "-f", str(manifest)).stdout
    manifest.write_text(yaml.safe_dump({**CONFIGMAP, "data": {"REACT_APP_USERNAME": "carol"}}))
    refused = kubectl("apply", "--server-side", "--field-manager=other", "-f", str(manifest), check=False)
    assert refused.returncode != 0
    assert 'Apply failed with 1 conflict: conflict with "kubectl": .data.REACT_APP_USERNAME' in refused.stderr
    kubectl("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", str(manifest))
    live = json.loads(kubectl("get", "cm", "app-env", "-o", "json", "--show-managed-fields").stdout)
    assert live["data"]["REACT_APP_USERNAME"] == "carol"
    owners = {m["manager"]: m for m in live["metadata"]["managedFields"]}
    assert "f:REACT_APP_USERNAME" in owners["other"]["fieldsV1"]["f:data"]
    assert "f:REACT_APP_USERNAME" not in owners["kubectl"]["fieldsV1"].get("f:data", {})


def test_run_creates_a_pod_with_the_lab_image(kubectl, emulated_cluster):
    kubectl("run", "web", "--image=ifilyaninitmo/itdt-contained-frontend:master", "--port=3000")
    pod = json.loads(kubectl("get", "pod", "web", "-o", "json").stdout)
    container = pod["spec"]["containers"][0]
    assert container["image"] == "ifilyaninitmo/itdt-contained-frontend:master"
    assert container["ports"] == [{"containerPort": 3000, "protocol": "TCP"}]
    assert pod["status"]["phase"] in ("Pending", "Running") and pod["metadata"]["labels"] == {"run": "web"}
    assert any(r.method == "POST" and r.path == "/api/v1/namespaces/default/pods" and r.status == 201
               for r in emulated_cluster.requests.entries())


def test_describe_node_and_pod(kubectl):
    node = kubectl("describe", "node", "lab4-m02").stdout
    assert "minikube.k8s.io/primary=false" in node and "PodCIDR:" in node and "10.244.1.0/24" in node
    assert "HolderIdentity:  lab4-m02" in node and "Failed to get lease" not in node
    pods = kubectl("describe", "pods", "-n", "kube-system", "-l", "k8s-app=calico-node").stdout
    assert pods.count("Image:         quay.io/calico/node:v3.31.3") == 2
    assert "Controlled By:  DaemonSet/calico-node" in pods


def test_get_watch_streams_a_change(kubeconfig, emulated_cluster):
    import subprocess
    watcher = subprocess.Popen(["kubectl", "--kubeconfig", str(kubeconfig), "get", "cm", "-w",
                                "--request-timeout=3s"], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        emulated_cluster.call(emulated_cluster.store.create, "configmaps",
                              {"metadata": {"name": "late", "namespace": "default"}, "data": {"a": "b"}})
        out, _ = watcher.communicate(timeout=10)
    finally:
        watcher.kill()
    assert "kube-root-ca.crt" in out and "late" in out


def test_applying_a_kind_the_server_does_not_serve_gives_kubectls_own_error(kubectl, tmp_path):
    """A student's projectcalico.org/v3 IPPool on minikube (Calico's API server is not installed): kubectl
    finds the group-version in no /openapi/v3 document, downloads /openapi/v2 to validate client-side
    (kubectl `pkg/validation/schema.go` skips a kind without a schema), then fails at the REST mapping
    (kubectl `pkg/cmd/apply`; kube-openapi `pkg/handler/handler.go` serves the v2 document). Without
    /openapi/v2 kubectl stopped at "error validating data: the server could not find the requested resource"."""
    pool = tmp_path / "pool.yaml"
    pool.write_text("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: rack-0\n"
                    "spec:\n  cidr: 192.168.0.0/24\n")
    result = kubectl("apply", "-f", str(pool), check=False)
    assert result.returncode == 1
    assert 'no matches for kind "IPPool" in version "projectcalico.org/v3"' in result.stderr, result.stderr
    assert "ensure CRDs are installed first" in result.stderr


def test_openapi_v2_is_served_as_protobuf_json_or_406(api):
    """kube-openapi `pkg/handler/handler.go`: JSON, or gnostic protobuf (Document {swagger = 1, info = 2})
    under the dotted content type for either protobuf spelling; any other Accept is 406."""
    def get(accept: str):
        return api.call_api("/openapi/v2", "GET", header_params={"Accept": accept}, auth_settings=["BearerToken"],
                            _preload_content=False)
    protobuf = get("application/com.github.proto-openapi.spec.v2@v1.0+protobuf")
    assert protobuf.headers["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert protobuf.data.startswith(b"\x0a\x032.0\x12") and b"Kubernetes" in protobuf.data
    assert json.loads(get("application/json").data)["swagger"] == "2.0"
    with pytest.raises(ApiException) as refused:
        get("text/html")
    assert refused.value.status == 406


def test_reapplying_with_a_typo_is_refused_as_kubectl_shows_it(kubectl, tmp_path):
    """kubectl apply of an existing object sends a strategic merge patch with fieldValidation=Strict;
    kubernetes/apiserver v0.35.1 `handlers/patch.go` applyPatchToObject decodes the patched object strictly
    and answers NewInvalid(GroupKind{}, "", patch: Invalid value: "<%+v of the patch>": strict decoding
    error: ...). The emulator stored the unknown field. A patch without fieldValidation is Warn: dropped
    with a warning (handlers/rest.go fieldValidation)."""
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndata:\n  a: b\n")
    kubectl("apply", "-f", str(manifest))
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndata:\n  a: c\ndatta:\n  x: z\n")
    refused = kubectl("apply", "-f", str(manifest), check=False)
    assert refused.returncode == 1
    assert "The request is invalid: patch: Invalid value: \"map[data:map[a:c] datta:map[x:z] metadata:" \
        in refused.stderr
    assert refused.stderr.rstrip().endswith('strict decoding error: unknown field "datta"'), refused.stderr
    warned = kubectl("patch", "configmap", "typo", "--type=merge", "-p", '{"datta": {"x": "y"}, "data": {"a": "d"}}')
    assert 'unknown field "datta"' in warned.stderr
    stored = json.loads(kubectl("get", "configmap", "typo", "-o", "json").stdout)
    assert stored["data"] == {"a": "d"} and "datta" not in stored
