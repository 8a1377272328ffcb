"""Server-side field validation of built-in objects: the `fieldValidation` query parameter.

kube-apiserver decodes a create or update body strictly when asked (`fieldValidation=Strict`, what
kubectl sends for `create`, `apply` and `replace` since 1.27): a field the kind does not declare is
400 BadRequest, `<Kind> in version "<v>" cannot be handled as a <Kind>: strict decoding error:
unknown field "spec.replica"` (apimachinery `runtime/serializer/json` strict decoding; KEP-2885).
`Warn`, the default since 1.23, drops such fields and answers a `Warning: 299 - "unknown field
\"spec.replica\""` header; `Ignore` drops them silently. The declared fields are those of
Kubernetes 1.35's OpenAPI, as the strict JSON schemas kubernetes-validate bundles carry them
(`v1.35.0-local-strict`, every object `additionalProperties: false`); they load on the first
checked write. Custom resources and JSON patches are not checked here (docs/platform.md §19.6).

A merge or strategic merge patch is checked for the fields it sets (kubernetes/apiserver v0.35.1
`pkg/endpoints/handlers/patch.go` applyPatchToObject decodes the patched object with the same
validation; an unset `fieldValidation` is Warn, `handlers/rest.go` fieldValidation): Strict is a 422 whose
one cause is `patch: Invalid value: "<the patch as Go's %+v prints the map>": strict decoding error:
unknown field "spec.replica"`, Warn drops the field and warns. Strategic directives (`$patch`,
`$retainKeys`, `$setElementOrder/...`, `$deleteFromPrimitiveList/...`) are not fields.

A server-side apply body is checked whatever `fieldValidation` says: the field manager converts it to a
typed value first (apimachinery v0.35.1 `pkg/util/managedfields/internal/structuredmerge.go` Apply:
"failed to create typed patch object (<ns>/<name>; <group>/<version>, Kind=<Kind>): ..."), and
structured-merge-diff's validation refuses a field the schema does not declare (`typed/validate.go`
visitMapItems: `<path>: field not declared in schema`, the path written as `fieldpath/element.go`
PathElement.String: `.field`, `[name="app"]` for a keyed list item, `[=value]` in a set, `[0]` else).
The apiserver does not wrap that error in a Status, so it is a 500 without a reason (kubernetes issues
#122480, #139253; docs/platform.md §18.8). SMD stops at the first such field of each object in Go's map
order, which is random; the emulator names the first in document order.
"""
from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

from ..base import errors

SCHEMAS = resources.files("kubernetes_validate") / "kubernetes-json-schema" / "v1.35.0-local-strict"
MODES = ("Strict", "Warn", "Ignore")


@functools.cache
def _definitions() -> dict[str, Any]:
    return json.loads((SCHEMAS / "_definitions.json").read_text())["$defs"]


@functools.cache
def _kinds() -> dict[tuple[str, str, str], str]:
    """(group, version, kind) -> the definition's name."""
    return {(gvk["group"], gvk["version"], gvk["kind"]): name for name, schema in _definitions().items()
            for gvk in schema.get("x-kubernetes-group-version-kind") or []}


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _definitions()[schema["$ref"].rpartition("/")[2]]
    return schema


def _walk(value: Any, schema: dict[str, Any], path: str, found: list[str], prune: bool,
          patch: bool = False) -> None:
    schema = _resolve(schema)
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in list(value.items()):
            where = f"{path}.{key}" if path else key
            if patch and key.startswith("$"):
                continue
            if properties is not None and key in properties:
                _walk(item, properties[key], where, found, prune, patch)
            elif isinstance(extra, dict):
                _walk(item, extra, where, found, prune, patch)
            elif properties is not None and extra is False:
                found.append(where)
                if prune:
                    del value[key]
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _walk(item, schema["items"], f"{path}[{index}]", found, prune, patch)


def unknown_fields(group: str, version: str, kind: str, obj: dict[str, Any], prune: bool = False,
                   patch: bool = False) -> list[str]:
    """The dotted paths of fields the kind does not declare (empty for a kind without a schema);
    with `prune`, they are dropped from `obj` as the decoder drops them under Warn and Ignore."""
    name = _kinds().get((group, version, kind))
    if name is None:
        return []
    found: list[str] = []
    _walk(obj, _definitions()[name], "", found, prune, patch)
    return found


