"""Derive the emulator's catalogue of built-in resources from Kubernetes 1.35's own API documents.

    python -m emulator.apiserver.derive_resources --openapi SWAGGER --openapi-source TEXT --discovery DIR \
        --discovery-source TEXT [--kinds DEFINITIONS] [--out PATH]

Inputs (none is committed; docs/platform.md §18.1 says where each copy came from):
- SWAGGER: kubernetes/kubernetes `api/openapi-spec/swagger.json` of release-1.35. It names every
  group/version/resource with its scope (a `/namespaces/{namespace}/` path), verbs
  (`x-kubernetes-action` of each operation), subresources and the kinds they answer with
  (`x-kubernetes-group-version-kind`). It is generated with every alpha and beta API switched on.
- DIR: kubernetes/kubernetes `api/discovery/` (`aggregated_v2.json` and `api__v1.json`), the generated
  discovery documents: the short names and categories the registries declare, which OpenAPI lacks.
- DEFINITIONS: kubernetes-validate's `v1.35.0-local-strict/_definitions.json` (default: the installed
  package's): a cross-check that every kind written out exists in 1.35.0.

What a default 1.35 API server serves (KEP-3136: beta APIs are off by default, and 1.35 has no legacy
beta left on): the GA versions (`v1`, `v2`, ...). The output is one compact JSON file that
`emulator.apiserver.resources` loads at start-up, with the inputs' provenance written into it.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

GA_VERSION = re.compile(r"^v\d+$")
PATH = re.compile(r"^/(?:api/(?P<core>v1)|apis/(?P<group>[^/]+)/(?P<version>[^/]+))/(?P<rest>.+)$")
# HTTP method of a connect operation -> the discovery verb (apiserver endpoints/installer.go).
CONNECT_VERBS = {"get": "get", "post": "create", "put": "update", "patch": "patch", "delete": "delete"}
ACTION_VERBS = {"get": "get", "list": "list", "watch": "watch", "watchlist": "watch", "post": "create",
                "put": "update", "patch": "patch", "delete": "delete", "deletecollection": "deletecollection"}
DEFAULT_OUT = Path(__file__).with_name("builtin_resources.json")


def parse_path(path: str) -> tuple[str, str, bool, str, str] | None:
    """(group, version, namespaced, resource, subresource) of a resource path, None for others."""
    match = PATH.match(path.rstrip("/"))
    if not match:
        return None
    group, version = ("", "v1") if match["core"] else (match["group"], match["version"])
    parts = match["rest"].split("/")
    if parts[0] == "watch":
        parts = parts[1:]
    namespaced = len(parts) > 2 and parts[0] == "namespaces" and parts[1] == "{namespace}"
    if namespaced:
        parts = parts[2:]
    if not parts or parts[0].startswith("{"):
        return None
    subresource = parts[2] if len(parts) > 2 and parts[1] == "{name}" else ""
    return group, version, namespaced, parts[0], subresource


def verbs_of(operations: dict[str, Any]) -> tuple[set[str], dict[str, str] | None]:
    """The discovery verbs one path's operations add, and the kind they answer with."""
    verbs, kind = set(), None
    for method, op in operations.items():
        if not isinstance(op, dict) or method == "parameters":
            continue
        action = op.get("x-kubernetes-action")
        verb = CONNECT_VERBS.get(method) if action == "connect" else ACTION_VERBS.get(action or "")
        if verb:
            verbs.add(verb)
            kind = kind or op.get("x-kubernetes-group-version-kind")
    return verbs, kind


