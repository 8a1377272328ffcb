"""The minikube and kind providers, end to end, with stand-in executables that serve the emulator."""
import os
import subprocess
import time

from emulator.base.faults import SINGLE_NODE
from selftests.suite.conftest import QUICK, calls
from selftests.suite.runner import run_suite
from selftests.suite.test_reference_run import LIVE


def test_minikube_provider_creates_the_profile_and_deletes_it(tmp_path, standins):
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01 or test_r02", workdir=tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    made = calls(standins)
    assert "minikube start -p lab4 --cni=calico --nodes=2" in made, made
    assert "minikube delete -p lab4" in made, made
    assert run.verdicts().get("R1") == "passed"


def test_minikube_provider_keeps_the_cluster_and_reuses_it(tmp_path, standins):
    first = run_suite("--cluster=minikube", "--keep-cluster", QUICK, "-k", "test_r01", workdir=tmp_path / "a")
    assert first.returncode == 0, first.output[-4000:]
    assert not any(c.startswith("minikube delete") for c in calls(standins))
    second = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path / "b")
    assert second.returncode == 0, second.output[-4000:]
    starts = [c for c in calls(standins) if c.startswith("minikube start")]
    assert len(starts) == 1, starts  # the second run reused the running profile...
    assert not any(c.startswith("minikube delete") for c in calls(standins))  # ...and, not its own, kept it


def test_minikube_provider_passes_version_and_driver(tmp_path, standins):
    run = run_suite("--cluster=minikube", QUICK, "--kubernetes-version=v1.35.1", "--driver=docker",
                    "-k", "test_cluster_has_two_nodes", workdir=tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    assert ("minikube start -p lab4 --cni=calico --nodes=2 --kubernetes-version=v1.35.1 --driver=docker"
            in calls(standins))


def test_a_failing_minikube_start_ends_the_run_with_its_output(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_FAIL_START", "docker: Cannot connect to the Docker daemon")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "creating minikube profile lab4 failed" in run.output
    assert "Cannot connect to the Docker daemon" in run.output
    assert "Traceback" not in run.output


def test_missing_minikube_ends_the_run_before_any_test(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(os.sys.executable))
    run = run_suite("--cluster=minikube", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "`minikube` was not found on PATH" in run.output
    assert "https://minikube.sigs.k8s.io/docs/start/" in run.output
    assert "Traceback" not in run.output
    assert not run.cases or all(c.outcome != "passed" for c in run.cases if c.requirement != "R11")


def test_kind_provider_creates_a_calico_cluster_and_deletes_it(tmp_path, standins):
    run = run_suite("--cluster=kind", QUICK, "-k", "test_r01 or test_r02", workdir=tmp_path)
    assert run.returncode == 0, run.output[-4000:]
    made = calls(standins)
    create = next(c for c in made if c.startswith("kind create cluster"))
    assert "--name=lab4" in create and "--config" in create, create
    assert any("apply --server-side -f https://raw.githubusercontent.com/projectcalico/calico/v3.31.3/manifests/calico.yaml"
               in c for c in made), made
    assert any(c.startswith("kind delete cluster") for c in made), made


def test_the_lab_passes_on_a_kind_shaped_cluster(tmp_path, standins):
    """`--cluster=kind` end to end: the stand-in serves the emulator's kind flavour with the provider's own
    config (two nodes, no CNI until Calico's manifest is applied; docs/platform.md §9). kind keeps kubeadm's
    control-plane taint on a two-node cluster (kubernetes-sigs/kind
    `pkg/cluster/internal/create/actions/kubeadminit/init.go`), so before the provider told kubeadm to register
    the control plane untainted, R6 waited out its bound on a Pending second replica and R10 never ran."""
    started = time.monotonic()
    run = run_suite("--cluster=kind", QUICK, workdir=tmp_path)
    took = time.monotonic() - started
    assert run.returncode == 0, run.output[-5000:]
    assert run.verdicts() == {r: "passed" for r in LIVE + ["R11"]}, run.output[-5000:]
    assert took < 240, f"the kind run took {took:.0f} s"
    config = next((tmp_path / "tmp").rglob("kind-config.yaml")).read_text()
    assert "taints: []" in config, config


def test_a_kept_kind_cluster_with_the_taint_is_named_not_changed(tmp_path, standins):
    """A kind cluster that exists already (made by hand, or by an older run) keeps kubeadm's taint: the suite
    does not change it and ends with one paragraph that names the node and both ways out."""
    old = tmp_path / "old-kind-config.yaml"
    old.write_text("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  disableDefaultCNI: true\n"
                   "nodes:\n  - role: control-plane\n  - role: worker\n")
    made = subprocess.run(["kind", "create", "cluster", "--name=lab4", f"--kubeconfig={tmp_path / 'old'}",
                           "--config", str(old)], capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    run = run_suite("--cluster=kind", QUICK, "-k", "test_r01", workdir=tmp_path / "run")
    assert run.returncode == 4, run.output[-3000:]
    assert "control-plane node lab4-control-plane carries the taint node-role.kubernetes.io/control-plane" \
           ":NoSchedule" in run.output, run.output[-3000:]
    assert "kind delete cluster --name lab4" in run.output and "Traceback" not in run.output
    assert not any(c.startswith(("kind delete", "kubectl apply")) for c in calls(standins)), calls(standins)


def test_missing_kind_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", os.path.dirname(os.sys.executable))
    run = run_suite("--cluster=kind", workdir=tmp_path)
    assert run.returncode == 4
    assert "`kind` was not found on PATH" in run.output and "Traceback" not in run.output


def test_a_profile_with_the_wrong_node_count_is_left_alone(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_STOPPED", "1")
    monkeypatch.setenv("STANDIN_NODES", "1")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "minikube profile lab4 exists with 1 node(s); the lab needs 2" in run.output
    assert not any(c.startswith(("minikube start", "minikube delete")) for c in calls(standins))


def test_a_stopped_profile_is_restarted_and_kept(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_STOPPED", "1")
    run = run_suite("--cluster=minikube", QUICK, "-k", "test_r01", workdir=tmp_path)
    assert run.returncode == 0, run.output[-3000:]
    made = calls(standins)
    assert "minikube start -p lab4" in made, made          # restarted as it was, no new flags
    assert not any(c.startswith("minikube delete") for c in made), made  # not ours to delete


def test_a_docker_engine_that_does_not_answer_is_named(tmp_path, standins, monkeypatch):
    monkeypatch.setenv("STANDIN_DOCKER_DOWN", "1")
    run = run_suite("--cluster=minikube", workdir=tmp_path)
    assert run.returncode == 4, run.output[-3000:]
    assert "Docker is installed but its engine does not answer" in run.output
    assert "Is the docker daemon running?" in run.output and "Traceback" not in run.output


def test_an_unknown_emulator_fault_is_named_with_the_known_ones(tmp_path):
    run = run_suite("--cluster=emulator", "--emulator-fault=no-such-fault", workdir=tmp_path)
    assert run.returncode == 4
    assert f"unknown fault no-such-fault; known faults: {SINGLE_NODE}" in run.output
    assert "Traceback" not in run.output
