"""Reading an API request: its target (group, version, namespace, resource, name, subresource),
its body by Content-Type, and its query options, the way the apiserver reads them.

Sources: `apiserver/pkg/endpoints/request/requestinfo.go` (path layout),
`handlers/negotiation/negotiate.go` (an empty Content-Type is JSON, docs/platform.md §4.4),
`apimachinery/pkg/runtime/conversion.go` Convert_Slice_string_To_bool (boolean query values,
docs/platform.md §4.1), `handlers/rest.go` (field manager from the User-Agent prefix), `handlers/patch.go`
with go-yaml v2 `scannerc.go` (a YAML body's surrogate escapes are refused, docs/platform.md §18.7).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml
from aiohttp import web

from ..base import errors
from . import protobuf_body

PATCH_KINDS = {"application/json-patch+json": "json", "application/merge-patch+json": "merge",
               "application/strategic-merge-patch+json": "strategic", "application/apply-patch+yaml": "apply"}
# The real server also reads CBOR; the emulator answers that with 415. Protobuf is read for the built-in
# kinds of protobuf_schema/table.json (custom resources are served without it, as the real server does).
BODY_TYPES = ("application/json", "application/yaml", protobuf_body.MEDIA_TYPE)
SERVED_TYPES = ("application/json",)
MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
STREAMING_SUBRESOURCES = {"exec", "portforward", "attach", "proxy"}
# A \uD800-\uDFFF escape (after an even run of backslashes): go-yaml v2 refuses it, PyYAML would not.
SURROGATE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


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


class YamlRefused(ValueError):
    """What go-yaml v2 says of a body PyYAML would read (`yaml: line N: ...`)."""


def _go_yaml(text: str) -> Any:
    if escape := SURROGATE_ESCAPE.search(text):
        line = text.count("\n", 0, escape.start()) + 1
        raise YamlRefused(f"yaml: line {line}: found invalid Unicode character escape code")
    return yaml.safe_load(text)


def _decode(raw: bytes, kind: str, refused: str = "json: cannot unmarshal the request body: ") -> Any:
    if not raw.strip():
        raise errors.bad_request("the request body is empty")
    try:
        if kind == "yaml":
            return _go_yaml(raw.decode())
        return json.loads(raw)
    except YamlRefused as error:
        raise errors.bad_request(f"{refused}{error}") from None
    except (ValueError, yaml.YAMLError) as error:
        raise errors.bad_request(f"json: cannot unmarshal the request body: {error}") from None


async def object_body(request: web.Request, api_version: str = "v1", kind: str = "",
                      protobuf: bool = True) -> dict[str, Any]:
    """Body of a create or update: JSON (also when no Content-Type is sent), YAML, or protobuf for the
    built-in `kind` the request's path names (its apiVersion and kind fill the envelope's blanks)."""
    media = media_type(request) or "application/json"
    if media == protobuf_body.MEDIA_TYPE and protobuf:
        return _protobuf(await request.read(), api_version, kind)
    if media not in ("application/json", "application/yaml"):
        raise errors.unsupported_media_type(list(BODY_TYPES if protobuf else BODY_TYPES[:2]))
    body = _decode(await request.read(), "yaml" if media == "application/yaml" else "json")
    if not isinstance(body, dict):
        raise errors.bad_request("the request body must be a JSON object")
    return body


def _protobuf(raw: bytes, api_version: str, kind: str) -> dict[str, Any]:
    """The apiserver's words for a body it cannot decode (handlers/rest.go transformDecodeError)."""
    try:
        return protobuf_body.decode(raw, api_version, kind)
    except protobuf_body.UnknownKind:
        raise errors.unsupported_media_type(list(BODY_TYPES[:2])) from None
    except protobuf_body.DecodeError as error:
        if error.kind_known:
            raise errors.bad_request(f'{error.kind_known} in version "{error.version}" cannot be handled as a '
                                     f"{kind or error.kind_known}: {error}") from None
        summary = raw[:30].hex() + (" ..." if len(raw) > 30 else "") if raw else "<empty>"
        raise errors.bad_request(f"the object provided is unrecognized (must be of type {kind}): {error} "
                                 f"({summary})") from None


def acceptable(request: web.Request) -> bool:
    """Whether the client accepts a JSON answer. client-go asks `application/vnd.kubernetes.protobuf,
    application/json` and reads whichever listed type comes back; the emulator encodes JSON only, so a
    client accepting nothing but protobuf gets 406, as the apiserver answers a type it cannot serve
    (handlers/negotiation/negotiate.go NegotiateOutputMediaType, errors.go errNotAcceptable)."""
    ranges = [part.split(";", 1)[0].strip().lower() for part in request.headers.get("Accept", "").split(",")]
    ranges = [media for media in ranges if media]
    return not ranges or any(not media.startswith(protobuf_body.MEDIA_TYPE) for media in ranges)


async def patch_body(request: web.Request, accepted: tuple[str, ...]) -> tuple[str, Any]:
    kind = media_type(request)
    if kind not in accepted:
        raise errors.unsupported_media_type(list(accepted))
    if kind.endswith("yaml"):   # sigs.k8s.io/yaml's words around go-yaml's (handlers/patch.go applyPatcher)
        return PATCH_KINDS[kind], _decode(await request.read(), "yaml",
                                          "error decoding YAML: error converting YAML to JSON: ")
    return PATCH_KINDS[kind], _decode(await request.read(), "json")


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
