"""The lab's Deployment on the emulated cluster, seen through the real client and kubectl: the
rollout (ReplicaSet, pods on both nodes with rack-pool IPs, status and conditions), endpoints that
follow the pods, `kubectl rollout restart`, scaling, `kubectl get pods -o wide`."""
from __future__ import annotations

import json
import re

from selftests.emulator_controllers.lab import LAB_IMAGE, in_network, ready, wait_for

HASH_CHARS = re.compile(r"^[bcdfghjklmnpqrstvwxz2456789]{6,10}$")


def test_reference_manifests_roll_out_on_both_nodes_with_rack_ips(lab):
    pools = lab.provision_pools()
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    nodes = {p.spec.node_name for p in pods}
    assert nodes == set(lab.node_names())
    cidr_of_node = {node: pool["spec"]["cidr"] for node, pool in zip(lab.node_names(), pools, strict=False)}
    for pod in pods:
        assert in_network(pod.status.pod_ip, cidr_of_node[pod.spec.node_name]), (pod.status.pod_ip, pod.spec.node_name)
        assert pod.metadata.annotations["cni.projectcalico.org/podIP"] == f"{pod.status.pod_ip}/32"
        assert pod.status.host_ip and pod.status.pod_ips[0].ip == pod.status.pod_ip
        container = pod.status.container_statuses[0]
        assert container.image == LAB_IMAGE and container.image_id.startswith("docker-pullable://")
        assert container.state.running.started_at and container.restart_count == 0 and container.ready
        assert [c.type for c in pod.status.conditions] == [
            "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"]


def test_replicaset_and_pods_carry_the_deployment_controllers_names_and_owners(lab):
    lab.provision_pools()
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    deployment = lab.apps.read_namespaced_deployment("react-app", "default")
    [rs] = lab.apps.list_namespaced_replica_set("default", label_selector="app=react-app").items
    template_hash = rs.metadata.labels["pod-template-hash"]
    assert HASH_CHARS.match(template_hash) and rs.metadata.name == f"react-app-{template_hash}"
    assert rs.spec.selector.match_labels == {"app": "react-app", "pod-template-hash": template_hash}
    assert rs.metadata.owner_references[0].uid == deployment.metadata.uid and rs.metadata.owner_references[0].controller
    assert rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    assert deployment.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    for pod in pods:
        assert re.match(rf"^react-app-{template_hash}-[bcdfghjklmnpqrstvwxz2456789]{{5}}$", pod.metadata.name)
        assert pod.metadata.owner_references[0].uid == rs.metadata.uid
        assert pod.metadata.labels["pod-template-hash"] == template_hash


def test_deployment_status_reports_the_finished_rollout(lab):
    lab.provision_pools()
    lab.apply_reference_workload()
    lab.wait_for_ready_pods(2)

    def complete():
        status = lab.apps.read_namespaced_deployment_status("react-app", "default").status
        conditions = {c.type: c for c in status.conditions or []}
        done = "Progressing" in conditions and conditions["Progressing"].reason == "NewReplicaSetAvailable"
        return status if done else None
    status = wait_for("the Deployment to complete", complete)
    assert (status.replicas, status.updated_replicas, status.ready_replicas, status.available_replicas) == (2, 2, 2, 2)
    assert status.observed_generation == 1 and not status.unavailable_replicas
    conditions = {c.type: c for c in status.conditions}
    assert conditions["Available"].status == "True" and conditions["Available"].reason == "MinimumReplicasAvailable"
    assert re.match(r'^ReplicaSet "react-app-\w+" has successfully progressed\.$', conditions["Progressing"].message)
    scaling = lab.events(name="react-app", reason="ScalingReplicaSet")
    assert scaling and re.match(r"^Scaled up replica set react-app-\w+ from 0 to 2$", scaling[0].message)


