"""The three classic patch formats: JSON merge (RFC 7386), JSON patch (RFC 6902), strategic merge.

Strategic merge follows `staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`:
`null` deletes, maps merge, keyed lists merge by their patchMergeKey (`listtypes`), other lists are
replaced; directives `$patch: replace|delete|merge`, `$retainKeys`, `$setElementOrder/<field>` and
`$deleteFromPrimitiveList/<field>` (the ones kubectl's client-side apply sends).
"""
from __future__ import annotations

import copy
from typing import Any

from ..base.listtypes import SET, merge_key


class PatchError(Exception):
    """The patch does not apply; the apiserver answers 422 (json patch) or 400 (bad document)."""


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# --- RFC 6902 -------------------------------------------------------------------------------------

def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _index(container: list, token: str, for_add: bool) -> int:
    if token == "-" and for_add:
        return len(container)
    if not token.isdigit():
        raise PatchError(f"invalid array index {token!r}")
    index = int(token)
    if index > len(container) or (index == len(container) and not for_add):
        raise PatchError(f"array index {index} out of bounds")
    return index


def _parent(doc: Any, tokens: list[str]) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(node, token, False)]
        else:
            raise PatchError(f"doc is missing path: /{'/'.join(tokens)}")
    return node


def _get(doc: Any, tokens: list[str]) -> Any:
    if not tokens:
        return doc
    parent = _parent(doc, tokens)
    if isinstance(parent, dict):
        if tokens[-1] not in parent:
            raise PatchError(f"doc is missing key: /{'/'.join(tokens)}")
        return parent[tokens[-1]]
    if isinstance(parent, list):
        return parent[_index(parent, tokens[-1], False)]
    raise PatchError(f"doc is missing path: /{'/'.join(tokens)}")


def _remove(doc: Any, tokens: list[str]) -> Any:
    parent = _parent(doc, tokens)
    if isinstance(parent, dict):
        if tokens[-1] not in parent:
            raise PatchError(f"unable to remove nonexistent key: {tokens[-1]}: missing value")
        return parent.pop(tokens[-1])
    if isinstance(parent, list):
        return parent.pop(_index(parent, tokens[-1], False))
    raise PatchError("remove operation does not apply: doc is missing path")


def _add(doc: Any, tokens: list[str], value: Any, replace: bool = False) -> Any:
    if not tokens:
        return value
    parent = _parent(doc, tokens)
    if isinstance(parent, dict):
        if replace and tokens[-1] not in parent:
            raise PatchError(f"replace operation does not apply: doc is missing key: /{'/'.join(tokens)}")
        parent[tokens[-1]] = value
    elif isinstance(parent, list):
        index = _index(parent, tokens[-1], not replace)
        if replace:
            parent[index] = value
        else:
            parent.insert(index, value)
    else:
        raise PatchError(f"add operation does not apply: doc is missing path: /{'/'.join(tokens)}")
    return doc


def json_patch(doc: Any, operations: Any) -> Any:
    if not isinstance(operations, list):
        raise PatchError("json patch must be a list of operations")
    doc = copy.deepcopy(doc)
    for op in operations:
        if not isinstance(op, dict) or "op" not in op or "path" not in op:
            raise PatchError(f"invalid operation {op!r}")
        kind, tokens = op["op"], _pointer(op["path"])
        if kind in ("add", "replace"):
            if "value" not in op:
                raise PatchError(f"{kind} operation missing value")
            doc = _add(doc, tokens, copy.deepcopy(op["value"]), replace=kind == "replace")
        elif kind == "remove":
            _remove(doc, tokens)
        elif kind in ("move", "copy"):
            source = _pointer(op.get("from", ""))
            value = _remove(doc, source) if kind == "move" else copy.deepcopy(_get(doc, source))
            doc = _add(doc, tokens, value)
        elif kind == "test":
            if _get(doc, tokens) != op.get("value"):
                raise PatchError(f"testing value {op['path']} failed: test failed")
        else:
            raise PatchError(f"Unexpected kind: {kind}")
    return doc


# --- strategic merge ------------------------------------------------------------------------------

_ORDER = "$setElementOrder/"
_DELETE_FROM = "$deleteFromPrimitiveList/"


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _reorder(items: list, order: list, key: str | None) -> list:
    def ident(item: Any) -> Any:
        return item.get(key) if key not in (None, SET) and isinstance(item, dict) else item
    wanted = [ident(o) for o in order]
    ranked = [i for w in wanted for i in items if ident(i) == w]
    return ranked + [i for i in items if ident(i) not in wanted]


def _merge_list(original: Any, patch: list, path: tuple[str, ...]) -> list:
    key = merge_key(path, custom=False)
    if key is None:
        return _strip(patch)
    current = list(original) if isinstance(original, list) else []
    if key == SET:
        return current + [v for v in patch if v not in current]
    if any(isinstance(i, dict) and i.get("$patch") == "replace" for i in patch):
        return [_strip(i) for i in patch if not (isinstance(i, dict) and i.get("$patch") == "replace")]
    for item in patch:
        if not isinstance(item, dict) or key not in item:
            raise PatchError(f"map: {item!r} does not contain declared merge key: {key}")
        index = next((n for n, o in enumerate(current)
                      if isinstance(o, dict) and o.get(key) == item[key]), None)
        if item.get("$patch") == "delete":
            if index is not None:
                current.pop(index)
        elif index is None:
            current.append(_strip(item))
        else:
            current[index] = strategic_merge(current[index], item, path)
    return current


def strategic_merge(original: Any, patch: Any, path: tuple[str, ...] = ()) -> Any:
    if not isinstance(patch, dict):
        return _strip(patch)
    if patch.get("$patch") == "replace":
        return _strip(patch)
    result = dict(original) if isinstance(original, dict) else {}
    for field, value in patch.items():
        if field.startswith(_DELETE_FROM):
            name = field[len(_DELETE_FROM):]
            result[name] = [v for v in result.get(name) or [] if v not in value]
        elif field.startswith("$"):
            continue
        elif value is None:
            result.pop(field, None)
        elif isinstance(value, dict):
            if value.get("$patch") == "delete":
                result.pop(field, None)
            else:
                result[field] = strategic_merge(result.get(field), value, path + (field,))
        elif isinstance(value, list):
            result[field] = _merge_list(result.get(field), value, path + (field,))
        else:
            result[field] = value
    for field, order in patch.items():
        if field.startswith(_ORDER) and isinstance(result.get(field[len(_ORDER):]), list):
            name = field[len(_ORDER):]
            result[name] = _reorder(result[name], order, merge_key(path + (name,), custom=False))
    if isinstance(patch.get("$retainKeys"), list):
        result = {k: v for k, v in result.items() if k in patch["$retainKeys"]}
    return result
