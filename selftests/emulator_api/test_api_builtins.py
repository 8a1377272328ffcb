"""The built-in APIs a student or a client notices at work, through the real kubectl.

- Jobs run their pods to completion (kubernetes `pkg/controller/job/job_controller.go`; docs/platform.md
  §19.3): `kubectl wait --for=condition=complete` returns, the status is SuccessCriteriaMet then
  Complete (reason CompletionsReached), the pod carries the job-name/controller-uid labels and the
  job-tracking finalizer is gone once counted; `kubectl logs job/x` shows what the command printed.
- RBAC is stored and served (docs/platform.md §19.2): the bootstrap ClusterRoles with aggregated rules,
  `kubectl create role` / `create clusterrolebinding`, an immutable roleRef.
- Every namespace gets a `default` ServiceAccount (serviceaccount controller).
- One local APIService per served group/version, Available (kube-aggregator autoregister).
- The access and identity reviews answer about the requester and store nothing (docs/platform.md §19.4).
- A ReplicationController keeps its replicas.

kubectl's imperative `create` sends protobuf bodies (docs/platform.md §18.6); so do `kubectl auth can-i`
and `auth whoami` (test_api_protobuf.py); the Python client sends the reviews as JSON.
"""
from __future__ import annotations

import json

import pytest

from selftests.polling import wait_for


def create(kubectl, *args: str) -> str:
    """kubectl's imperative `create`, which sends the object as protobuf (docs/platform.md §18.6)."""
    return kubectl("create", *args).stdout


def test_a_job_runs_its_pod_to_completion(kubectl):
    assert "job.batch/hello created" in create(kubectl, "job", "hello", "--image=busybox", "--", "echo", "hi")
    done = kubectl("wait", "--for=condition=complete", "job/hello", "--timeout=20s")
    assert "job.batch/hello condition met" in done.stdout
    job = json.loads(kubectl("get", "job", "hello", "-o", "json").stdout)
    conditions = [(c["type"], c["status"], c["reason"]) for c in job["status"]["conditions"]]
    assert conditions == [("SuccessCriteriaMet", "True", "CompletionsReached"),
                          ("Complete", "True", "CompletionsReached")]
    assert job["status"]["succeeded"] == 1 and job["status"]["startTime"] and job["status"]["completionTime"]
    assert "active" not in job["status"] and job["status"]["ready"] == 0
    uid = job["metadata"]["uid"]
    assert job["spec"]["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    pods = json.loads(kubectl("get", "pods", "-l", "job-name=hello", "-o", "json").stdout)["items"]
    assert len(pods) == 1 and pods[0]["status"]["phase"] == "Succeeded"
    labels = pods[0]["metadata"]["labels"]
    assert labels["batch.kubernetes.io/job-name"] == "hello" and labels["batch.kubernetes.io/controller-uid"] == uid
    assert "batch.kubernetes.io/job-tracking" not in (pods[0]["metadata"].get("finalizers") or [])
    assert pods[0]["metadata"]["ownerReferences"][0]["kind"] == "Job"
    assert kubectl("logs", "job/hello").stdout.strip() == "hi"
    row = kubectl("get", "job", "hello").stdout.splitlines()[1].split()
    assert row[:3] == ["hello", "Complete", "1/1"]


def test_deleting_a_running_job_takes_its_pods_with_it(kubectl):
    create(kubectl, "job", "long", "--image=busybox", "--", "sleep", "3600")
    wait_for("the job's pod", lambda: kubectl("get", "pods", "-l", "job-name=long", "-o", "name").stdout.strip())
    kubectl("delete", "job", "long", "--wait=false")
    wait_for("no pod of the deleted job", lambda: not kubectl("get", "pods", "-l", "job-name=long", "-o",
                                                              "name").stdout.strip(), timeout=20)


def test_a_job_whose_pod_fails_past_its_backoff_limit_fails(kubectl):
    create(kubectl, "job", "broken", "--image=busybox", "--", "sh", "-c", "exit 3")
    kubectl("patch", "job", "broken", "--type=merge", "-p", '{"spec":{"backoffLimit":1}}', check=False)
    kubectl("wait", "--for=condition=failed", "job/broken", "--timeout=20s")
    job = json.loads(kubectl("get", "job", "broken", "-o", "json").stdout)
    failed = next(c for c in job["status"]["conditions"] if c["type"] == "Failed")
    assert failed["reason"] == "BackoffLimitExceeded" and job["status"]["failed"] >= 1


def test_a_job_that_cannot_finish_is_refused(kubectl):
    job = {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "forever"},
           "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "busybox"}]}}}}
    refused = kubectl("apply", "-f", "-", stdin=json.dumps(job), check=False)
    assert refused.returncode != 0
    assert 'spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", ' \
           '"Never"' in refused.stderr


def test_the_bootstrap_cluster_roles_are_there_with_aggregated_rules(kubectl):
    names = set(kubectl("get", "clusterroles", "-o", "name").stdout.split())
    assert {"clusterrole.rbac.authorization.k8s.io/" + n for n in
            ("cluster-admin", "admin", "edit", "view", "system:node", "system:discovery")} <= names
    view = json.loads(kubectl("get", "clusterrole", "view", "-o", "json").stdout)
    resources = {r for rule in view["rules"] for r in rule.get("resources", [])}
    assert {"pods", "services", "deployments", "jobs"} <= resources and "secrets" not in resources
    edit = json.loads(kubectl("get", "clusterrole", "edit", "-o", "json").stdout)
    assert any("secrets" in rule.get("resources", []) and "create" in rule["verbs"] for rule in edit["rules"])
    binding = json.loads(kubectl("get", "clusterrolebinding", "cluster-admin", "-o", "json").stdout)
    assert binding["subjects"] == [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group",
                                    "name": "system:masters"}]


