"""The emulated kube-scheduler as a client sees it: default spreading of one owner's replicas,
DoNotSchedule topology spread and required anti-affinity that cannot be met (Pending with the
scheduler's FailedScheduling message), and a pending pod placed once a node fits."""
from __future__ import annotations

from selftests.emulator_controllers.lab import lab_container, wait_for

FAILED_TO_SPREAD = ("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints (missing "
                    "required label). preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.")
ANTI_AFFINITY = ("0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes "
                 "are available: 2 No preemption victims found for incoming pod.")


def _deployment(lab, name: str, replicas: int, **pod_spec) -> None:
    lab.apps.create_namespaced_deployment("default", {"metadata": {"name": name}, "spec": {
        "replicas": replicas, "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [lab_container()], **pod_spec}}}})


def _pending(lab, name: str):
    return [p for p in lab.app_pods(selector=f"app={name}") if not p.spec.node_name]


def test_replicas_without_constraints_spread_over_both_nodes(lab):
    lab.wait_for_calico()
    _deployment(lab, "plain", 4)
    pods = lab.wait_for_ready_pods(4, selector="app=plain")
    per_node = {}
    for pod in pods:
        per_node[pod.spec.node_name] = per_node.get(pod.spec.node_name, 0) + 1
    assert per_node == {"lab4": 2, "lab4-m02": 2}


def test_unmet_do_not_schedule_spread_leaves_the_pod_pending_with_the_reason(lab):
    lab.wait_for_calico()
    _deployment(lab, "zoned", 1, topologySpreadConstraints=[{
        "maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "zoned"}}}])
    pod = wait_for("a pending pod", lambda: _pending(lab, "zoned"))[0]
    event = wait_for("FailedScheduling", lambda: lab.events(name=pod.metadata.name, reason="FailedScheduling"))[0]
    assert event.type == "Warning" and event.message == FAILED_TO_SPREAD
    assert event.reporting_component == "default-scheduler" and event.action == "Scheduling"
    condition = wait_for("PodScheduled=False", lambda: [c for c in lab.pod(pod.metadata.name).status.conditions or []
                                                        if c.type == "PodScheduled"])[0]
    assert (condition.status, condition.reason, condition.message) == ("False", "Unschedulable", FAILED_TO_SPREAD)
    for node in lab.node_names():                      # give the nodes a zone: the pod fits now
        lab.core.patch_node(node, {"metadata": {"labels": {"topology.kubernetes.io/zone": "z"}}})
    assert wait_for("scheduled", lambda: lab.pod(pod.metadata.name).spec.node_name)


def test_required_anti_affinity_allows_one_replica_per_node(lab):
    lab.wait_for_calico()
    _deployment(lab, "single", 3, affinity={"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"app": "single"}}}]}})
    wait_for("two placed", lambda: len([p for p in lab.app_pods(selector="app=single") if p.spec.node_name]) == 2)
    pod = wait_for("the third pending", lambda: _pending(lab, "single"))[0]
    event = wait_for("FailedScheduling", lambda: lab.events(name=pod.metadata.name, reason="FailedScheduling"))[0]
    assert event.message == ANTI_AFFINITY
    placed = {p.spec.node_name for p in lab.app_pods(selector="app=single") if p.spec.node_name}
    assert placed == {"lab4", "lab4-m02"}


def test_scheduled_event_names_the_node(lab):
    lab.wait_for_calico()
    lab.run_pod("solo", {"containers": [lab_container()], "nodeSelector": {"kubernetes.io/hostname": "lab4-m02"}})
    event = wait_for("Scheduled", lambda: lab.events(name="solo", reason="Scheduled"))[0]
    assert event.message == "Successfully assigned default/solo to lab4-m02"
    assert event.event_time and event.first_timestamp is None and event.reporting_instance == "default-scheduler-lab4"
