"""Everything the controllers write (pods through every state, ReplicaSets, Deployment and
DaemonSet status, Endpoints, EndpointSlices, Events of both recorders) is valid for Kubernetes
1.35's OpenAPI schemas, strictly (kubernetes-validate)."""
from __future__ import annotations

import json
import urllib.request

import kubernetes_validate

from selftests.emulator_controllers.lab import lab_container, wait_for

VERSION = "1.35"
KINDS = [("/api/v1", "v1", "pods", "Pod"), ("/api/v1", "v1", "events", "Event"),
         ("/api/v1", "v1", "endpoints", "Endpoints"), ("/apis/apps/v1", "apps/v1", "replicasets", "ReplicaSet"),
         ("/apis/apps/v1", "apps/v1", "deployments", "Deployment"),
         ("/apis/apps/v1", "apps/v1", "daemonsets", "DaemonSet"),
         ("/apis/discovery.k8s.io/v1", "discovery.k8s.io/v1", "endpointslices", "EndpointSlice")]


def direct(cluster) -> urllib.request.OpenerDirector:
    """Never via an HTTP proxy; over TLS as the kubeconfig's user."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}),
                                       urllib.request.HTTPSHandler(context=cluster.client_ssl_context()))


def test_every_object_the_controllers_write_validates_strictly(lab, kubectl, emulated_cluster):
    lab.provision_pools()
    lab.apply_reference_workload()
    lab.wait_for_ready_pods(2)
    kubectl("run", "bb", "--image=busybox")                                   # Completed, CrashLoopBackOff
    lab.run_pod("small", {"containers": [lab_container(resources={"limits": {"memory": "100Mi"}})]})   # OOMKilled
    lab.run_pod("nowhere", {"containers": [lab_container()], "nodeSelector": {"rack": "none"}})       # Unschedulable
    kubectl("rollout", "restart", "deployment/react-app")
    wait_for("a FailedScheduling event", lambda: lab.events(name="nowhere", reason="FailedScheduling"))
    wait_for("bb backing off", lambda: lab.events(name="bb", reason="BackOff"), timeout=15)
    lab.core.delete_namespaced_pod(lab.app_pods()[0].metadata.name, "default")     # a terminating endpoint
    invalid, checked = [], 0
    for path, group_version, plural, kind in KINDS:
        with direct(emulated_cluster).open(f"{emulated_cluster.url}{path}/{plural}") as r:
            items = json.loads(r.read())["items"]
        for item in items:
            try:
                kubernetes_validate.validate({"apiVersion": group_version, "kind": kind, **item}, VERSION, strict=True)
            except kubernetes_validate.ValidationError as error:
                invalid.append(f"{kind} {item['metadata'].get('namespace')}/{item['metadata']['name']}: "
                               f"{'.'.join(map(str, error.path))}: {error.message}")
            checked += 1
    assert not invalid, "\n".join(invalid)
    assert checked > 60