def collect(swagger: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every GA resource of the document, keyed by (group, version, plural)."""
    found: dict[tuple[str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"namespaced": False, "verbs": set(), "kind": None, "subresources": defaultdict(
            lambda: {"verbs": set(), "kind": None})})
    for path, operations in swagger["paths"].items():
        parsed = parse_path(path)
        if parsed is None or not GA_VERSION.match(parsed[1]):
            continue
        group, version, namespaced, plural, subresource = parsed
        verbs, kind = verbs_of(operations)
        if not verbs:
            continue
        entry = found[(group, version, plural)]
        target = entry["subresources"][subresource] if subresource else entry
        target["verbs"] |= verbs
        target["kind"] = target["kind"] or kind
        entry["namespaced"] = entry["namespaced"] or namespaced
    return found


def declared_names(discovery_dir: Path) -> dict[tuple[str, str], dict[str, list[str]]]:
    """shortNames and categories by (group, plural), from the generated discovery documents."""
    names: dict[tuple[str, str], dict[str, list[str]]] = {}
    core = json.loads((discovery_dir / "api__v1.json").read_text())
    for resource in core["resources"]:
        if "/" not in resource["name"]:
            names[("", resource["name"])] = {"shortNames": resource.get("shortNames") or [],
                                            "categories": resource.get("categories") or []}
    aggregated = json.loads((discovery_dir / "aggregated_v2.json").read_text())
    for group in aggregated["items"]:
        for version in group["versions"]:
            for resource in version["resources"]:
                names.setdefault((group["metadata"]["name"], resource["resource"]), {
                    "shortNames": resource.get("shortNames") or [],
                    "categories": resource.get("categories") or []})
    return names


def kinds_of_release(definitions: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(gvk["group"], gvk["version"], gvk["kind"])
            for schema in definitions["$defs"].values()
            for gvk in schema.get("x-kubernetes-group-version-kind") or []}


def version_order(version: str) -> tuple[int, int]:
    """GA versions, highest first (kube-aggregator's version sort: v2 before v1)."""
    return (0, -int(version[1:]))


def derive(swagger: dict[str, Any], discovery_dir: Path, release_kinds: set[tuple[str, str, str]] | None,
           group_priority: list[str]) -> tuple[dict[str, Any], list[str]]:
    names = declared_names(discovery_dir)
    problems = []
    resources = []
    for (group, version, plural), entry in sorted(collect(swagger).items()):
        kind = (entry["kind"] or {}).get("kind")
        if not kind:
            problems.append(f"{group}/{version} {plural}: no kind in the document")
            continue
        if release_kinds is not None and (group, version, kind) not in release_kinds:
            problems.append(f"{group}/{version} {kind}: not a kind of 1.35.0")
        declared = names.get((group, plural))
        if declared is None:
            problems.append(f"{group or 'core'} {plural}: not in the discovery documents (no short names known)")
            declared = {"shortNames": [], "categories": []}
        subresources = []
        for name, sub in sorted(entry["subresources"].items()):
            sub_kind = sub["kind"] or {}
            gv = (sub_kind.get("group", group), sub_kind.get("version", version))
            subresources.append([name, sub_kind.get("kind", kind), *((gv[0], gv[1]) if gv != (group, version) else
                                                                     (None, None)), sorted(sub["verbs"])])
        resources.append([group, version, plural, kind.lower(), kind, entry["namespaced"], sorted(entry["verbs"]),
                          declared["shortNames"], declared["categories"], subresources])
    groups = sorted({r[0] for r in resources}, key=lambda g: (g != "", group_priority.index(g)
                                                              if g in group_priority else len(group_priority), g))
    versions = {g: sorted({r[1] for r in resources if r[0] == g}, key=version_order) for g in groups}
    return {"groups": [[g, versions[g]] for g in groups], "resources": resources}, problems


# Group order of `/apis`: APIService groupPriorityMinimum, highest first (kubernetes
# cmd/kube-apiserver/app/aggregator.go apiVersionPriorities over pkg/controlplane/apiserver/aggregator.go
# DefaultGenericAPIServicePriorities), ties as the aggregated discovery document lists them.
GROUP_PRIORITY = ["", "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io",
                  "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io", "networking.k8s.io",
                  "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
                  "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io",
                  "discovery.k8s.io", "resource.k8s.io", "flowcontrol.apiserver.k8s.io"]


def render(data: dict[str, Any]) -> str:
    """Compact JSON, one resource a line, so that a re-derivation reads as a diff."""
    compact = lambda value: json.dumps(value, separators=(",", ":"))  # noqa: E731
    rows = ",\n".join(compact(r) for r in data["resources"])
    return (f'{{"source":{compact(data["source"])},\n"groups":{compact(data["groups"])},\n'
            f'"resources":[\n{rows}\n]}}\n')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--openapi", required=True, type=Path, help="api/openapi-spec/swagger.json of release-1.35")
    parser.add_argument("--openapi-source", required=True, help="where that copy came from (repo, path, commit)")
    parser.add_argument("--discovery", required=True, type=Path, help="a copy of kubernetes api/discovery/")
    parser.add_argument("--discovery-source", required=True, help="where those copies came from")
    parser.add_argument("--kinds", type=Path, help="kubernetes-validate v1.35.0 _definitions.json")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    kinds_file = args.kinds or _installed_definitions()
    release_kinds = kinds_of_release(json.loads(kinds_file.read_text()))
    data, problems = derive(json.loads(args.openapi.read_text()), args.discovery, release_kinds, GROUP_PRIORITY)
    if problems:
        print("derive_resources: " + "; ".join(problems), file=sys.stderr)
        return 1
    data = {"source": {
        "openapi": args.openapi_source, "discovery": args.discovery_source,
        "kinds": f"kubernetes-validate {_installed_version()} {kinds_file.parent.name}/{kinds_file.name}",
        "rule": "GA versions only (KEP-3136: beta APIs off by default; none left on in 1.35)",
        "columns": ["group", "version", "plural", "singular", "kind", "namespaced", "verbs", "shortNames",
                    "categories", "subresources [name, kind, group, version, verbs]"]}, **data}
    args.out.write_text(render(data))
    print(f"derive_resources: {len(data['resources'])} resources in {len(data['groups'])} groups -> {args.out}")
    return 0


def _installed_definitions() -> Path:
    import kubernetes_validate
    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / "v1.35.0-local-strict" / \
        "_definitions.json"


def _installed_version() -> str:
    from importlib.metadata import version
    return version("kubernetes-validate")


if __name__ == "__main__":
    sys.exit(main())
