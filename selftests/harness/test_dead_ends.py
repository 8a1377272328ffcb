"""Which live states end a wait at once (fixtures/cluster/dead_ends.py), from the components' own
words: Calico IPAM's errors in the kubelet's FailedCreatePodSandBox, the kubelet's image and
container-config states, OOM kills, the scheduler's PodScheduled condition (docs/platform.md §2.7, §23).
Each certain state also has its transient neighbour, which must keep the wait going."""
from __future__ import annotations

import pytest

from fixtures.cluster.dead_ends import pod_dead_end

SANDBOX = ('Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container "abc" '
           'network for pod "app-1": networkPlugin cni failed to set up pod "app-1_default" network: '
           'plugin type="calico" failed (add): ')
RACK_POOL = {"metadata": {"name": "rack-0-ippool"}, "spec": {"cidr": "192.168.0.0/24", "nodeSelector": 'rack == "0"'}}
ALLOCATABLE = {"allocatable": {"cpu": "2", "memory": "4Gi"}}
NODES = [{"metadata": {"name": "lab4", "labels": {"rack": "0"}}, "status": ALLOCATABLE},
         {"metadata": {"name": "lab4-m02", "labels": {}}, "status": ALLOCATABLE}]


def pod(node="lab4-m02", *, ip=None, waiting=None, message="", restarts=0, last=None, conditions=(), spec=None):
    status = {"name": "app", "image": "ifilyaninitmo/itdt-contained-frontend:master", "restartCount": restarts,
              "state": {"waiting": {"reason": waiting or "ContainerCreating", "message": message}}}
    if last:
        status["lastState"] = {"terminated": {"reason": last}}
    body = {"metadata": {"name": "app-1", "namespace": "default", "uid": "u1"},
            "spec": {"nodeName": node, "containers": [{"name": "app", **(spec or {})}]},
            "status": {"podIP": ip, "containerStatuses": [status], "conditions": list(conditions)}}
    if node is None:
        del body["spec"]["nodeName"]
    return body


def event(reason, message, at="2026-01-01T00:00:01Z"):
    return {"reason": reason, "message": message, "involvedObject": {"uid": "u1"}, "lastTimestamp": at}


def dead_end(p, events=(), pools=(RACK_POOL,), nodes=NODES, config_maps=(), secrets=()):
    return pod_dead_end(p, events=list(events), pools=list(pools), nodes=list(nodes),
                        config_maps=list(config_maps), secrets=list(secrets))


# -- the sandbox -------------------------------------------------------------------------------

def test_no_pool_for_the_node_is_certain_while_no_pool_selects_it():
    found = dead_end(pod(), [event("FailedCreatePodSandBox", SANDBOX + "no configured Calico pools for node lab4-m02")])
    assert "no configured Calico pools for node lab4-m02" in found and "lab4-m02" in found


def test_no_pool_for_the_node_is_transient_once_a_pool_selects_it():
    labelled = [NODES[0], {"metadata": {"name": "lab4-m02", "labels": {"rack": "0"}}}]
    assert dead_end(pod(), [event("FailedCreatePodSandBox", SANDBOX + "no configured Calico pools for node lab4-m02")],
                    nodes=labelled) is None


def test_an_aggregated_sandbox_event_is_read_too():
    message = "(combined from similar events): " + SANDBOX + "no configured Calico pools for node lab4-m02"
    assert dead_end(pod(), [event("FailedCreatePodSandBox", message)])


def test_a_pool_whose_selector_does_not_parse_is_named():
    broken = {"metadata": {"name": "rack-1-ippool"}, "spec": {"cidr": "192.168.1.0/24", "nodeSelector": 'rack = "1"'}}
    found = dead_end(pod(), [event("FailedCreatePodSandBox", SANDBOX + "expected ==")], pools=[RACK_POOL, broken])
    assert "rack-1-ippool" in found and "does not parse" in found


@pytest.mark.parametrize("transient", [
    "stat /var/lib/calico/nodename: no such file or directory: check that the calico/node container is running "
    "and has mounted /var/lib/calico/",
    "error getting ClusterInformation: connection is unauthorized: Unauthorized",
])
def test_calico_node_not_up_yet_keeps_waiting(transient):
    assert dead_end(pod(), [event("FailedCreatePodSandBox", SANDBOX + transient)]) is None


