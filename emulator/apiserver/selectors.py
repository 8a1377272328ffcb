"""Label and field selectors as the apiserver parses them.

Label grammar: `staging/src/k8s.io/apimachinery/pkg/labels/selector.go` (Parse): requirements joined
by `,`; `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`, `key>n`, `key<n`.
`!=` and `notin` also match objects without the key.
Field grammar: `staging/src/k8s.io/apimachinery/pkg/fields/selector.go` (ParseSelector): `f=v`,
`f==v`, `f!=v` joined by `,`; which fields a resource supports is in `FIELD_LABELS`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ..base.errors import bad_request

_TOKEN = re.compile(r"\s*(\(|\)|,|!=|==|=|!|<|>|[^\s(),!=<>]+)")
_KEY = re.compile(r"^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]{0,61}[a-z0-9A-Z])?$")


@dataclass(frozen=True)
class Requirement:
    key: str
    op: str                  # exists, !exists, in, notin, gt, lt
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        present = self.key in labels
        value = labels.get(self.key)
        if self.op == "exists":
            return present
        if self.op == "!exists":
            return not present
        if self.op == "in":
            return present and value in self.values
        if self.op == "notin":
            return not present or value not in self.values
        if not present or not value.lstrip("-").isdigit():
            return False
        bound = int(self.values[0])
        return int(value) > bound if self.op == "gt" else int(value) < bound


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            if text[pos:].strip() == "":
                break
            raise bad_request(f"unable to parse requirement: found '{text[pos]}', expected: identifier")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _check_key(key: str) -> str:
    if not _KEY.match(key) or len(key.rsplit("/", 1)[-1]) > 63:
        raise bad_request(f'unable to parse requirement: <nil>: Invalid value: "{key}": name part must '
                          "consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                          "with an alphanumeric character")
    return key


def parse_labels(text: str | None) -> list[Requirement]:
    if not text or not text.strip():
        return []
    tokens, requirements, i = _tokens(text), [], 0

    def take() -> str:
        nonlocal i
        if i >= len(tokens):
            raise bad_request(f"unable to parse requirement: found '', expected: identifier in '{text}'")
        i += 1
        return tokens[i - 1]

    while i < len(tokens):
        token = take()
        if token == "!":
            requirements.append(Requirement(_check_key(take()), "!exists"))
        else:
            key = _check_key(token)
            op = tokens[i] if i < len(tokens) else ","
            if op == ",":
                requirements.append(Requirement(key, "exists"))
            elif op in ("=", "==", "!="):
                i += 1
                value = tokens[i] if i < len(tokens) and tokens[i] != "," else ""
                if value:
                    i += 1
                requirements.append(Requirement(key, "notin" if op == "!=" else "in", (value,)))
            elif op in ("in", "notin"):
                i += 1
                if take() != "(":
                    raise bad_request(f"unable to parse requirement: found '{tokens[i-1]}', expected: '('")
                values = []
                while (token := take()) != ")":
                    if token != ",":
                        values.append(token)
                requirements.append(Requirement(key, op, tuple(values)))
            elif op in ("<", ">"):
                i += 1
                bound = take()
                if not bound.lstrip("-").isdigit():
                    raise bad_request("unable to parse requirement: for 'Gt', 'Lt' operators, "
                                      "the value must be an integer")
                requirements.append(Requirement(key, "gt" if op == ">" else "lt", (bound,)))
            else:
                raise bad_request(f"unable to parse requirement: found '{op}', expected: "
                                  "in, notin, =, ==, !=, gt, lt")
        if i < len(tokens):
            if tokens[i] != ",":
                raise bad_request(f"unable to parse requirement: found '{tokens[i]}', expected: ','")
            i += 1
    return requirements


def labels_match(requirements: list[Requirement], obj: dict[str, Any]) -> bool:
    labels = obj.get("metadata", {}).get("labels") or {}
    return all(r.matches(labels) for r in requirements)


# Fields each resource's GetAttrs exposes (pkg/registry/*/strategy.go, ToSelectableFields).
# Every resource also supports metadata.name and metadata.namespace.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "pods": ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
             "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
             "status.nominatedNodeName"),
    "events": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
               "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
               "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type"),
    "nodes": ("spec.unschedulable",),
    "namespaces": ("status.phase",),
    "secrets": ("type",),
    "replicasets.apps": ("status.replicas",),
    "services": ("spec.clusterIP", "spec.type"),
}


@dataclass(frozen=True)
class FieldTerm:
    field: str
    value: str
    equal: bool


def parse_fields(text: str | None, resource_key: str) -> list[FieldTerm]:
    if not text or not text.strip():
        return []
    allowed = ("metadata.name", "metadata.namespace") + FIELD_LABELS.get(resource_key, ())
    terms = []
    for part in re.split(r"(?<!\\),", text):
        match = re.match(r"^\s*([^=!]+?)\s*(==|!=|=)(.*)$", part)
        if not match:
            raise bad_request(f"invalid selector: '{text}'; can't understand '{part}'")
        name, op, value = match.groups()
        if name not in allowed:
            raise bad_request(f'field label not supported: {name}')
        terms.append(FieldTerm(name, value.replace("\\,", ",").replace("\\=", "="), op != "!="))
    return terms


def _field_value(obj: dict[str, Any], path: str) -> str:
    if path == "source":      # events: source is the reporting component
        return obj.get("source", {}).get("component", "")
    if path == "status.podIPs":
        return ",".join(p.get("ip", "") for p in obj.get("status", {}).get("podIPs") or [])
    node: Any = obj
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, bool):
        return "true" if node else "false"
    return "" if node is None else str(node)


def fields_match(terms: list[FieldTerm], obj: dict[str, Any]) -> bool:
    return all((_field_value(obj, t.field) == t.value) == t.equal for t in terms)


def matcher(label_text: str | None, field_text: str | None, resource_key: str) -> Callable[[dict], bool]:
    """Parse once (raising 400 on bad input), then test objects."""
    label_terms = parse_labels(label_text)
    field_terms = parse_fields(field_text, resource_key)
    return lambda obj: labels_match(label_terms, obj) and fields_match(field_terms, obj)