def test_kubectl_get_pods_wide_shows_ip_and_node(lab, kubectl):
    lab.provision_pools()
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    table = kubectl("get", "pods", "-o", "wide", "-l", "app=react-app").stdout.splitlines()
    header = table[0].split()
    assert header[:7] == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE"]
    rows = {line.split()[0]: line.split() for line in table[1:]}
    for pod in pods:
        row = rows[pod.metadata.name]
        assert row[1:3] == ["1/1", "Running"] and row[5] == pod.status.pod_ip and row[6] == pod.spec.node_name


def test_endpoints_follow_the_pods(lab):
    lab.provision_pools()
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)

    def slice_ips():
        slices = lab.cluster.call(lambda: lab.cluster.store.list("endpointslices.discovery.k8s.io", "default")[0])
        mine = [s for s in slices if s["metadata"]["labels"].get("kubernetes.io/service-name") == "react-service"]
        return {a for s in mine for e in s["endpoints"] if e["conditions"]["ready"] for a in e["addresses"]}

    assert wait_for("the slice to list both pods", lambda: slice_ips() == {p.status.pod_ip for p in pods})
    endpoints = lab.core.read_namespaced_endpoints("react-service", "default")
    [subset] = endpoints.subsets
    assert {a.ip for a in subset.addresses} == {p.status.pod_ip for p in pods}
    assert {(a.node_name, a.target_ref.name) for a in subset.addresses} == \
        {(p.spec.node_name, p.metadata.name) for p in pods}
    assert [(p.name, p.port, p.protocol) for p in subset.ports] == [("http", 3000, "TCP")]

    victim = pods[0]
    lab.core.delete_namespaced_pod(victim.metadata.name, "default")
    replaced = wait_for("a replacement pod", lambda: [p for p in lab.wait_for_ready_pods(2)
                                                        if p.metadata.name != pods[1].metadata.name])
    wanted = {pods[1].status.pod_ip, replaced[0].status.pod_ip}
    assert wait_for("the endpoints to follow", lambda: slice_ips() == wanted)
    assert victim.status.pod_ip not in {a.ip for s in lab.core.read_namespaced_endpoints(
        "react-service", "default").subsets for a in s.addresses}


def test_kubectl_rollout_restart_replaces_the_pods(lab, kubectl):
    lab.provision_pools()
    lab.apply_reference_workload()
    before = {p.metadata.name for p in lab.wait_for_ready_pods(2)}
    kubectl("rollout", "restart", "deployment/react-app")
    kubectl("rollout", "status", "deployment/react-app", "--timeout=20s", timeout=30)
    after = lab.wait_for_ready_pods(2)
    assert not before & {p.metadata.name for p in after}
    deployment = lab.apps.read_namespaced_deployment("react-app", "default")
    assert "kubectl.kubernetes.io/restartedAt" in deployment.spec.template.metadata.annotations
    assert deployment.metadata.annotations["deployment.kubernetes.io/revision"] == "2"
    replicasets = {rs.metadata.annotations["deployment.kubernetes.io/revision"]: rs
                   for rs in lab.apps.list_namespaced_replica_set("default", label_selector="app=react-app").items}
    assert replicasets["1"].spec.replicas == 0 and replicasets["2"].spec.replicas == 2
    assert all(p.metadata.labels["pod-template-hash"] == replicasets["2"].metadata.labels["pod-template-hash"]
               for p in after)


def test_kubectl_scale_changes_the_pod_count(lab, kubectl):
    lab.provision_pools()
    lab.apply_reference_workload()
    lab.wait_for_ready_pods(2)
    kubectl("scale", "deployment/react-app", "--replicas=1")
    lab.wait_for_ready_pods(1)
    kubectl("scale", "deployment/react-app", "--replicas=3")
    pods = lab.wait_for_ready_pods(3)
    assert all(ready(p) for p in pods)
    shown = json.loads(kubectl("get", "deployment", "react-app", "-o", "json").stdout)
    assert wait_for("status 3/3", lambda: lab.apps.read_namespaced_deployment("react-app", "default")
                    .status.ready_replicas == 3)
    assert shown["spec"]["replicas"] == 3