def check_patch(query_value: str | None, group: str, version: str, kind: str, patch: dict[str, Any]) -> list[str]:
    """A merge or strategic patch under the request's mode: raise Strict's 422, else prune and warn."""
    mode = _mode(query_value)
    shown = go_value(patch)       # the patch as it came, before any pruning
    fields = unknown_fields(group, version, kind, patch, prune=mode != "Strict", patch=True)
    if fields and mode == "Strict":
        unknown = ", ".join(f'unknown field "{field}"' for field in fields)
        raise errors.invalid_patch(shown, f"strict decoding error: {unknown}")
    return warnings(fields) if mode == "Warn" else []


def go_value(value: Any) -> str:
    """Go's %+v of a JSON value decoded into interface{} (maps print with sorted keys, integral numbers
    as integers: apimachinery util/json converts them to int64)."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{key}:{go_value(value[key])}" for key in sorted(value)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(go_value(item) for item in value) + "]"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2 ** 63:
        return str(int(value))
    return str(value)


def _mode(query_value: str | None) -> str:
    """The request's `fieldValidation`, Warn when absent (handlers/rest.go fieldValidation)."""
    mode = query_value or "Warn"
    if mode not in MODES:
        raise errors.bad_request(f'fieldValidation must be one of "Ignore", "Strict", "Warn", got "{mode}"')
    return mode


def check(query_value: str | None, group: str, version: str, kind: str, obj: dict[str, Any]) -> list[str]:
    """Apply the request's mode to `obj`: raise Strict's 400, else prune and return the warnings."""
    mode = _mode(query_value)
    fields = unknown_fields(group, version, kind, obj, prune=mode != "Strict")
    if fields and mode == "Strict":
        raise errors.bad_request(strict_message(version, kind, fields))
    return warnings(fields) if mode == "Warn" else []


def strict_message(version: str, kind: str, fields: list[str]) -> str:
    unknown = ", ".join(f'unknown field "{field}"' for field in fields)
    return f'{kind} in version "{version}" cannot be handled as a {kind}: strict decoding error: {unknown}'


def warnings(fields: list[str]) -> list[str]:
    """Warning header values, as the apiserver's warning recorder writes them."""
    return ["299 - " + json.dumps(f'unknown field "{field}"') for field in fields]


def _smd_key(item: dict[str, Any], keys: list[str]) -> str:
    """A keyed list item's path element: `[containerPort=3000,protocol="TCP"]`, keys sorted by name."""
    parts = [f"{key}={json.dumps(item[key], ensure_ascii=False)}" for key in sorted(keys) if key in item]
    return "[" + ",".join(parts) + "]"


def _smd_walk(value: Any, schema: dict[str, Any], path: str, found: list[str]) -> None:
    schema = _resolve(schema)
    if isinstance(value, dict):
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            where = f"{path}.{key}"
            if properties is not None and key in properties:
                _smd_walk(item, properties[key], where, found)
            elif isinstance(extra, dict):
                _smd_walk(item, extra, where, found)
            elif properties is not None and extra is False:
                found.append(f"{where}: field not declared in schema")
                return
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        kind, keys = schema.get("x-kubernetes-list-type"), schema.get("x-kubernetes-list-map-keys") or []
        for index, item in enumerate(value):
            if kind == "map" and keys and isinstance(item, dict):
                element = _smd_key(item, keys)
            elif kind == "set":
                element = f"[={json.dumps(item, ensure_ascii=False)}]"
            else:
                element = f"[{index}]"
            _smd_walk(item, schema["items"], path + element, found)


def apply_refusal(group: str, version: str, kind: str, body: dict[str, Any]) -> str | None:
    """What the field manager says of an apply body with undeclared fields; None when it has none."""
    name = _kinds().get((group, version, kind))
    if name is None:
        return None
    found: list[str] = []
    _smd_walk(body, _definitions()[name], "", found)
    if not found:
        return None
    meta = body.get("metadata") or {}
    where = f"{meta.get('namespace', '')}/{meta.get('name', '')}; {group}/{version}, Kind={kind}"
    detail = found[0] if len(found) == 1 else "errors:\n" + "\n".join(f"  {line}" for line in found)
    return f"failed to create typed patch object ({where}): {detail}"
