"""`--cluster=existing` audits: it proves what holds, fails what does not, and writes nothing."""
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


def test_audit_of_an_untouched_cluster_proves_r1_r2_fails_r5_and_changes_nothing(tmp_path):
    with EmulatedCluster() as cluster:
        kubeconfig = tmp_path / "kubeconfig"
        cluster.write_kubeconfig(kubeconfig)
        before = resource_versions(kubeconfig)
        writes_before = sum(1 for r in cluster.requests if r.write)
        run = run_suite("--cluster=existing", f"--kubeconfig={kubeconfig}", QUICK, workdir=tmp_path)
        after = resource_versions(kubeconfig)
        writes = [r for r in cluster.requests if r.write][writes_before:]
    verdicts = run.verdicts()
    assert verdicts.get("R1") == "passed" and verdicts.get("R2") == "passed", run.output[-4000:]
    assert verdicts.get("R5") == "failed" and verdicts.get("R4") == "failed", verdicts
    assert "no enabled IP pool selects nodes by label" in run.messages("R4")
    assert run.returncode == 1
    assert writes == [], writes
    assert before == after
