"""The controller-side faults in docs/design.md#fault-catalogue, and the too-small memory limit, as a
client observes them."""
from __future__ import annotations

import json

import pytest
from kubernetes.client.rest import ApiException

from emulator.base.faults import APP_CRASHLOOP, IPAM_IGNORES_SELECTORS, POOL_DELETE_IGNORED, SCHEDULER_PACKS
from selftests.emulator_controllers.lab import DEFAULT_POOL, in_network, lab_container, ready, wait_for


@pytest.mark.faults(POOL_DELETE_IGNORED)
def test_pool_delete_ignored_brings_the_default_pool_back(lab):
    lab.provision_pools()
    pool = wait_for("the default pool back", lambda: lab.pools().get(DEFAULT_POOL))
    assert pool["spec"]["cidr"] == "10.244.0.0/16" and not pool["spec"].get("disabled")
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    # lab4's default block still holds CoreDNS, so it is used before the rack block (docs/platform.md §2.4);
    # lab4-m02's emptied default block was released when its tunnel address moved to the rack pool.
    on_lab4 = next(p for p in pods if p.spec.node_name == "lab4")
    assert in_network(on_lab4.status.pod_ip, "10.244.0.0/16"), on_lab4.status.pod_ip


@pytest.mark.faults(IPAM_IGNORES_SELECTORS)
def test_ipam_ignores_selectors_hands_out_default_cidr_addresses(lab):
    lab.provision_pools()
    assert DEFAULT_POOL not in lab.pools() and len(lab.pools()) == 2
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    assert {p.spec.node_name for p in pods} == set(lab.node_names())
    assert all(in_network(p.status.pod_ip, "10.244.0.0/16") for p in pods), [p.status.pod_ip for p in pods]


@pytest.mark.faults(SCHEDULER_PACKS)
def test_scheduler_packs_puts_every_replica_on_the_first_node(lab):
    lab.provision_pools()
    lab.apply_reference_workload()
    pods = lab.wait_for_ready_pods(2)
    assert {p.spec.node_name for p in pods} == {"lab4"}
    assert all(in_network(p.status.pod_ip, "192.168.0.0/24") for p in pods)


def _container(lab, name: str):
    statuses = lab.pod(name).status.container_statuses
    return statuses[0] if statuses else None


def _restarts(lab, name: str) -> int:
    return _container(lab, name).restart_count if _container(lab, name) else 0


def _backing_off(lab, name: str):
    waiting = _container(lab, name).state.waiting
    return waiting if waiting and waiting.reason == "CrashLoopBackOff" else None


@pytest.mark.faults(APP_CRASHLOOP)
def test_app_crashloop_restarts_the_app_forever(lab):
    lab.provision_pools()
    lab.apply_reference_workload()
    name = wait_for("an app pod", lambda: lab.app_pods())[0].metadata.name
    wait_for("two restarts", lambda: _restarts(lab, name) >= 2, timeout=15)
    waiting = wait_for("CrashLoopBackOff", lambda: _backing_off(lab, name), timeout=15)
    assert waiting.message.startswith("back-off ") and f"restarting failed container=react-app pod={name}_default(" \
        in waiting.message
    status = lab.pod(name).status.container_statuses[0]
    assert status.last_state.terminated.exit_code == 1 and status.last_state.terminated.reason == "Error"
    assert not ready(lab.pod(name))
    previous = lab.core.read_namespaced_pod_log(name, "default", previous=True, _preload_content=False).data.decode()
    assert previous.startswith("Builing frontend\n") and "npm ERR! code ELIFECYCLE" in previous
    backoff = wait_for("a BackOff event", lambda: lab.events(name=name, reason="BackOff"))[0]
    assert backoff.type == "Warning" and backoff.message.startswith("Back-off restarting failed container react-app")
    deployment = lab.apps.read_namespaced_deployment("react-app", "default")
    assert not deployment.status.ready_replicas
    assert {c.type: c.reason for c in deployment.status.conditions}["Available"] == "MinimumReplicasUnavailable"


def test_a_memory_limit_below_the_build_need_gets_the_app_oom_killed(lab):
    lab.wait_for_calico()
    lab.run_pod("small", {"containers": [lab_container(resources={"limits": {"memory": "200Mi"}})]})
    wait_for("a restart", lambda: _restarts(lab, "small") >= 1, timeout=15)
    terminated = lab.pod("small").status.container_statuses[0].last_state.terminated
    assert (terminated.reason, terminated.exit_code) == ("OOMKilled", 137)
    assert not lab.cluster.milestones.get("app-listening/small")


def test_a_256mi_limit_is_enough_for_the_build(lab):
    """Seen in VladKrapivin/2024_2025-introduction_to_distributed_technologies-k4110c-krapivin_v_v:
    lab_4/source/deploy.yaml: `limits: {memory: "256Mi", cpu: "500m"}`, and the page served on the real
    cluster (docs/platform.md §8.2); the emulator OOM-killed it and the grader failed R8 and R9."""
    lab.wait_for_calico()
    lab.run_pod("enough", {"containers": [lab_container("react-app", resources={"limits": {"memory": "256Mi",
                                                                                            "cpu": "500m"}})]})
    wait_for("the app listening", lambda: "app-listening/enough" in lab.cluster.milestones, timeout=10)
    assert _restarts(lab, "enough") == 0
    log = lab.core.read_namespaced_pod_log("enough", "default", _preload_content=False).data.decode()
    assert log == "Builing frontend\nbuild finished\nServer started on port 3000\n"
    with pytest.raises(ApiException) as error:
        lab.core.read_namespaced_pod_log("enough", "default", previous=True)
    assert error.value.status == 400
    assert json.loads(error.value.body)["message"] == (
        'previous terminated container "react-app" in pod "enough" not found')
