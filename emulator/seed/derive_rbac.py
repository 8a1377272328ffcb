"""Derive the bootstrap RBAC policy a fresh cluster carries from Kubernetes' own record of it.

    python -m emulator.seed.derive_rbac --testdata DIR --source TEXT [--out PATH]

DIR is a copy of kubernetes/kubernetes `plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/`:
`cluster-roles.yaml` and `cluster-role-bindings.yaml` are what kube-apiserver's RBAC post-start
hook (`pkg/registry/rbac/rest/storage_rbac.go` ensureRBACPolicy) creates at first start, kept as
golden files by `bootstrappolicy/policy_test.go`. The output keeps each object as that file has it,
minus `creationTimestamp: null`, with the provenance written into it.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

DEFAULT_OUT = Path(__file__).with_name("bootstrap_rbac.json")
FILES = {"clusterRoles": "cluster-roles.yaml", "clusterRoleBindings": "cluster-role-bindings.yaml"}


def objects(path: Path) -> list[dict[str, Any]]:
    items = yaml.safe_load(path.read_text())["items"]
    for item in items:
        item["metadata"].pop("creationTimestamp", None)
        if item.get("rules") is None and "aggregationRule" in item:
            item["rules"] = []     # the aggregation controller fills them in
    return items


def render(data: dict[str, Any]) -> str:
    """Compact JSON, one object a line, so that a re-derivation reads as a diff."""
    compact = lambda value: json.dumps(value, separators=(",", ":"))  # noqa: E731
    lists = ",\n".join(f'"{key}":[\n' + ",\n".join(compact(o) for o in data[key]) + "\n]" for key in FILES)
    return f'{{"source":{compact(data["source"])},\n{lists}}}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--testdata", required=True, type=Path)
    parser.add_argument("--source", required=True, help="where that copy came from (repo, path, commits)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data: dict[str, Any] = {"source": args.source}
    for key, name in FILES.items():
        data[key] = objects(args.testdata / name)
    args.out.write_text(render(data))
    print(f"derive_rbac: {len(data['clusterRoles'])} ClusterRoles, {len(data['clusterRoleBindings'])} "
          f"ClusterRoleBindings -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
