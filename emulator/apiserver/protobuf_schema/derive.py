"""Derive the emulator's protobuf message table from Kubernetes' own `generated.proto` files.

The field numbers, names and types of the built-in kinds are facts of the upstream sources:
`kubernetes/api` (`<group>/<version>/generated.proto`, and `register.go` for the group name) and
`kubernetes/apimachinery` (`pkg/apis/meta/v1`, `pkg/runtime`, `pkg/util/intstr`, `pkg/api/resource`).
The Go types next to them (`types.go` and the other files whose struct fields carry `protobuf:"..."`
tags) say which fields JSON leaves out when zero: a non-pointer field tagged `omitempty`, which the
gogo marshalers still write on the wire. The script reads them from git checkouts at a tag, so the
table says exactly where it came from:

    python -m emulator.apiserver.protobuf_schema.derive \\
        --api /path/to/kubernetes/api.git --apimachinery /path/to/kubernetes/apimachinery.git --tag v0.35.1

The .proto files are not committed; `table.json` next to this script is.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

TABLE = Path(__file__).with_name("table.json")
API_PACKAGES = ("core/v1", "apps/v1", "batch/v1", "rbac/v1", "authorization/v1", "authentication/v1")
APIMACHINERY_PACKAGES = ("pkg/apis/meta/v1", "pkg/runtime", "pkg/util/intstr", "pkg/api/resource")
SCALARS = {"string", "bytes", "bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64",
           "fixed32", "fixed64", "sfixed32", "sfixed64", "double", "float"}

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_MESSAGE = re.compile(r"\bmessage\s+(\w+)\s*\{(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s*(optional|repeated|required)?\s*([\w.]+)\s+(\w+)\s*=\s*(\d+)\s*(?:\[[^\]]*\])?\s*;", re.M)
_STRUCT = re.compile(r"^type\s+(\w+)\s+struct\s*\{(.*?)^\}", re.S | re.M)
_GO_FIELD = re.compile(r'^\s*\w+\s+(\S+)\s+`[^`]*json:"[^",]*((?:,[^"]*)?)"[^`]*protobuf:"\w+,(\d+),', re.M)
_MAP = re.compile(r"^\s*map<\s*([\w.]+)\s*,\s*([\w.]+)\s*>\s+(\w+)\s*=\s*(\d+)\s*;", re.M)


def git_show(repo: str, tag: str, path: str) -> str:
    return subprocess.run(["git", "-C", repo, "show", f"{tag}:{path}"], check=True, capture_output=True,
                          text=True).stdout


def commit_of(repo: str, tag: str) -> str:
    return subprocess.run(["git", "-C", repo, "rev-parse", f"{tag}^{{commit}}"], check=True, capture_output=True,
                          text=True).stdout.strip()


def _qualify(type_name: str, package: str) -> str:
    if type_name in SCALARS:
        return type_name
    return type_name.lstrip(".") if type_name.startswith(".") or "." in type_name else f"{package}.{type_name}"


def parse_proto(text: str) -> dict[str, dict[str, list[str]]]:
    """Messages of one .proto file: full name -> field number -> [jsonName, label, type(, keyType)]."""
    text = _COMMENT.sub("", text)
    package = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M).group(1)
    messages: dict[str, dict[str, list[str]]] = {}
    for name, body in _MESSAGE.findall(text):
        fields: dict[str, list[str]] = {}
        for label, type_name, field, number in _FIELD.findall(body):
            fields[number] = [field, label or "optional", _qualify(type_name, package)]
        for key, value, field, number in _MAP.findall(body):
            fields[number] = [field, "map", _qualify(value, package), key]
        messages[f"{package}.{name}"] = dict(sorted(fields.items(), key=lambda item: int(item[0])))
    return messages


def omitted_when_zero(go_source: str) -> dict[str, list[int]]:
    """Go type -> field numbers JSON omits at their zero value (omitempty on a non-pointer scalar field)."""
    found: dict[str, list[int]] = {}
    for name, body in _STRUCT.findall(go_source):
        numbers = [int(number) for go_type, options, number in _GO_FIELD.findall(body)
                   if "omitempty" in options and not go_type.startswith(("*", "[]", "map["))]
        if numbers:
            found[name] = numbers
    return found


def package_omissions(repo: str, tag: str, package_dir: str, package: str) -> dict[str, list[int]]:
    listing = subprocess.run(["git", "-C", repo, "ls-tree", "--name-only", f"{tag}:{package_dir}"], check=True,
                             capture_output=True, text=True).stdout.split()
    found: dict[str, list[int]] = {}
    for file in listing:
        if file.endswith(".go") and not file.endswith(("_test.go", ".pb.go")) and "zz_generated" not in file:
            source = git_show(repo, tag, f"{package_dir}/{file}")
            if 'protobuf:"' in source:
                found.update({f"{package}.{name}": numbers for name, numbers in omitted_when_zero(source).items()})
    return found


def group_version(repo: str, tag: str, package_dir: str) -> str:
    group = re.search(r'GroupName\s*=\s*"([^"]*)"', git_show(repo, tag, f"{package_dir}/register.go")).group(1)
    version = package_dir.rsplit("/", 1)[1]
    return f"{group}/{version}" if group else version


def derive(api: str, apimachinery: str, tag: str) -> dict:
    messages: dict[str, dict[str, list[str]]] = {}
    groups: dict[str, str] = {}
    omissions: dict[str, list[int]] = {}
    for repo, package_dirs in ((api, API_PACKAGES), (apimachinery, APIMACHINERY_PACKAGES)):
        for package_dir in package_dirs:
            parsed = parse_proto(git_show(repo, tag, f"{package_dir}/generated.proto"))
            messages.update(parsed)
            package = next(iter(parsed)).rsplit(".", 1)[0]
            omissions.update(package_omissions(repo, tag, package_dir, package))
            if repo == api:
                groups[group_version(api, tag, package_dir)] = package
    return {
        "source": {
            "note": "derived by emulator/apiserver/protobuf_schema/derive.py; do not edit by hand",
            "kubernetes": "1.35 (staging repos tagged " + tag + ")",
            "github.com/kubernetes/api": {"tag": tag, "commit": commit_of(api, tag),
                                          "paths": [f"{p}/generated.proto, {p}/*.go" for p in API_PACKAGES]},
            "github.com/kubernetes/apimachinery": {"tag": tag, "commit": commit_of(apimachinery, tag),
                                                   "paths": [f"{p}/generated.proto, {p}/*.go"
                                                             for p in APIMACHINERY_PACKAGES]},
            "field": "number -> [jsonName, optional|repeated|map, type (scalar or full message name), map key type]",
            "omitEmpty": "message -> field numbers whose zero value JSON omits "
                         "(non-pointer omitempty, from the Go types)",
        },
        "groupVersions": groups,
        "messages": dict(sorted(messages.items())),
        "omitEmpty": {name: omissions[name] for name in sorted(omissions) if name in messages},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--api", required=True, help="a git checkout of github.com/kubernetes/api")
    parser.add_argument("--apimachinery", required=True, help="a git checkout of github.com/kubernetes/apimachinery")
    parser.add_argument("--tag", default="v0.35.1", help="the staging tag of the Kubernetes release")
    options = parser.parse_args()
    table = derive(options.api, options.apimachinery, options.tag)
    TABLE.write_text(json.dumps(table, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {len(table['messages'])} messages to {TABLE}")


if __name__ == "__main__":
    main()
