"""The app's workload, variables, Service ports and Secrets, judged over plain object dicts (and, for the
words of a "no workload" finding, over a loaded folder)."""
from __future__ import annotations

import base64
import copy
import json

import pytest

from fixtures.gate import app_service, env_resolution, lab_app, pod_templates, secret_checks, workload_checks
from fixtures.gate.manifest_gate import run_gate
from fixtures.gate.manifests import load_manifests

IMAGE = "ifilyaninitmo/itdt-contained-frontend:master"


def deployment(env=None, env_from=None, ports=None, kind="Deployment", replicas=2, namespace=None):
    container = {"name": "app", "image": IMAGE}
    for key, value in (("env", env), ("envFrom", env_from), ("ports", ports)):
        if value is not None:
            container[key] = value
    meta = {"name": "web", **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "apps/v1", "kind": kind, "metadata": meta,
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [container]}}}}


def config_map(name="cfg", namespace=None, **data):
    meta = {"name": name, **({"namespace": namespace} if namespace else {})}
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}


def secret(name="s", type_=None, data=None, string_data=None):
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}}
    for key, value in (("type", type_), ("data", data), ("stringData", string_data)):
        if value is not None:
            body[key] = value
    return body


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def values(resolution):
    return {name: v.value for name, v in resolution.variables.items()}


@pytest.mark.parametrize("image, repository, tag", [
    (IMAGE, lab_app.LAB_IMAGE, "master"),
    ("docker.io/ifilyaninitmo/itdt-contained-frontend:v2", lab_app.LAB_IMAGE, "v2"),
    ("ifilyaninitmo/itdt-contained-frontend", lab_app.LAB_IMAGE, "latest"),
    ("localhost:5000/app", "localhost:5000/app", "latest"),
    ("nginx:1.27", "nginx", "1.27"),
])
def test_split_image(image, repository, tag):
    assert lab_app.split_image(image) == (repository, tag)


def test_lab_image_any_tag_only():
    assert lab_app.is_lab_image("index.docker.io/ifilyaninitmo/itdt-contained-frontend@sha256:ab")
    assert not lab_app.is_lab_image("ifilyaninitmo/itdt-contained-frontend-fork:master")
    assert not lab_app.is_lab_image(None)


def test_env_from_then_env_wins():
    obj = deployment(env_from=[{"configMapRef": {"name": "cfg"}}],
                     env=[{"name": "REACT_APP_USERNAME", "value": "From env"}])
    env = env_resolution.resolve_env(
        obj, 0, [config_map(REACT_APP_USERNAME="From map", REACT_APP_COMPANY_NAME="ITMO")], [])
    assert values(env) == {"REACT_APP_USERNAME": "From env", "REACT_APP_COMPANY_NAME": "ITMO"}
    assert env.variables["REACT_APP_COMPANY_NAME"].source == "ConfigMap cfg (envFrom)"
    assert env.problems == [] and env_resolution.check_app_variables(obj, 0, env) == []


def test_env_from_prefix_and_expansion():
    obj = deployment(env_from=[{"prefix": "REACT_APP_", "configMapRef": {"name": "cfg"}}],
                     env=[{"name": "GREETING", "value": "$(REACT_APP_USERNAME) pays $$5, $(NOPE) $("}])
    env = env_resolution.resolve_env(obj, 0, [config_map(USERNAME="Ann", COMPANY_NAME="ITMO")], [])
    assert values(env)["REACT_APP_USERNAME"] == "Ann"
    assert values(env)["GREETING"] == "Ann pays $5, $(NOPE) $("


