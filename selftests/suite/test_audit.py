"""`--cluster=existing` audits: it proves what holds, fails what does not, and writes nothing."""
import time

from kubernetes import client, config

from emulator import EmulatedCluster
from selftests.suite.conftest import QUICK
from selftests.suite.runner import run_suite


def resource_versions(kubeconfig) -> dict[str, str]:
    api_client = config.new_client_from_config(str(kubeconfig))
    core, apps = client.CoreV1Api(api_client), client.AppsV1Api(api_client)
    custom = client.CustomObjectsApi(api_client)
    seen = {}
    for kind, items in (("node", core.list_node().items), ("pod", core.list_pod_for_all_namespaces().items),
                        ("configmap", core.list_config_map_for_all_namespaces().items),
                        ("deployment", apps.list_deployment_for_all_namespaces().items)):
        seen.update({f"{kind}/{o.metadata.namespace}/{o.metadata.name}": o.metadata.resource_version for o in items})
    for pool in custom.list_cluster_custom_object("crd.projectcalico.org", "v1", "ippools")["items"]:
        seen[f"ippool/{pool['metadata']['name']}"] = pool["metadata"]["resourceVersion"]
    return seen


def settled(cluster, timeout=30.0):
    """The emulated cluster's own start-up (Calico becoming Ready) also bumps resourceVersions: let it finish."""
    deadline = time.monotonic() + timeout
    while "kube-system-ready" not in cluster.milestones:
        assert time.monotonic() < deadline, f"the emulated cluster did not settle: {cluster.milestones}"
        time.sleep(0.1)


def test_audit_of_an_untouched_cluster_proves_r1_r2_fails_r5_and_changes_nothing(tmp_path):
    with EmulatedCluster() as cluster:
        kubeconfig = tmp_path / "kubeconfig"
        cluster.write_kubeconfig(kubeconfig)
        settled(cluster)
        before = resource_versions(kubeconfig)
        seen_before = len(cluster.requests.entries())
        run = run_suite("--cluster=existing", f"--kubeconfig={kubeconfig}", QUICK, workdir=tmp_path)
        after = resource_versions(kubeconfig)
        # Any request that could change something, refused or not (exec and port-forward are GETs).
        writes = [r for r in cluster.requests.entries()[seen_before:] if r.method not in ("GET", "HEAD")]
    verdicts = run.verdicts()
    assert verdicts.get("R1") == "passed" and verdicts.get("R2") == "passed", run.output[-4000:]
    assert verdicts.get("R5") == "failed" and verdicts.get("R4") == "failed", verdicts
    assert "no enabled IP pool selects nodes by label" in run.messages("R4")
    assert run.returncode == 1
    assert writes == [], writes
    assert before == after
