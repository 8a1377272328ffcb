"""The real kubectl on this machine against the runtime (websocket v5 exec)."""
import os
import shutil
import subprocess

import pytest

from selftests.emulator_runtime.execs import ping_summary

KUBECTL = shutil.which("kubectl")
pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl on this machine")


def kubectl(cluster, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "KUBECONFIG": str(cluster.kubeconfig), "HOME": str(cluster.kubeconfig.parent)}
    return subprocess.run([KUBECTL, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_kubectl_exec_ping_by_pod_fqdn(cluster):
    done = kubectl(cluster, "exec", "react-a", "--", "ping", "-c", "1", "192-168-1-2.default.pod.cluster.local")
    assert done.returncode == 0, done.stderr
    assert ping_summary(done.stdout) == (1, 1, 0)
    assert "ttl=62" in done.stdout


def test_kubectl_exec_reports_the_exit_code(cluster):
    done = kubectl(cluster, "exec", "react-a", "--", "sh", "-c", "echo bye; exit 3")
    assert done.returncode == 3
    assert done.stdout == "bye\n"
    assert "command terminated with exit code 3" in done.stderr


def test_kubectl_exec_of_a_missing_executable(cluster):
    done = kubectl(cluster, "exec", "react-a", "--", "bash")
    assert done.returncode == 126
    assert 'exec: "bash": executable file not found in $PATH' in done.stdout
    assert "command terminated with exit code 126" in done.stderr


def test_kubectl_exec_not_found_in_sh(cluster):
    done = kubectl(cluster, "exec", "react-a", "--", "sh", "-c", "traceroutex")
    assert done.returncode == 127
    assert "sh: traceroutex: not found" in done.stderr

