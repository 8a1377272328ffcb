"""issue 3's "Done when" with the real kubectl: `kubectl run` of the lab image, `kubectl exec ...
-- ping -c 1 <pod FQDN>` of a pod on the other node, the app's logs over time, and events."""
from __future__ import annotations

import subprocess

from kubernetes import client, config

from emulator import EmulatedCluster, Timeline
from selftests.emulator_controllers.conftest import SCALE
from selftests.emulator_controllers.lab import LAB_IMAGE, wait_for


def _fqdn(ip: str, namespace: str = "default") -> str:
    return f"{ip.replace('.', '-')}.{namespace}.pod.cluster.local"


def test_kubectl_run_then_exec_ping_a_pod_on_the_other_node_by_fqdn(lab, kubectl):
    lab.provision_pools()
    for name, node in (("pinger", "lab4"), ("target", "lab4-m02")):
        kubectl("run", name, f"--image={LAB_IMAGE}", "--port=3000",
                f'--overrides={{"spec":{{"nodeSelector":{{"kubernetes.io/hostname":"{node}"}}}}}}')
    kubectl("wait", "--for=condition=Ready", "pod/pinger", "pod/target", "--timeout=20s", timeout=30)
    target = lab.pod("target")
    assert target.spec.node_name == "lab4-m02" and target.status.pod_ip.startswith("192.168.1.")
    result = kubectl("exec", "pinger", "--", "ping", "-c", "1", _fqdn(target.status.pod_ip), check=False)
    assert result.returncode == 0, result.stderr
    assert f"PING {_fqdn(target.status.pod_ip)} ({target.status.pod_ip}): 56 data bytes" in result.stdout
    assert "1 packets transmitted, 1 packets received, 0% packet loss" in result.stdout
    assert "ttl=62" in result.stdout                    # two hops: across the nodes


def test_the_apps_log_grows_as_its_build_finishes(tmp_path):
    # a 3 s build, so the log can be read before it ends
    cluster = EmulatedCluster((), Timeline(scale=SCALE, app_build=6.0)).start()
    try:
        core = client.CoreV1Api(config.new_client_from_config(
            config_file=str(cluster.write_kubeconfig(tmp_path / "kubeconfig"))))
        core.create_namespaced_pod("default", {"metadata": {"name": "web"}, "spec": {
            "containers": [{"name": "web", "image": LAB_IMAGE}]}})

        def log(**options) -> str:
            return core.read_namespaced_pod_log("web", "default", _preload_content=False, **options).data.decode()
        wait_for("the container running", lambda: core.read_namespaced_pod("web", "default").status.phase == "Running")
        assert log() == "Builing frontend\n"
        wait_for("the build to finish", lambda: "Server started on port 3000" in log(), timeout=10)
        stamped = log(timestamps=True).splitlines()
        assert [line.split(" ", 1)[1] for line in stamped] == [
            "Builing frontend", "build finished", "Server started on port 3000"]
        started = core.read_namespaced_pod("web", "default").status.container_statuses[0].state.running.started_at
        assert stamped[0].startswith(started.strftime("%Y-%m-%dT%H:%M:%S")) and stamped[0] < stamped[1]
    finally:
        cluster.stop()


def test_kubectl_logs_f_follows_the_build_until_the_pod_goes(tmp_path):
    """`kubectl logs -f` keeps the stream open and prints lines as the container writes them, until it stops
    running (kubernetes `pkg/kubelet/kuberuntime/logs/logs.go` ReadLogs with Follow). The emulator sent the
    log so far and closed, so `-f` returned at once."""
    cluster = EmulatedCluster((), Timeline(scale=SCALE, app_build=6.0)).start()
    try:
        kubeconfig = str(cluster.write_kubeconfig(tmp_path / "kubeconfig"))
        core = client.CoreV1Api(config.new_client_from_config(config_file=kubeconfig))
        core.create_namespaced_pod("default", {"metadata": {"name": "web"}, "spec": {
            "containers": [{"name": "web", "image": LAB_IMAGE}]}})
        wait_for("the container running", lambda: core.read_namespaced_pod("web", "default").status.phase == "Running")
        follow = subprocess.Popen(["kubectl", "--kubeconfig", kubeconfig, "logs", "-f", "web"],
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert follow.stdout.readline() == "Builing frontend\n"
            assert follow.stdout.readline() == "build finished\n"   # written while kubectl was waiting
            assert follow.stdout.readline() == "Server started on port 3000\n"
            assert follow.poll() is None
            core.delete_namespaced_pod("web", "default", grace_period_seconds=0)
            assert follow.wait(timeout=15) == 0
        finally:
            follow.kill()
    finally:
        cluster.stop()


def test_a_missing_pull_secret_is_a_warning_and_the_public_image_still_runs(lab, kubectl):
    lab.wait_for_calico()
    lab.run_pod("public", {"containers": [{"name": "app", "image": LAB_IMAGE}],
                           "imagePullSecrets": [{"name": "regcred"}]})
    kubectl("wait", "--for=condition=Ready", "pod/public", "--timeout=20s", timeout=30)
    [warning] = lab.events(name="public", reason="FailedToRetrieveImagePullSecret")
    assert warning.type == "Warning" and warning.message == (
        "Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not succeed.")
    reasons = [e.reason for e in sorted(lab.events(name="public"), key=lambda e: e.metadata.creation_timestamp)]
    assert {"Scheduled", "Pulling", "Pulled", "Created", "Started"} <= set(reasons)
    pulled = [e.message for e in lab.events(name="public", reason="Pulled")]
    assert pulled[0].startswith(f'Successfully pulled image "{LAB_IMAGE}" in ')


def test_a_busybox_without_a_command_completes_and_backs_off(lab, kubectl):
    lab.wait_for_calico()
    kubectl("run", "bb", "--image=busybox")
    wait_for("restarts", lambda: (lab.pod("bb").status.container_statuses or [None])[0] is not None
             and lab.pod("bb").status.container_statuses[0].restart_count >= 2, timeout=15)
    status = lab.pod("bb").status.container_statuses[0]
    assert status.last_state.terminated.reason == "Completed" and status.last_state.terminated.exit_code == 0


def test_deleting_a_pod_is_graceful(lab, kubectl):
    lab.wait_for_calico()
    kubectl("run", "leaving", f"--image={LAB_IMAGE}")
    kubectl("wait", "--for=condition=Ready", "pod/leaving", "--timeout=20s", timeout=30)
    deleted = lab.core.delete_namespaced_pod("leaving", "default")
    assert deleted.metadata.deletion_timestamp and deleted.metadata.deletion_grace_period_seconds == 30
    wait_for("gone", lambda: lab.gone("leaving"))
    assert lab.events(name="leaving", reason="Killing")[0].message == "Stopping container leaving"
