"""Audits of clusters built by hand in a student's wrong ways (docs/lab.md#the-mistakes-the-suite-must-catch): the suite
fails the right requirement with the right words, and sends not a single write request."""
import subprocess
import time
from pathlib import Path

import pytest

from emulator import EmulatedCluster
from selftests.suite.runner import ROOT, run_suite
from selftests.suite.test_audit import settled

FACTOR = "--timeout-factor=0.03"


def pools_yaml(pools: dict[str, tuple[str, str]]) -> str:
    """IPPools as students apply them with kubectl: name -> (cidr, nodeSelector)."""
    return "\n---\n".join(f"""apiVersion: crd.projectcalico.org/v1
kind: IPPool
metadata:
  name: {name}
spec:
  cidr: {cidr}
  blockSize: 26
  ipipMode: Always
  natOutgoing: true
  nodeSelector: '{selector}'""" for name, (cidr, selector) in pools.items())


RACKS = {"rack-0-ippool": ("192.168.0.0/24", 'rack == "0"'), "rack-1-ippool": ("192.168.1.0/24", 'rack == "1"')}


class Student:
    """Does the lab's steps by hand, with kubectl, in whatever order a scenario says."""

    def __init__(self, kubeconfig: Path):
        self.kubeconfig = kubeconfig

    def kubectl(self, *args: str, stdin: str | None = None) -> str:
        result = subprocess.run(["kubectl", "--kubeconfig", str(self.kubeconfig), *args], input=stdin,
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
        return result.stdout

    def pools(self, pools=RACKS):
        self.kubectl("apply", "-f", "-", stdin=pools_yaml(pools))

    def label(self, key="rack", values=("0", "1")):
        for node, value in zip(("lab4", "lab4-m02"), values, strict=False):
            self.kubectl("label", "node", node, f"{key}={value}", "--overwrite")

    def delete_default_pool(self):
        self.kubectl("delete", "ippools.crd.projectcalico.org", "default-ipv4-ippool")

    def app(self):
        for name in ("configmap.yaml", "deployment.yaml", "service.yaml"):
            self.kubectl("apply", "-f", str(ROOT / "manifests" / name))

    def wait_for_app_pods(self, phase_jsonpath="{.items[*].status.podIP}", count=2, timeout=30.0):
        deadline = time.monotonic() + timeout
        while len(self.kubectl("get", "pods", "-l", "app=react-app", "-o",
                               f"jsonpath={phase_jsonpath}").split()) < count:
            assert time.monotonic() < deadline, "the app pods got no IPs"
            time.sleep(0.2)


def app_before_pools(s: Student):
    s.app()
    s.wait_for_app_pods()
    s.pools()
    s.label()
    s.delete_default_pool()


def default_pool_kept(s: Student):
    s.pools()
    s.label()
    s.app()
    s.wait_for_app_pods()


def labels_no_pool_selects(s: Student):
    s.pools()
    s.label(key="culture")
    s.delete_default_pool()
    s.app()


def overlapping_pools(s: Student):
    s.pools({"zone-a-ippool": ("10.244.102.1/24", 'zone == "a"'), "zone-b-ippool": ("10.244.102.2/24", 'zone == "b"')})
    s.label(key="zone", values=("a", "b"))
    s.delete_default_pool()
    s.app()
    s.wait_for_app_pods()


SCENARIOS = {
    app_before_pools: ("R5", "outside rack-"),
    default_pool_kept: ("R5", "default-ipv4-ippool"),
    labels_no_pool_selects: ("R4", "select no enabled pool"),
    overlapping_pools: ("R5", "overlaps"),
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_the_audit_names_the_mistake_and_writes_nothing(scenario, tmp_path):
    requirement, words = SCENARIOS[scenario]
    with EmulatedCluster() as cluster:
        kubeconfig = tmp_path / "kubeconfig"
        cluster.write_kubeconfig(kubeconfig)
        settled(cluster)
        scenario(Student(kubeconfig))
        seen = len(cluster.requests.entries())
        run = run_suite("--cluster=existing", f"--kubeconfig={kubeconfig}", FACTOR, workdir=tmp_path)
        writes = [r for r in cluster.requests.entries()[seen:] if r.method not in ("GET", "HEAD")]
    assert run.verdicts().get(requirement) == "failed", f"{run.verdicts()}\n{run.output[-5000:]}"
    assert words in run.messages(requirement), run.messages(requirement)
    assert writes == [], writes
    assert run.returncode == 1
