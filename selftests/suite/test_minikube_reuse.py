"""The minikube provider against what minikube v1.38.1 prints (docs/platform.md §1.8–§1.10), end to end.

The stand-in (standins/minikube) prints `minikube profile list -o json` as minikube v1.38.1 does, built by
selftests/suite/minikube_json.py from kubernetes/minikube `cmd/minikube/cmd/config/profile_list.go` and
`pkg/minikube/cluster/status.go` (a running profile is "OK", an invalid one has `"Config": null`); the driver
comes from `minikube config get driver` as `cmd/minikube/cmd/start.go` selectDriver reads it; the Docker
stand-in prints `docker info` as moby's `api/types/system/info.go` Info.
"""
import json
import os
import shutil
import subprocess
import sys

from selftests.suite.conftest import QUICK, STANDINS, calls
from selftests.suite.runner import run_suite

GIB = 2**30


SHELL_TOOLS = ("bash", "cat", "grep", "rm", "seq", "sleep")  # what the stand-ins run


def only_these_tools(tmp_path, monkeypatch, *names):
    """PATH with the named stand-ins, the shell tools they use and Python: no Docker unless named."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for name in names:
        (tools / name).symlink_to(STANDINS / name)
    for name in SHELL_TOOLS:
        (tools / name).symlink_to(shutil.which(name))
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.path.dirname(sys.executable)}")


def test_a_running_profile_reported_ok_is_reused_without_minikube_start(tmp_path, standins):
    first = run_suite("--cluster=minikube", "--keep-cluster", QUICK, "-k", "test_r01", workdir=tmp_path / "a")
    assert first.returncode == 0, first.output[-4000:]
    listing = json.loads(subprocess.run([STANDINS / "minikube", "profile", "list", "-o", "json"], capture_output=True,
                                        text=True, check=True).stdout)
    assert listing["valid"][0]["Status"] == "OK"  # what minikube >= v1.35.0 prints for a running cluster
    second = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path / "b")
    assert second.returncode == 0, second.output[-4000:]
    assert [c for c in calls(standins) if c.startswith("minikube start")] == [
        "minikube start -p lab4 --cni=calico --nodes=2"]
    assert "minikube profile lab4 (reused, docker driver)" in (second.workdir / "report.html").read_text()


def test_a_driver_set_with_minikube_config_needs_no_docker(tmp_path, standins, monkeypatch):
    only_these_tools(tmp_path, monkeypatch, "minikube", "kubectl")
    monkeypatch.setenv("STANDIN_CONFIG_DRIVER", "kvm2")  # `minikube config set driver kvm2`
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    assert "minikube config get driver" in calls(standins)
    assert not any(c.startswith("docker") for c in calls(standins))
    assert "Docker" not in run.output
    assert run.verdicts().get("R1") == "passed"


def test_a_stopped_vm_profile_is_restarted_without_docker(tmp_path, standins, monkeypatch):
    only_these_tools(tmp_path, monkeypatch, "minikube", "kubectl")
    monkeypatch.setenv("STANDIN_STOPPED", "1")
    monkeypatch.setenv("STANDIN_PROFILE_DRIVER", "qemu2")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    assert "minikube start -p lab4" in calls(standins)
    assert "minikube config get driver" not in calls(standins)  # the profile's own driver wins
    assert "minikube profile lab4 (restarted, qemu2 driver)" in (run.workdir / "report.html").read_text()


def test_no_driver_anywhere_asks_for_docker_naming_the_other_ways(tmp_path, standins, monkeypatch):
    only_these_tools(tmp_path, monkeypatch, "minikube", "kubectl")
    run = run_suite("--cluster=minikube", QUICK, workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "`docker` was not found on PATH" in run.output
    assert "minikube picks Docker, its first choice" in run.output
    assert "`minikube config set driver kvm2`" in run.output


def test_an_invalid_profile_is_named_with_the_fix_not_a_traceback(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_INVALID", "1")  # the profile's folder is there, its config.json is not
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "minikube lists profile lab4 as invalid" in run.output
    assert "`minikube delete -p lab4`" in run.output
    assert "Traceback" not in run.output and "AttributeError" not in run.output
    assert not any(c.startswith(("minikube start", "minikube delete")) for c in calls(standins))


def test_a_paused_profile_is_unpaused_and_kept(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_STATUS", "Paused")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    made = calls(standins)
    assert "minikube unpause -p lab4" in made and not any(c.startswith("minikube start") for c in made)
    assert not any(c.startswith("minikube delete") for c in made)


def test_a_profile_out_of_disk_is_named_with_the_fix(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_STATUS", "InsufficientStorage")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "minikube profile lab4 is InsufficientStorage: /var inside its node is almost full" in run.output
    assert not any(c.startswith(("minikube start", "minikube delete")) for c in calls(standins))


def test_two_default_nodes_that_overcommit_docker_stop_before_minikube_start(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_DOCKER_MEMTOTAL", str(4 * GIB))
    monkeypatch.setenv("STANDIN_DOCKER_DESKTOP", "1")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "gives each of its 2 nodes 3072 MiB, 6144 MiB together, but Docker offers only 4096 MiB" in run.output
    assert "Docker Desktop's memory limit" in run.output and "--memory=2000" in run.output
    assert "docker info --format {{json .}}" in calls(standins)
    assert not any(c.startswith("minikube start") for c in calls(standins))


def test_memory_and_cpus_pass_through_and_make_the_nodes_fit(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_DOCKER_MEMTOTAL", str(4 * GIB))
    run = run_suite("--cluster=minikube", QUICK, "--memory=2000", "--cpus=2", "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    assert "minikube start -p lab4 --cni=calico --nodes=2 --memory=2000 --cpus=2" in calls(standins)


def test_a_bad_memory_value_is_a_usage_error(tmp_path):
    run = run_suite("--cluster=minikube", "--memory=lots", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "--memory=lots is not a size" in run.output and "Traceback" not in run.output
