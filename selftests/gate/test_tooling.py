"""Which objects of a hand-in are calicoctl's tooling (fixtures/gate/tooling.py, docs/platform.md §19.5).

Recognised by content: a Pod whose every container runs the `calico/ctl` image, the ServiceAccount it
runs as, a binding whose only subjects are such accounts, a role only such bindings name. The real
hand-in (corpus student05) is recognised whole; an app pod, a shared account or a role another binding
uses is not tooling.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from fixtures.gate.manifests import load_manifests
from fixtures.gate.tooling import tooling_of

HANDIN = Path(__file__).resolve().parents[1] / "harness" / "handins" / "calicoctl.yaml"


def keyed(docs: list[dict]) -> list[tuple[str, dict, str | None]]:
    cluster = {"ClusterRole", "ClusterRoleBinding"}
    return [(f"{d['kind']}/{d['metadata']['name']}", d,
             None if d["kind"] in cluster else d["metadata"].get("namespace", "default")) for d in docs]


def test_a_real_calicoctl_hand_in_is_tooling_whole(tmp_path):
    (tmp_path / "calicoctl.yaml").write_text(HANDIN.read_text())
    manifests = load_manifests(tmp_path)
    assert sorted(d.ref for d in manifests.tooling) == ["ClusterRole/calicoctl", "ClusterRoleBinding/calicoctl",
                                                       "Pod/calicoctl", "ServiceAccount/calicoctl"]
    assert manifests.kubernetes_objects == []


def test_what_else_uses_the_account_or_the_role_is_not_tooling():
    docs = list(yaml.safe_load_all(HANDIN.read_text()))
    app = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app", "namespace": "kube-system"},
           "spec": {"serviceAccountName": "calicoctl", "containers": [{"name": "a", "image": "busybox"}]}}
    other_binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                     "metadata": {"name": "shared"},
                     "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "calicoctl"},
                     "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}]}
    found = tooling_of(keyed(docs + [app, other_binding]))
    assert found == ["Pod/calicoctl"], "an account an app pod runs as, its binding and role are the app's"
    found = tooling_of(keyed(docs + [other_binding]))
    assert "ClusterRoleBinding/shared" not in found and "ClusterRole/calicoctl" not in found, \
        "a role another binding names is not tooling"
    assert {"Pod/calicoctl", "ClusterRoleBinding/calicoctl", "ServiceAccount/calicoctl"} <= set(found)


def test_a_pod_with_a_calicoctl_sidecar_and_an_app_container_is_not_tooling():
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "mixed"},
           "spec": {"containers": [{"name": "ctl", "image": "docker.io/calico/ctl:v3.31.3"},
                                   {"name": "app", "image": "nginx"}]}}
    assert tooling_of(keyed([pod])) == []
    pod["spec"]["containers"].pop()
    assert tooling_of(keyed([pod])) == ["Pod/mixed"]
