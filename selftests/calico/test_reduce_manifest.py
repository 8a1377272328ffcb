"""The self-tests' copy of Calico's manifest keeps upstream's objects (selftests/calico/reduce_manifest.py)."""
from __future__ import annotations

import yaml

from selftests.calico.apply import MANIFEST
from selftests.calico.reduce_manifest import KEPT_SCHEMAS, PERMISSIVE, reduce_manifest, reduce_object


def _objects(text: str) -> list[dict]:
    return [o for o in yaml.safe_load_all(text) if o]


def test_crds_lose_descriptions_and_only_the_kept_schemas_stay():
    crd = {"kind": "CustomResourceDefinition", "metadata": {"name": "felixconfigurations.crd.projectcalico.org"},
           "spec": {"versions": [{"name": "v1", "schema": {"openAPIV3Schema": {
               "description": "long", "properties": {"spec": {"description": "x", "type": "object"}}}}}]}}
    assert reduce_object(crd)["spec"]["versions"][0]["schema"] == {"openAPIV3Schema": PERMISSIVE}
    crd["metadata"]["name"] = "ippools.crd.projectcalico.org"
    assert reduce_object(crd)["spec"]["versions"][0]["schema"] == {
        "openAPIV3Schema": {"properties": {"spec": {"type": "object"}}}}
    workload = {"kind": "DaemonSet", "metadata": {"name": "calico-node", "description": "kept"}}
    assert reduce_object(workload) is workload


def test_the_committed_copy_is_its_own_fixed_point_and_keeps_the_upstream_shape():
    committed = _objects(MANIFEST.read_text())
    again = _objects(reduce_manifest(MANIFEST.read_bytes(), MANIFEST.name))
    assert again == committed
    node = next(o for o in committed if o["kind"] == "DaemonSet")
    container = node["spec"]["template"]["spec"]["containers"][0]
    assert (node["metadata"]["namespace"], container["image"]) == ("kube-system", "quay.io/calico/node:v3.31.3")
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["CALICO_IPV4POOL_IPIP"] == "Always" and "CALICO_IPV4POOL_CIDR" not in env    # docs/platform.md §9.6
    kept = {o["metadata"]["name"] for o in committed if o["kind"] == "CustomResourceDefinition"
            and o["spec"]["versions"][0]["schema"]["openAPIV3Schema"] != PERMISSIVE}
    assert kept == KEPT_SCHEMAS
