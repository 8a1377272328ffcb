"""Every profile state minikube v1.38.1 reports gets a decision (docs/platform.md §1.8).

The listings are built the way minikube builds them (selftests/suite/minikube_json.py, from kubernetes/minikube
v1.38.1 `cmd/minikube/cmd/config/profile_list.go` printProfilesJSON, `pkg/minikube/config/profile.go`
ListProfiles/IsValid, and the status names of `pkg/minikube/cluster/status.go` codeNames).
"""
import json

import pytest

from fixtures.cluster.providers.minikube_profiles import parse_listing, reuse
from fixtures.gate.errors import SetupError
from selftests.suite.minikube_json import STATUS_NAMES, cluster_config, profile_entry, profile_list


def listed(status, *, nodes=2, driver="docker"):
    text = profile_list([profile_entry("lab4", status, cluster_config("lab4", nodes=nodes, driver=driver))], [])
    return parse_listing(text, "", 0)["lab4"]


def test_the_listing_is_minikubes_shape():
    body = json.loads(profile_list([profile_entry("lab4", "OK", cluster_config("lab4"))], []))
    assert list(body) == ["invalid", "valid"]  # a Go map: keys sorted
    entry = body["valid"][0]
    assert list(entry) == ["Name", "Status", "Config", "Active", "ActiveKubeContext"]
    assert entry["Config"]["KubernetesConfig"]["CNI"] == "calico" and len(entry["Config"]["Nodes"]) == 2


def test_a_running_profile_is_ok_since_v1_35_and_is_reused_as_it_is():
    found = listed("OK")
    assert (found.status, found.driver, found.nodes, found.memory_mb, found.cpus) == ("OK", "docker", 2, 3072, 2)
    assert reuse(found).command == ()


@pytest.mark.parametrize("status", ["HAppy", "Warning", "Running"])  # 2xx, and the name before v1.35.0
def test_every_serving_status_is_reused(status):
    assert reuse(listed(status)).command == ()


def test_a_stopped_profile_is_started_and_a_paused_one_unpaused():
    assert reuse(listed("Stopped")).command == ("minikube", "start", "-p", "lab4")
    assert reuse(listed("Paused")).command == ("minikube", "unpause", "-p", "lab4")


HANDLED = ("OK", "HAppy", "Warning", "Stopped", "Paused")


@pytest.mark.parametrize("status", [s for s in STATUS_NAMES if s not in HANDLED])
def test_every_other_status_ends_the_run_with_a_fix(status):
    with pytest.raises(SetupError) as raised:
        reuse(listed(status))
    message = str(raised.value)
    assert "minikube profile lab4" in message or "profile lab4" in message
    assert "-p lab4" in message  # a command to run
    assert (status in message) if status else "no status" in message


@pytest.mark.parametrize("status, advice", [
    ("InsufficientStorage", "/var inside its node is almost full"),
    ("Starting", "another minikube command is working on it"),
    ("Degraded", "one of its control-plane nodes is down"),
    ("Unknown", "its docker machine is gone or the driver does not answer"),
])
def test_status_specific_advice(status, advice):
    with pytest.raises(SetupError, match=advice):
        reuse(listed(status))


def test_an_invalid_profile_has_config_null_and_is_named_not_crashed_on():
    text = profile_list([], [profile_entry("lab4", "", None, valid=False)])
    assert json.loads(text)["invalid"][0] == {"Name": "lab4", "Status": "", "Config": None, "Active": False,
                                              "ActiveKubeContext": False}
    found = parse_listing(text, "", 0)["lab4"]
    assert not found.valid
    with pytest.raises(SetupError, match=r"lists profile lab4 as invalid.*minikube delete -p lab4"):
        reuse(found)


def test_a_wrong_node_count_is_named():
    with pytest.raises(SetupError, match=r"exists with 1 node\(s\); the lab needs 2"):
        reuse(listed("OK", nodes=1))


def test_no_profile_at_all_is_an_empty_listing():
    assert parse_listing(profile_list([], []), "", 0) == {}


def test_a_listing_that_failed_is_one_paragraph():
    # printProfilesJSON on an error: {"error": <err>} and exit 80 (reason.ExGuestError)
    with pytest.raises(SetupError, match=r"failed \(exit 80: .*permission denied\)"):
        parse_listing('{"error":{}}', "E1201 open /home/s/.kube/config: permission denied", 80)
    with pytest.raises(SetupError, match="failed"):
        parse_listing("not json", "", 1)
