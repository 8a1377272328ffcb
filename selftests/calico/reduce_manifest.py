"""Write the self-tests' copy of Calico's official manifest, reduced, from the upstream file.

    python -m selftests.calico.reduce_manifest UPSTREAM_CALICO_YAML OUTPUT_YAML

UPSTREAM_CALICO_YAML is projectcalico/calico `manifests/calico.yaml` at the pinned tag (v3.31.3), fetched by
hand (this script reads a local file only). The output keeps every object, in order, with its kind, name,
namespace, labels, images, commands, env, probes, volumes, tolerations and RBAC rules exactly as upstream;
only the CRDs shrink: every `description` is dropped, and the schemas of CRDs the lab never writes become
`{type: object, x-kubernetes-preserve-unknown-fields: true}`. The IPAM CRDs (IPPool, IPAMBlock,
BlockAffinity, IPAMHandle, IPAMConfig, IPReservation) and ClusterInformation keep their real schemas.
The header records the input's git blob id and sha256, so anyone can check it against the tag
(`git rev-parse v3.31.3:manifests/calico.yaml`); the same input always gives the same file.
"""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import yaml

KEPT_SCHEMAS = {f"{plural}.crd.projectcalico.org" for plural in (
    "ippools", "ipamblocks", "blockaffinities", "ipamhandles", "ipamconfigs", "ipreservations",
    "clusterinformations")}
PERMISSIVE = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
HEADER = """\
# Calico {version} `manifests/calico.yaml` (projectcalico/calico), reduced for the self-tests by
# selftests/calico/reduce_manifest.py from the upstream file: git blob {blob}
# (the file at tag {version}), sha256 {digest}.
# Every object is upstream's, in upstream's order; only the CRD schemas are reduced: descriptions
# dropped, and every CRD accepts any fields except
# {kept}.
# Regenerate: python -m selftests.calico.reduce_manifest calico.yaml selftests/calico/{output}
"""


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _literal_multiline(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # The CNI conflist stays readable as a block, as upstream writes it.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _literal_multiline)


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_without_descriptions(v) for v in node]
    return node


def reduce_object(obj: dict[str, Any]) -> dict[str, Any]:
    if obj.get("kind") != "CustomResourceDefinition":
        return obj
    reduced = _without_descriptions(obj)
    if reduced["metadata"]["name"] not in KEPT_SCHEMAS:
        for version in reduced["spec"]["versions"]:
            version["schema"] = {"openAPIV3Schema": dict(PERMISSIVE)}
    return reduced


def version_of(objects: list[dict[str, Any]]) -> str:
    node = next(o for o in objects if o.get("kind") == "DaemonSet" and o["metadata"]["name"] == "calico-node")
    image = node["spec"]["template"]["spec"]["containers"][0]["image"]
    return image.rsplit(":", 1)[1]


def reduce_manifest(upstream: bytes, output_name: str) -> str:
    objects = [o for o in yaml.safe_load_all(upstream) if o]
    blob = hashlib.sha1(b"blob %d\0" % len(upstream) + upstream).hexdigest()   # what `git hash-object` prints
    header = HEADER.format(version=version_of(objects), digest=hashlib.sha256(upstream).hexdigest(), blob=blob,
                           kept=", ".join(sorted(n.split(".")[0] for n in KEPT_SCHEMAS)), output=output_name)
    body = yaml.dump_all([reduce_object(o) for o in objects], Dumper=_Dumper, sort_keys=False,
                         explicit_start=True, width=120)
    return header + body


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m selftests.calico.reduce_manifest UPSTREAM_CALICO_YAML OUTPUT_YAML", file=sys.stderr)
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    try:
        upstream = source.read_bytes()
    except OSError as error:
        print(f"reduce_manifest: cannot read {source}: {error.strerror}", file=sys.stderr)
        return 2
    target.write_text(reduce_manifest(upstream, target.name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
