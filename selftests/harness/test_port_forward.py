"""Which pod `kubectl port-forward service/...` picks (podutils.ActivePods, reversed)."""
from fixtures.cluster.port_forward import most_active_pod


def pod(name, *, node="lab4", phase="Running", ready=True, ready_since="2026-11-27T10:00:00Z",
        restarts=0, created="2026-11-27T09:00:00Z"):
    return {"metadata": {"name": name, "creationTimestamp": created}, "spec": {"nodeName": node},
            "status": {"phase": phase,
                       "conditions": [{"type": "Ready", "status": "True" if ready else "False",
                                       "lastTransitionTime": ready_since}],
                       "containerStatuses": [{"restartCount": restarts}]}}


def test_ready_beats_not_ready_and_running_beats_pending():
    assert most_active_pod([pod("a", ready=False), pod("b")])["metadata"]["name"] == "b"
    assert most_active_pod([pod("a", phase="Pending", ready=False), pod("b", ready=False)])["metadata"]["name"] == "b"


def test_ready_longer_then_fewer_restarts_then_older():
    assert most_active_pod([pod("a", ready_since="2026-11-27T10:05:00Z"), pod("b")])["metadata"]["name"] == "b"
    assert most_active_pod([pod("a", restarts=3), pod("b", restarts=1)])["metadata"]["name"] == "b"
    assert most_active_pod([pod("a", created="2026-11-27T09:30:00Z"), pod("b")])["metadata"]["name"] == "b"


def test_an_unscheduled_pod_is_never_picked_over_a_scheduled_one():
    assert most_active_pod([pod("a", node=None), pod("b", ready=False, phase="Pending")])["metadata"]["name"] == "b"
