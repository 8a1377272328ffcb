"""Which app pods Calico IPAM can never address while the pools stay as they are (docs/platform.md
§2.4, §2.5): the waits for their IPs and for the rollout end at once instead of at their bound."""
from fixtures.cluster.racks import POOLS_ANNOTATION, unaddressable

RACK0 = {"metadata": {"name": "rack-0-ippool"}, "spec": {"cidr": "192.168.0.0/24", "nodeSelector": 'rack == "0"'}}
DEFAULT = {"metadata": {"name": "default-ipv4-ippool"}, "spec": {"cidr": "10.244.0.0/16", "nodeSelector": "all()"}}
LABELS = {"lab4": {"rack": "0", "kubernetes.io/hostname": "lab4"}, "lab4-m02": {"culture": "2"}}


def pod(name, node=None, ip=None, namespace="default", annotations=None):
    return {"metadata": {"name": name, "namespace": namespace, "annotations": annotations or {}},
            "spec": {"nodeName": node} if node else {}, "status": {"podIP": ip} if ip else {}}


def test_a_pod_on_a_node_no_enabled_pool_selects_is_stuck():
    (stuck,) = unaddressable([pod("app-1", "lab4"), pod("app-2", "lab4-m02")], [RACK0], LABELS, set())
    assert stuck.startswith("app-2 on lab4-m02: no enabled IP pool selects node lab4-m02 (labels {'culture': '2'}")
    assert "rack-0-ippool rack == \"0\"" in stuck


def test_pods_that_may_still_get_an_address_are_not():
    disabled = {**DEFAULT, "spec": {**DEFAULT["spec"], "disabled": True}}
    pods = [pod("addressed", "lab4-m02", ip="10.244.1.5"), pod("unscheduled"),
            pod("requested", "lab4-m02", annotations={POOLS_ANNOTATION: '["rack-0-ippool"]'}),
            pod("in-annotated-namespace", "lab4-m02", namespace="app")]
    assert unaddressable(pods, [RACK0, disabled], LABELS, {"app"}) == []
    # The default pool selects every node: nothing is stuck while it is enabled.
    assert unaddressable([pod("app-2", "lab4-m02")], [RACK0, DEFAULT], LABELS, set()) == []
    assert len(unaddressable([pod("app-2", "lab4-m02")], [RACK0, disabled], LABELS, set())) == 1