def test_create_role_and_clusterrolebinding(kubectl):
    assert "role.rbac.authorization.k8s.io/pod-reader created" in create(
        kubectl, "role", "pod-reader", "--verb=get,list", "--resource=pods")
    assert "clusterrolebinding.rbac.authorization.k8s.io/lab-admin created" in create(
        kubectl, "clusterrolebinding", "lab-admin", "--clusterrole=cluster-admin", "--serviceaccount=default:default")
    role = json.loads(kubectl("get", "role", "pod-reader", "-o", "json").stdout)
    assert role["rules"] == [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]
    row = kubectl("get", "clusterrolebinding", "lab-admin", "-o", "wide").stdout.splitlines()[1].split()
    assert row[:2] == ["lab-admin", "ClusterRole/cluster-admin"] and row[-1] == "default/default"
    changed = kubectl("patch", "clusterrolebinding", "lab-admin", "--type=merge", "-p",
                      '{"roleRef":{"name":"view"}}', check=False)
    assert changed.returncode != 0 and "cannot change roleRef" in changed.stderr


def test_reviews_answer_about_the_requester_and_store_nothing(api, kubectl):
    from kubernetes import client
    me = client.AuthenticationV1Api(api).create_self_subject_review({"apiVersion": "authentication.k8s.io/v1",
                                                                     "kind": "SelfSubjectReview"})
    assert me.status.user_info.username == "minikube-user" and "system:masters" in me.status.user_info.groups
    review = client.AuthorizationV1Api(api).create_self_subject_access_review(
        {"spec": {"resourceAttributes": {"verb": "create", "resource": "pods", "namespace": "default"}}})
    assert review.status.allowed is True
    other = client.AuthorizationV1Api(api).create_subject_access_review(
        {"spec": {"user": "alice", "groups": ["system:authenticated"], "resourceAttributes": {"verb": "get",
                                                                                              "resource": "pods"}}})
    assert other.status.allowed is False
    listed = kubectl("get", "--raw", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", check=False)
    assert listed.returncode != 0 and "MethodNotAllowed" in listed.stderr


def test_every_new_namespace_gets_a_default_service_account(kubectl):
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}}
    kubectl("apply", "-f", "-", stdin=json.dumps(namespace))
    wait_for("ServiceAccount demo/default", lambda: kubectl("get", "sa", "default", "-n", "demo", check=False)
             .returncode == 0)
    kubectl("delete", "sa", "default", "-n", "demo")
    wait_for("ServiceAccount demo/default again", lambda: kubectl("get", "sa", "default", "-n", "demo",
                                                                  check=False).returncode == 0)


