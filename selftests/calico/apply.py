"""`kubectl apply --server-side -f FILE` for the self-tests, with the real client: one server-side apply
(field manager `kubectl`, conflicts forced off, as kubectl sends it) per document, in file order, printing
kubectl's `<resource>.<group>/<name> serverside-applied` lines.

    python -m selftests.calico.apply KUBECONFIG FILE

The kubectl stand-in uses it for Calico's manifest (`selftests/calico/calico-v3.31.3.yaml`), so the kind
flavour of the emulator receives exactly the objects that manifest holds. Exit 1 with kubectl's
`Error from server (...)` line on the first object the server refuses.
"""
from __future__ import annotations

import sys
from pathlib import Path

import yaml
from kubernetes import client, config, dynamic
from kubernetes.client.exceptions import ApiException

MANIFEST = Path(__file__).with_name("calico-v3.31.3.yaml")


def _label(resource: dynamic.Resource, name: str) -> str:
    return f"{resource.name}.{resource.group}/{name}" if resource.group else f"{resource.name}/{name}"


def apply(api: client.ApiClient, documents: list[dict]) -> list[str]:
    dyn = dynamic.DynamicClient(api)
    applied = []
    for doc in documents:
        resource = dyn.resources.get(api_version=doc["apiVersion"], kind=doc["kind"])
        meta = doc["metadata"]
        resource.server_side_apply(body=doc, name=meta["name"], namespace=meta.get("namespace"),
                                   field_manager="kubectl", force_conflicts=True)
        applied.append(f"{_label(resource, meta['name'])} serverside-applied")
        if doc["kind"] == "CustomResourceDefinition":
            dyn.resources.invalidate_cache()
    return applied


def main(argv: list[str]) -> int:
    kubeconfig, path = argv
    documents = [d for d in yaml.safe_load_all(Path(path).read_text()) if d]
    try:
        lines = apply(config.new_client_from_config(config_file=kubeconfig), documents)
    except ApiException as error:
        print(f"Error from server ({error.reason}): {error.body}", file=sys.stderr)
        return 1
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
