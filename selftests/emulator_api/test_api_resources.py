"""Every resource of a fresh Kubernetes 1.35 API server, as the real kubectl sees them.

The expected list is not written here: it is the emulator's derived catalogue
`emulator/apiserver/builtin_resources.json`, made by `emulator/apiserver/derive_resources.py` from
kubernetes/kubernetes `api/openapi-spec/swagger.json` of release-1.35 and the generated discovery
documents `api/discovery/` (its "source" field names the copies and commits; docs/platform.md §A).
`kubectl api-resources` reads the server's discovery documents; each row must be one of that list
(the preferred version of its group, as client-go's ServerPreferredResources picks), with the same
short names, scope, kind, verbs and categories, and the only other rows are the CRDs minikube's
Calico manifest installs.
"""
from __future__ import annotations

import json

from emulator.apiserver import resources

CRD_GROUPS = {"crd.projectcalico.org", "policy.networking.k8s.io"}
COLUMNS = ("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND", "VERBS", "CATEGORIES")


def _table(output: str) -> list[dict[str, str]]:
    """kubectl's tabwriter table: columns start where their headers start; empty cells are blank."""
    header, *lines = output.rstrip("\n").splitlines()
    starts = [header.index(name) for name in COLUMNS]
    ends = starts[1:] + [None]
    cells = list(zip(COLUMNS, starts, ends, strict=True))
    return [{name: line[start:end].strip() for name, start, end in cells} for line in lines]


def _expected() -> set[tuple[str, ...]]:
    """One row per (group, resource): the group's most preferred version that serves it."""
    rows, seen = set(), set()
    for resource in resources.BUILTIN:           # in group order, preferred version first
        if (resource.group, resource.plural) in seen:
            continue
        seen.add((resource.group, resource.plural))
        rows.add((resource.plural, ",".join(resource.short_names), resource.api_version,
                  str(resource.namespaced).lower(), resource.kind, ",".join(resource.verbs),
                  ",".join(resource.categories)))
    return rows


def test_api_resources_are_the_derived_kubernetes_1_35_list(kubectl):
    listed = _table(kubectl("api-resources", "-o", "wide").stdout)
    groups = {r.group for r in resources.BUILTIN}
    builtin = {tuple(row[c] for c in COLUMNS) for row in listed if row["APIVERSION"].rpartition("/")[0] in groups}
    expected = _expected()
    source = json.dumps(resources.SOURCE, indent=1)
    assert builtin == expected, (f"missing: {sorted(expected - builtin)}\nextra: {sorted(builtin - expected)}\n"
                                 f"the list came from: {source}")
    others = {row["APIVERSION"].rpartition("/")[0] for row in listed} - groups
    assert others == CRD_GROUPS, f"rows outside the built-in groups: {sorted(others)}"
    assert {"roles", "jobs", "apiservices", "replicationcontrollers"} <= \
        {row[0] for row in expected}, f"the derived list is not the 1.35 one: {source}"


def test_api_versions_lists_every_served_group_version(kubectl):
    versions = set(kubectl("api-versions").stdout.split())
    assert {"v1", "apps/v1", "batch/v1", "rbac.authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2",
            "resource.k8s.io/v1", "apiregistration.k8s.io/v1", "crd.projectcalico.org/v1"} <= versions
    assert not {v for v in versions if "alpha" in v and not v.startswith("policy.networking.k8s.io/")}
    assert not {v for v in versions if "beta" in v}