def test_each_served_group_version_has_an_available_local_apiservice(kubectl):
    rows = {r.split()[0]: r.split()[1:3] for r in kubectl("get", "apiservices").stdout.splitlines()[1:]}
    versions = kubectl("api-versions").stdout.split()
    expected = {(f"{v.partition('/')[2]}.{v.partition('/')[0]}" if "/" in v else f"{v}.") for v in versions}
    assert set(rows) == expected
    assert all(cells == ["Local", "True"] for cells in rows.values()), rows


@pytest.mark.parametrize("replicas", [2])
def test_a_replication_controller_keeps_its_replicas(kubectl, replicas):
    rc = {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "sleeper"},
          "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "sleeper"}},
                                                      "spec": {"containers": [{"name": "c", "image": "busybox",
                                                                               "command": ["sleep", "3600"]}]}}}}
    kubectl("apply", "-f", "-", stdin=json.dumps(rc))
    def live_pods() -> list[dict]:
        items = json.loads(kubectl("get", "pods", "-l", "app=sleeper", "-o", "json").stdout)["items"]
        return [p for p in items if not p["metadata"].get("deletionTimestamp")]
    first = wait_for(f"{replicas} pods", lambda: (lambda pods: pods if len(pods) == replicas else None)(live_pods()))
    gone = first[0]["metadata"]["name"]
    kubectl("delete", "pod", gone, "--wait=false")
    wait_for("a replacement pod", lambda: (lambda pods: len(pods) == replicas and gone not in
                                           {p["metadata"]["name"] for p in pods})(live_pods()))
    live = json.loads(kubectl("get", "rc", "sleeper", "-o", "json").stdout)
    assert live["spec"]["selector"] == {"app": "sleeper"}
    assert live_pods()[0]["metadata"]["ownerReferences"][0]["kind"] == "ReplicationController"
    assert live["status"]["replicas"] == replicas


BAD_DEPLOYMENT = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
                  "spec": {"replica": 2, "selector": {"matchLabels": {"app": "web"}},
                           "template": {"metadata": {"labels": {"app": "web"}},
                                        "spec": {"containers": [{"name": "c", "image": "busybox", "port": 80}]}}}}


def test_kubectl_apply_is_refused_a_field_the_kind_does_not_declare(kubectl):
    """kubectl sends fieldValidation=Strict: 400 with the strict decoder's words (docs/platform.md §19.6)."""
    refused = kubectl("apply", "-f", "-", stdin=json.dumps(BAD_DEPLOYMENT), check=False)
    assert refused.returncode != 0
    assert 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field ' \
           '"spec.replica", unknown field "spec.template.spec.containers[0].port"' in refused.stderr
    assert kubectl("get", "deployment", "web", check=False).returncode != 0


def test_with_warn_the_unknown_field_is_dropped_and_named_in_a_warning(kubectl):
    created = kubectl("apply", "--validate=warn", "-f", "-", stdin=json.dumps(BAD_DEPLOYMENT))
    assert 'Warning: unknown field "spec.replica"' in created.stderr
    live = json.loads(kubectl("get", "deployment", "web", "-o", "json").stdout)
    assert "replica" not in live["spec"] and live["spec"]["replicas"] == 1
    assert "port" not in live["spec"]["template"]["spec"]["containers"][0]
