"""Provisioning applies the workload object by object, and leaves calicoctl's tooling out on purpose.

`handins/calicoctl.yaml` is a real hand-in's file (corpus student05, anonymised): Calico's
"calicoctl as a Kubernetes pod" manifest, a ServiceAccount, Pod, ClusterRole and ClusterRoleBinding
(docs/platform.md §19.5). A real API server serves rbac.authorization.k8s.io/v1 (docs/platform.md
§19.1), so such a file must never stop provisioning; and one object the server refuses
(`kubectl apply -f` goes on with the rest of the files, naming the one it could not apply) must be
reported with the server's words while every other object is applied.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from emulator import EmulatedCluster, Timeline
from fixtures.cluster.kube import Kube
from fixtures.cluster.provisioning import provision
from fixtures.cluster.settings import DEFAULT_BOUNDS, Settings
from fixtures.gate.manifests import load_manifests

REFERENCE = Path(__file__).resolve().parents[2] / "manifests"
HANDIN = Path(__file__).with_name("handins") / "calicoctl.yaml"


def settings(manifests: Path) -> Settings:
    return Settings(provider="emulator", manifests=manifests, may_change=True, keep_cluster=False, kubeconfig=None,
                    context=None, profile="lab4", kubernetes_version=None, driver=None, calico_version="v3.31.3",
                    emulator_faults=(), student=None, group=None, timeout_factor=0.05, bounds=dict(DEFAULT_BOUNDS))


@pytest.fixture
def kube(tmp_path: Path):
    with EmulatedCluster((), Timeline(scale=0.1)) as cluster:
        yield Kube(str(cluster.write_kubeconfig(tmp_path / "kubeconfig")), None, read_only=False,
                   cache_dir=tmp_path)


def hand_in(tmp_path: Path, *extra: tuple[str, str]) -> Path:
    folder = tmp_path / "manifests"
    shutil.copytree(REFERENCE, folder)
    for name, text in extra:
        (folder / name).write_text(text)
    return folder


def applied_step(record):
    return next(s for s in record.steps if s.name == "apply the workload")


def test_a_hand_in_with_calicoctl_tooling_is_provisioned_and_the_tooling_is_left_out(kube, tmp_path):
    folder = hand_in(tmp_path, ("calicoctl.yaml", HANDIN.read_text()))
    record = provision(kube, settings(folder), load_manifests(folder))
    assert record.failure is None, record.failure
    step = applied_step(record)
    assert "applied Deployment/react-app" in step.actions and "applied Service/react-service" in step.actions
    assert kube.get("apps/v1", "Deployment", "react-app", "default") is not None
    left_out = [a for a in step.actions if a.startswith("not applied:")]
    assert {a.split()[2] for a in left_out} == {"ServiceAccount/calicoctl", "Pod/calicoctl", "ClusterRole/calicoctl",
                                                "ClusterRoleBinding/calicoctl"}, left_out
    assert all("calicoctl tooling" in a for a in left_out)
    assert kube.get("v1", "Pod", "calicoctl", "kube-system") is None
    assert kube.get("rbac.authorization.k8s.io/v1", "ClusterRole", "calicoctl") is None
    assert record.steps[-1].name == "recreate app pods outside their rack pool" and not record.steps[-1].error


def test_an_object_the_server_refuses_is_named_with_its_words_and_the_rest_is_applied(kube, tmp_path):
    refused = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "Lab_Settings"}, "data": {"a": "b"}}
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "frontend-reader"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
               "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "default"}]}
    folder = hand_in(tmp_path, ("0-extra.yaml", yaml.safe_dump_all([refused, binding])))
    record = provision(kube, settings(folder), load_manifests(folder))
    step = applied_step(record)
    assert step.failures == [step.failures[0]] and step.failures[0].startswith(
        "ConfigMap/Lab_Settings (0-extra.yaml) not applied: 422 ConfigMap \"Lab_Settings\" is invalid: "
        "metadata.name: Invalid value: \"Lab_Settings\": a lowercase RFC 1123 subdomain"), step.failures
    assert "ConfigMap/Lab_Settings" in (record.failure or "")
    assert {"applied Deployment/react-app", "applied Service/react-service", "applied RoleBinding/frontend-reader"} \
        <= set(step.actions)
    assert kube.get("rbac.authorization.k8s.io/v1", "RoleBinding", "frontend-reader", "default") is not None
    assert kube.get("apps/v1", "Deployment", "react-app", "default") is not None
    assert record.steps[-1].name == "recreate app pods outside their rack pool", "provisioning stopped early"