def test_container_creating_while_pulling_keeps_waiting():
    assert dead_end(pod(ip="192.168.0.5"), [event("Pulling", 'Pulling image "x"')]) is None


# -- the image ---------------------------------------------------------------------------------

@pytest.mark.parametrize("message", [
    "rpc error: code = Unknown desc = Error response from daemon: manifest for "
    "ifilyaninitmo/itdt-contained-frontend:main not found: manifest unknown: manifest unknown",
    'Back-off pulling image "ifilyaninitmo/x:master": ErrImagePull: rpc error: code = Unknown desc = Error response '
    "from daemon: pull access denied for ifilyaninitmo/x, repository does not exist or may require 'docker login': "
    "denied: requested access to the resource is denied",
])
def test_an_image_the_registry_does_not_have_is_certain(message):
    reason = "ImagePullBackOff" if message.startswith("Back-off") else "ErrImagePull"
    assert "does not exist" in dead_end(pod(ip="192.168.0.5", waiting=reason, message=message))


def test_a_registry_that_does_not_answer_keeps_waiting():
    message = ('rpc error: code = Unknown desc = Error response from daemon: Get "https://registry-1.docker.io/v2/": '
               "net/http: request canceled while waiting for connection "
               "(Client.Timeout exceeded while awaiting headers)")
    assert dead_end(pod(ip="192.168.0.5", waiting="ErrImagePull", message=message)) is None


# -- the container's configuration ---------------------------------------------------------------

CONFIG = {"metadata": {"name": "react-config", "namespace": "default"}, "data": {"REACT_APP_USERNAME": "x"}}


@pytest.mark.parametrize("message", ['configmap "react-settings" not found',
                                     "couldn't find key REACT_APP_COMPANY_NAME in ConfigMap default/react-config"])
def test_a_missing_config_map_or_key_is_certain_while_still_missing(message):
    assert message in dead_end(pod(ip="1.2.3.4", waiting="CreateContainerConfigError", message=message),
                               config_maps=[CONFIG])


def test_a_config_map_created_since_keeps_waiting():
    message = 'configmap "react-config" not found'
    assert dead_end(pod(ip="1.2.3.4", waiting="CreateContainerConfigError", message=message),
                    config_maps=[CONFIG]) is None


# -- memory ------------------------------------------------------------------------------------

def test_oom_killed_again_and_again_is_certain():
    found = dead_end(pod(ip="1.2.3.4", waiting="CrashLoopBackOff", restarts=2, last="OOMKilled",
                         spec={"resources": {"limits": {"memory": "100Mi"}}}))
    assert "OOMKilled" in found and "100Mi" in found


def test_one_oom_kill_keeps_waiting():
    assert dead_end(pod(ip="1.2.3.4", waiting="CrashLoopBackOff", restarts=1, last="OOMKilled")) is None


# -- scheduling --------------------------------------------------------------------------------

def unschedulable(message):
    return pod(node=None, conditions=[{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                                       "message": message}])


def test_a_node_selector_no_node_matches_is_certain():
    message = ("0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes "
               "are available: 2 Preemption is not helpful for scheduling.")
    assert "node affinity/selector" in dead_end(unschedulable(message))


def test_more_memory_than_any_node_has_is_certain_but_a_busy_node_is_not():
    message = ("0/2 nodes are available: 2 Insufficient memory. preemption: 0/2 nodes are available: "
               "2 No preemption victims found for incoming pod.")
    huge = unschedulable(message)
    huge["spec"]["containers"][0]["resources"] = {"requests": {"memory": "64Gi"}}
    busy = unschedulable(message)
    busy["spec"]["containers"][0]["resources"] = {"requests": {"memory": "1Gi"}}
    assert "memory" in dead_end(huge) and dead_end(busy) is None


def test_a_spread_constraint_keeps_waiting():
    message = ("0/2 nodes are available: 2 node(s) didn't match pod topology spread constraints. preemption: 0/2 "
               "nodes are available: 2 No preemption victims found for incoming pod.")
    assert dead_end(unschedulable(message)) is None
