"""Reading an API request: its target (group, version, namespace, resource, name, subresource),
its body by Content-Type, and its query options, the way the apiserver reads them.

Sources: `apiserver/pkg/endpoints/request/requestinfo.go` (path layout),
`handlers/negotiation/negotiate.go` (an empty Content-Type is JSON, docs/platform.md §4.4),
`apimachinery/pkg/runtime/conversion.go` Convert_Slice_string_To_bool (boolean query values,
docs/platform.md §4.1), `handlers/rest.go` (field manager from the User-Agent prefix).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from aiohttp import web

from ..base import errors

PATCH_KINDS = {"application/json-patch+json": "json", "application/merge-patch+json": "merge",
               "application/strategic-merge-patch+json": "strategic", "application/apply-patch+yaml": "apply"}
# The real server also reads protobuf and CBOR; the emulator answers those with 415.
BODY_TYPES = ("application/json", "application/yaml")
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
STREAMING_SUBRESOURCES = {"exec", "portforward", "attach", "proxy"}


@dataclass(frozen=True)
class Target:
    group: str
    version: str
    plural: str
    namespace: str | None = None
    name: str | None = None
    subresource: str = ""


def parse_target(group: str, version: str, rest: list[str]) -> Target | None:
    """`rest` is the path after /api/v1 or /apis/<g>/<v>, split on '/'."""
    if rest[0] == "namespaces" and len(rest) >= 3 and not (
            group == "" and len(rest) == 3 and rest[2] in ("status", "finalize")):
        namespace, rest = rest[1], rest[2:]
    else:
        namespace = None
    if len(rest) > 3:
        return None
    return Target(group, version, rest[0], namespace, rest[1] if len(rest) > 1 else None,
                  rest[2] if len(rest) > 2 else "")


def flag(request: web.Request, name: str) -> bool:
    values = request.query.getall(name, [])
    return bool(values) and values[0].lower() not in ("false", "0")


def integer(request: web.Request, name: str) -> int | None:
    value = request.query.get(name)
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError:
        raise errors.bad_request(f'strconv.ParseInt: parsing "{value}": invalid syntax') from None


def manager(request: web.Request) -> str:
    explicit = request.query.get("fieldManager")
    if explicit:
        return explicit
    agent = request.headers.get("User-Agent", "")
    return agent.split("/", 1)[0][:128] or "unknown"


def media_type(request: web.Request) -> str:
    return request.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()


def _decode(raw: bytes, kind: str) -> Any:
    if not raw.strip():
        raise errors.bad_request("the request body is empty")
    try:
        if kind == "yaml":
            return yaml.safe_load(raw.decode())
        return json.loads(raw)
    except (ValueError, yaml.YAMLError) as error:
        raise errors.bad_request(f"json: cannot unmarshal the request body: {error}") from None


async def object_body(request: web.Request) -> dict[str, Any]:
    """Body of a create or update: JSON (also when no Content-Type is sent) or YAML."""
    kind = media_type(request) or "application/json"
    if kind not in ("application/json", "application/yaml"):
        raise errors.unsupported_media_type(list(BODY_TYPES))
    body = _decode(await request.read(), "yaml" if kind == "application/yaml" else "json")
    if not isinstance(body, dict):
        raise errors.bad_request("the request body must be a JSON object")
    return body


async def patch_body(request: web.Request, accepted: tuple[str, ...]) -> tuple[str, Any]:
    kind = media_type(request)
    if kind not in accepted:
        raise errors.unsupported_media_type(list(accepted))
    return PATCH_KINDS[kind], _decode(await request.read(), "yaml" if kind.endswith("yaml") else "json")


async def optional_body(request: web.Request) -> dict[str, Any]:
    """DeleteOptions and similar: an absent body is no options."""
    raw = await request.read()
    if not raw.strip():
        return {}
    body = _decode(raw, "yaml" if media_type(request) == "application/yaml" else "json")
    return body if isinstance(body, dict) else {}


def wants_table(request: web.Request) -> bool:
    return any("as=table" in part.replace(" ", "").lower() and "g=meta.k8s.io" in part.replace(" ", "").lower()
               for part in request.headers.get("Accept", "").split(","))
