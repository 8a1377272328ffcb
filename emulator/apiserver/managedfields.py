"""Field ownership (`metadata.managedFields`) and server-side apply.

Imitates sigs.k8s.io/structured-merge-diff as wired by
`staging/src/k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager`:
- a field set is the set of paths an object sets, serialised as FieldsV1 (`f:<field>`,
  `k:{"<key>":<value>}` for keyed list items, `v:<value>` for set members, `.` for the node itself);
- an Update (create, PUT, non-apply PATCH) gives the fields it changed to its manager and takes them
  from every other manager;
- an Apply merges the applied configuration into the object; a field another manager owns with a
  different value is a conflict (409) unless `force`, which moves the field; fields the applier
  owned before and no longer applies are removed unless someone else owns them.
Lists merge per `listtypes` (keyed, set, atomic). Known simplification: keys are single fields
(`containerPort`, not `containerPort`+`protocol`).
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any

from ..base.errors import ApiError
from ..base.listtypes import SET, merge_key

Path = tuple[str, ...]

# Fields no manager owns (fieldmanager `stripMeta`).
_UNOWNED_META = {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
                 "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
                 "generateName"}
# Free-form maps: the map itself is a node of the set (shows as `.`).
_FREEFORM = {"labels", "annotations", "data", "binaryData", "stringData", "nodeSelector", "matchLabels"}


def _item_element(item: dict, key: str) -> str:
    return "k:" + json.dumps({key: item.get(key)}, separators=(",", ":"))


def _walk(value: Any, path: Path, names: tuple[str, ...], custom: bool, out: set[Path]) -> None:
    if isinstance(value, dict):
        if not value or (names and names[-1] in _FREEFORM):
            out.add(path)
        for field, child in value.items():
            _walk(child, path + ("f:" + field,), names + (field,), custom, out)
        return
    key = merge_key(names, custom) if isinstance(value, list) else None
    if key is None:
        out.add(path)
    elif key == SET:
        out.update(path + ("v:" + json.dumps(v, separators=(",", ":")),) for v in value)
    else:
        for item in value:
            if isinstance(item, dict):
                item_path = path + (_item_element(item, key),)
                out.add(item_path)
                _walk(item, item_path, names, custom, out)


def field_set(obj: dict[str, Any], custom: bool, include_status: bool = True,
              only_status: bool = False) -> set[Path]:
    out: set[Path] = set()
    for field, value in obj.items():
        if field in ("apiVersion", "kind"):
            continue
        if only_status and field != "status":
            continue
        if field == "status" and not include_status:
            continue
        if field == "metadata":
            for meta, child in (value or {}).items():
                if meta not in _UNOWNED_META:
                    _walk(child, ("f:metadata", "f:" + meta), ("metadata", meta), custom, out)
        else:
            _walk(value, ("f:" + field,), (field,), custom, out)
    return out


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    tree: dict[str, Any] = {}
    for path in paths:
        node = tree
        for element in path:
            node = node.setdefault(element, {})
    for path in paths:
        node = tree
        for element in path:
            node = node[element]
        if node:
            node["."] = {}
    return tree


def from_fields_v1(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    out: set[Path] = set()
    for element, child in tree.items():
        if element == ".":
            out.add(prefix)
        elif child:
            out |= from_fields_v1(child, prefix + (element,))
        else:
            out.add(prefix + (element,))
    return out


def _find_item(items: list, element: str) -> int | None:
    if element.startswith("k:"):
        wanted = json.loads(element[2:])
        return next((i for i, item in enumerate(items) if isinstance(item, dict)
                     and all(item.get(k) == v for k, v in wanted.items())), None)
    value = json.loads(element[2:])
    return next((i for i, item in enumerate(items) if item == value), None)


_MISSING = object()


def value_at(obj: Any, path: Path) -> Any:
    node = obj
    for element in path:
        if element.startswith("f:") and isinstance(node, dict):
            node = node.get(element[2:], _MISSING)
        elif element[:2] in ("k:", "v:") and isinstance(node, list):
            index = _find_item(node, element)
            node = _MISSING if index is None else node[index]
        else:
            return _MISSING
        if node is _MISSING:
            return _MISSING
    return node


def remove_at(obj: Any, path: Path) -> None:
    parent = value_at(obj, path[:-1])
    last = path[-1]
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif isinstance(parent, list):
        index = _find_item(parent, last)
        if index is not None:
            parent.pop(index)


def path_string(path: Path) -> str:
    """Path.String() of structured-merge-diff: `.spec.containers[name="app"].image`."""
    text = ""
    for element in path:
        if element.startswith("f:"):
            text += "." + element[2:]
        elif element.startswith("k:"):
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in json.loads(element[2:]).items()) + "]"
        else:
            text += "[=" + element[2:] + "]"
    return text


# --- managers ----------------------------------------------------------------------------------------

@dataclass
class Manager:
    manager: str
    operation: str              # Apply | Update
    api_version: str
    fields: set[Path]
    time: str
    subresource: str = ""

    def same(self, other: "Manager") -> bool:
        return (self.manager, self.operation, self.subresource) == \
               (other.manager, other.operation, other.subresource)

    def entry(self) -> dict[str, Any]:
        entry = {"manager": self.manager, "operation": self.operation, "apiVersion": self.api_version,
                 "time": self.time, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(self.fields)}
        if self.subresource:
            entry["subresource"] = self.subresource
        return entry

    def describe(self) -> str:
        """printManager of fieldmanager/internal/conflict.go."""
        text = json.dumps(self.manager)
        if self.subresource:
            text += f" with subresource {json.dumps(self.subresource)}"
        if self.operation == "Update":
            text += f" using {self.api_version}"
        return text


def read_managers(obj: dict[str, Any]) -> list[Manager]:
    return [Manager(e.get("manager", ""), e.get("operation", "Update"), e.get("apiVersion", ""),
                    from_fields_v1(e.get("fieldsV1") or {}), e.get("time", ""), e.get("subresource", ""))
            for e in obj.get("metadata", {}).get("managedFields") or []]


def write_managers(obj: dict[str, Any], managers: list[Manager]) -> None:
    kept = [m.entry() for m in managers if m.fields]
    if kept:
        obj.setdefault("metadata", {})["managedFields"] = kept
    else:
        obj.get("metadata", {}).pop("managedFields", None)


def _owner(managers: list[Manager], wanted: Manager) -> Manager:
    for manager in managers:
        if manager.same(wanted):
            return manager
    managers.append(wanted)
    return wanted


def record_update(old: dict | None, new: dict, actor: Manager, custom: bool) -> None:
    """Give the fields `new` changed relative to `old` to `actor` (operation Update)."""
    only_status = actor.subresource == "status"
    before = field_set(old, custom, only_status=only_status) if old else set()
    after = field_set(new, custom, only_status=only_status)
    changed = {p for p in after if p not in before or value_at(old, p) != value_at(new, p)}
    gone = before - after
    managers = read_managers(old) if old else []
    for manager in managers:
        manager.fields -= changed | gone
    if changed:
        owner = _owner(managers, actor)
        owner.fields |= changed
        owner.time, owner.api_version = actor.time, actor.api_version
    write_managers(new, managers)


def _merge(live: Any, config: Any, names: tuple[str, ...], custom: bool) -> Any:
    if isinstance(config, dict) and isinstance(live, dict):
        merged = dict(live)
        for field, value in config.items():
            merged[field] = _merge(live.get(field), value, names + (field,), custom)
        return merged
    key = merge_key(names, custom) if isinstance(config, list) else None
    if key is None or not isinstance(live, list):
        return copy.deepcopy(config)
    if key == SET:
        return list(live) + [v for v in config if v not in live]
    merged = list(live)
    for item in config:
        index = next((i for i, o in enumerate(merged) if isinstance(o, dict)
                      and isinstance(item, dict) and o.get(key) == item.get(key)), None)
        if index is None:
            merged.append(copy.deepcopy(item))
        else:
            merged[index] = _merge(merged[index], item, names, custom)
    return merged


def _conflicts(live: dict, config: dict, applied: set[Path], managers: list[Manager],
               applier: Manager) -> list[tuple[Manager, Path]]:
    found = []
    for manager in managers:
        if manager.same(applier):
            continue
        for path in sorted(applied & manager.fields):
            if value_at(live, path) != value_at(config, path) and not isinstance(value_at(config, path), (dict, list)):
                found.append((manager, path))
    return found


def conflict_error(conflicts: list[tuple[Manager, Path]]) -> ApiError:
    """NewConflictError of fieldmanager/internal/conflict.go."""
    causes = [{"reason": "FieldManagerConflict", "message": f"conflict with {m.describe()}",
               "field": path_string(p)} for m, p in conflicts]
    if len(conflicts) == 1:
        message = (f"Apply failed with 1 conflict: conflict with {conflicts[0][0].describe()}: "
                   f"{path_string(conflicts[0][1])}")
    else:
        by_manager: dict[str, list[str]] = {}
        for manager, path in conflicts:
            by_manager.setdefault(manager.describe(), []).append(path_string(path))
        lines = [f"conflicts with {who}:\n" + "\n".join(f"- {p}" for p in paths)
                 for who, paths in by_manager.items()]
        message = f"Apply failed with {len(conflicts)} conflicts: " + "\n".join(lines)
    return ApiError(409, "Conflict", message, {"causes": causes})


def apply(live: dict | None, config: dict, applier: Manager, force: bool, custom: bool,
          status_subresource: bool, to_status: bool) -> dict:
    """Server-side apply of `config` onto `live` (None: create). Raises the 409 of a conflict."""
    config = copy.deepcopy(config)
    if status_subresource and not to_status:
        config.pop("status", None)
    applied = field_set(config, custom, only_status=to_status)
    if live is None:
        result = copy.deepcopy(config)
        applier.fields = applied
        write_managers(result, [applier])
        return result
    managers = read_managers(live)
    conflicts = _conflicts(live, config, applied, managers, applier)
    if conflicts and not force:
        raise conflict_error(conflicts)
    for manager, path in conflicts:
        manager.fields.discard(path)
    owner = _owner(managers, applier)
    others = set().union(*(m.fields for m in managers if m is not owner))
    result = copy.deepcopy(live)
    for path in sorted(owner.fields - applied - others, key=len, reverse=True):
        remove_at(result, path)
    result = _merge(result, config, (), custom)
    owner.fields = applied
    owner.time, owner.api_version = applier.time, applier.api_version
    write_managers(result, managers)
    return result