def test_config_map_key_ref_missing_key_and_missing_map():
    obj = deployment(env=[
        {"name": "REACT_APP_USERNAME", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "user"}}},
        {"name": "REACT_APP_COMPANY_NAME", "valueFrom": {"configMapKeyRef": {"name": "other", "key": "c"}}},
    ])
    env = env_resolution.resolve_env(obj, 0, [config_map(username="Ann")], [])
    assert [f.severity for f in env.problems] == ["error", "error"]
    assert "has no key 'user' (its keys: ['username'])" in env.problems[0].message
    assert env.problems[0].field == "spec.template.spec.containers[0].env[0].valueFrom.configMapKeyRef.key"
    assert "ConfigMap 'other' is not among the manifests" in env.problems[1].message
    found = [f.message for f in env_resolution.check_app_variables(obj, 0, env)]
    assert "has no key 'user'" in found[0] and "'other' is not among the manifests" in found[1]


def test_optional_references_are_skipped_with_a_warning():
    obj = deployment(env_from=[{"configMapRef": {"name": "gone", "optional": True}}],
                     env=[{"name": "REACT_APP_USERNAME", "value": "Ann"},
                          {"name": "REACT_APP_COMPANY_NAME",
                           "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "x", "optional": True}}}])
    env = env_resolution.resolve_env(obj, 0, [config_map(company="ITMO")], [])
    assert [f.severity for f in env.problems] == ["warning", "warning"]
    assert "REACT_APP_COMPANY_NAME" not in env.variables


def test_a_config_map_in_another_namespace_is_not_found():
    obj = deployment(env_from=[{"configMapRef": {"name": "cfg"}}], namespace="app")
    env = env_resolution.resolve_env(obj, 0, [config_map(REACT_APP_USERNAME="x")], [])
    assert "there is one in namespace 'default'" in env.problems[0].message


def test_envfrom_key_names_by_kubernetes_version():
    obj = deployment(env_from=[{"configMapRef": {"name": "cfg"}}])
    maps = [config_map(**{"company-name": "ITMO", "1st": "x"})]
    old = env_resolution.resolve_env(obj, 0, maps, [], kubernetes_version="1.29")
    assert values(old) == {"company-name": "ITMO"} and "['1st']" in old.problems[0].message
    assert "InvalidEnvironmentVariableNames" in old.problems[0].message
    new = env_resolution.resolve_env(obj, 0, maps, [], kubernetes_version="v1.35.1")
    assert values(new) == {"company-name": "ITMO", "1st": "x"} and new.problems == []


def test_hints_for_variables_under_other_names():
    obj = deployment(env_from=[{"configMapRef": {"name": "cfg"}}])
    env = env_resolution.resolve_env(obj, 0, [config_map(username="Ann", company="ITMO")], [])
    found = [f.message for f in env_resolution.check_app_variables(obj, 0, env)]
    assert "gets 'username' from ConfigMap cfg" in found[0] and "key: username" in found[0]
    typo = deployment(env=[{"name": "REACT_APP_COMPANY", "value": "ITMO"},
                           {"name": "REACT_APP_USERNAME", "value": "A"}])
    found = env_resolution.check_app_variables(typo, 0, env_resolution.resolve_env(typo, 0, [], []))
    assert len(found) == 1 and "sets 'REACT_APP_COMPANY' instead" in found[0].message


def test_empty_value_is_an_error():
    obj = deployment(env=[{"name": "REACT_APP_USERNAME", "value": ""},
                          {"name": "REACT_APP_COMPANY_NAME", "value": "x"}])
    found = env_resolution.check_app_variables(obj, 0, env_resolution.resolve_env(obj, 0, [], []))
    assert len(found) == 1 and "REACT_APP_USERNAME is empty" in found[0].message


def test_secret_values_never_surface():
    obj = deployment(env=[
        {"name": "REACT_APP_USERNAME", "valueFrom": {"secretKeyRef": {"name": "s", "key": "user"}}},
        {"name": "REACT_APP_COMPANY_NAME", "valueFrom": {"secretKeyRef": {"name": "s", "key": "company"}}}])
    env = env_resolution.resolve_env(obj, 0, [], [secret(data={"user": b64("TOPSECRET")}, string_data={"company": ""})])
    assert env.variables["REACT_APP_USERNAME"].value == env_resolution.HIDDEN
    assert "TOPSECRET" not in repr(env)
    assert "REACT_APP_COMPANY_NAME is empty" in env_resolution.check_app_variables(obj, 0, env)[0].message


def test_value_and_value_from_together():
    obj = deployment(env=[{"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}])
    assert "both value and valueFrom" in env_resolution.resolve_env(obj, 0, [], []).problems[0].message


@pytest.mark.parametrize("kind, replicas, expected", [
    ("ReplicaSet", 2, "runs in a ReplicaSet"),
    ("StatefulSet", 2, "runs in a StatefulSet"),
    ("Deployment", 1, "replicas: 1"),
    ("Deployment", 3, "replicas: 3"),
    ("Deployment", None, "defaults to 1"),
])
def test_workload_kind_and_replicas(kind, replicas, expected):
    obj = deployment(kind=kind, replicas=replicas)
    if replicas is None:
        del obj["spec"]["replicas"]
    assert any(expected in f.message for f in workload_checks.check_app_workload(obj))


def test_a_good_deployment_passes_and_pods_are_flagged():
    assert workload_checks.check_app_workload(deployment()) == []
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"image": IMAGE}]}}
    assert "runs in a Pod" in workload_checks.check_app_workload(pod)[0].message


@pytest.mark.parametrize("selector, matches", [
    ({"matchLabels": {"app": "web"}}, True),
    ({"matchLabels": {"app": "other"}}, False),
    ({"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "x"]}]}, True),
    ({"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["web"]}]}, False),
    ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, True),
    ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, False),
])
def test_label_selector(selector, matches):
    assert pod_templates.label_selector_matches(selector, {"app": "web"}) is matches


def test_selector_must_select_the_template():
    obj = deployment()
    obj["spec"]["selector"] = {"matchLabels": {"app": "frontend"}}
    assert ("does not select the template's labels {app: web}"
            in workload_checks.check_selector_matches_template(obj)[0].message)
    obj["spec"]["selector"] = {}
    assert "empty" in workload_checks.check_selector_matches_template(obj)[0].message


@pytest.mark.parametrize("port, containers, expected", [
    ({"port": 3000}, [], (3000, "")),
    ({"port": 80, "targetPort": 0}, [], (80, "")),
    ({"port": 80, "targetPort": 3000}, [], (3000, "")),
    ({"port": 80, "targetPort": "http"}, [{"ports": [{"name": "http", "containerPort": 3000}]}], (3000, "")),
    ({"port": 80, "targetPort": "web"}, [{}, {"ports": [{"name": "web", "containerPort": 8080}]}], (8080, "")),
])
def test_target_port_resolution(port, containers, expected):
    assert app_service.resolve_target_port(port, containers) == expected


@pytest.mark.parametrize("port, expected", [
    ({"port": 80, "targetPort": "container-port"}, "names no port of the app's containers (named ports: ['http'])"),
    ({"port": 80, "targetPort": "3000"}, "is a string"),
])
def test_target_port_problems(port, expected):
    number, why = app_service.resolve_target_port(port, [{"ports": [{"name": "http", "containerPort": 3000}]}])
    assert number is None and expected in why


def service(type_="ClusterIP", **port):
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "svc"},
            "spec": {"type": type_, "selector": {"app": "web"}, "ports": [{"port": 3000, **port}]}}


@pytest.mark.parametrize("svc, expected", [
    (service(targetPort=80), "the app listens on 3000 only"),
    (service(protocol="UDP"), "the app speaks TCP"),
    (service("NodePort", nodePort=80), "outside the cluster's range"),
    (service(nodePort=30080), "nodePort on a ClusterIP Service"),
    (service("Nodeport"), "type 'Nodeport' is not one of"),
])
def test_service_port_errors(svc, expected):
    rows, found = app_service.check_service_ports(svc, deployment())
    assert rows and any(expected in f.message for f in found)


def test_service_selection():
    assert app_service.selects(service(), deployment())
    assert not app_service.selects(service(), deployment(namespace="app"))
    no_selector = copy.deepcopy(service())
    del no_selector["spec"]["selector"]
    assert not app_service.selects(no_selector, deployment())
    assert app_service.check_service_ports(service("NodePort", nodePort=30080), deployment())[1] == []


@pytest.mark.parametrize("body, expected", [
    (secret(type_="kubernetes.io/dockerconfigjson", data={"config": b64("x")}), "needs the key '.dockerconfigjson'"),
    (secret(type_="kubernetes.io/dockerconfigjson", data={".dockerconfigjson": b64("not json HUNTER2")}),
     "is not JSON"),
    (secret(type_="kubernetes.io/tls", data={"tls.crt": b64("c")}), "needs the key 'tls.key'"),
    (secret(type_="kubernetes.io/basic-auth", data={"user": b64("u")}), "'username' or 'password'"),
    (secret(data={"password": "HUNTER2!!"}), "not valid base64"),
    (secret(data={"bad key": b64("x")}), "not a valid Secret key"),
])
def test_secret_errors_name_keys_only(body, expected):
    found = secret_checks.check_secret(body)
    assert any(expected in f.message for f in found), found
    assert not any("HUNTER2" in str(f) for f in found)


def test_valid_pull_secret():
    config = json.dumps({"auths": {"https://index.docker.io/v1/": {"auth": b64("u:p")}}})
    assert secret_checks.check_secret(
        secret(type_="kubernetes.io/dockerconfigjson", string_data={".dockerconfigjson": config})) == []
    assert "no \"auths\"" in secret_checks.check_secret(
        secret(type_="kubernetes.io/dockerconfigjson", data={".dockerconfigjson": b64("{}")}))[0].message


def test_pull_secrets_are_warnings():
    obj = deployment()
    obj["spec"]["template"]["spec"]["imagePullSecrets"] = [{"name": "regcred"}]
    missing = secret_checks.check_pull_secrets(obj, [])
    assert [f.severity for f in missing] == ["warning"] and "image is public" in missing[0].message
    wrong_type = secret_checks.check_pull_secrets(obj, [secret("regcred", data={"a": b64("b")})])
    assert "is ignored" in wrong_type[0].message
    good = secret("regcred", type_="kubernetes.io/dockerconfigjson", data={".dockerconfigjson": b64("{}")})
    assert secret_checks.check_pull_secrets(obj, [good]) == []


def test_references_list_every_source():
    obj = deployment(env_from=[{"configMapRef": {"name": "cfg"}}, {"secretRef": {"name": "s", "optional": True}}],
                     env=[{"name": "A", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "k"}}}])
    obj["spec"]["template"]["spec"]["imagePullSecrets"] = [{"name": "regcred"}]
    refs = [(r.kind, r.name, r.key, r.via, r.optional) for r in pod_templates.references(obj)]
    assert refs == [("ConfigMap", "cfg", None, "envFrom", False), ("Secret", "s", None, "envFrom", True),
                    ("ConfigMap", "cfg", "k", "configMapKeyRef", False),
                    ("Secret", "regcred", None, "imagePullSecrets", True)]


def test_a_workload_whose_image_slipped_out_of_its_container_is_named_so(tmp_path):
    """Seen in VladislavShklyarov/VladislavShklyarov-2023_2024-introduction_to_distributed_technologies-k4110c-
    shklyarov_v_l:lab4/deployment.yaml: `image:` indented to the level of `- name:`, so it is a field of the
    pod spec and the container has none; the finding read "found: Deployment/cni-deployment (None)"."""
    (tmp_path / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cni-deployment\nspec:\n  replicas: 2\n"
        "  template:\n    spec:\n      containers:\n      - name: frontend\n"
        "      image: ifilyaninitmo/itdt-contained-frontend:master\n"
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: empty\nspec:\n  containers: []\n")
    [finding] = run_gate(load_manifests(tmp_path))["workload"].errors
    assert "(found: Deployment/cni-deployment (container frontend has no image); Pod/empty (no containers))" \
        in finding.message and "None" not in finding.message
