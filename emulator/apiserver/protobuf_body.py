"""Request bodies in `application/vnd.kubernetes.protobuf`, decoded to the object's JSON form.

What kubectl's imperative commands send (`create secret docker-registry`, `create configmap`, `create job`,
`create namespace`, ...): the magic `k8s\\x00`, then a `runtime.Unknown` {typeMeta {apiVersion, kind}, raw,
contentEncoding, contentType} whose `raw` is the kind's own message. Sources:
`kubernetes/apimachinery` `pkg/runtime/serializer/protobuf/protobuf.go` (the prefix, Serializer.Decode and
its errors "empty data", "provided data does not appear to be a protobuf message, expected prefix ...",
"empty body"; the kind defaults from the request's own type), `pkg/runtime/generated.proto` (Unknown,
TypeMeta), and the `generated.proto` files of the kinds, read through `protobuf_schema/table.json`
(derived by `protobuf_schema/derive.py`, which says where from).

The JSON form follows the Go types' JSON marshalers: `bytes` as base64 (Secret data), meta/v1 Time as
RFC 3339 in seconds and MicroTime in microseconds (`apis/meta/v1/time.go`, `micro_time.go`), Duration as
Go's duration string, IntOrString as its int or string (`util/intstr/intstr.go`), Quantity as its string,
FieldsV1 and RawExtension as the JSON they carry. The gogo-generated marshalers write every non-pointer
field, even at its zero value; JSON leaves such a zero out where the Go field is `omitempty` (the table's
`omitEmpty`, derived from the Go types), and the decoder does the same. A pointer's explicit 0 or false
(`replicas: 0`, `automountServiceAccountToken: false`) is kept.
"""
from __future__ import annotations

import base64
import json
import struct
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from .protowire import FIXED32, FIXED64, LENGTH_DELIMITED, VARINT, WireError, fields, packed_varints, signed, zigzag

MEDIA_TYPE = "application/vnd.kubernetes.protobuf"
PREFIX = b"k8s\x00"
UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"
META = "k8s.io.apimachinery.pkg.apis.meta.v1"
TABLE = Path(__file__).with_name("protobuf_schema") / "table.json"
_NUMERIC = {"bool", "int32", "int64", "uint32", "uint64", "sint32", "sint64"}
_FIXED = {"fixed32": FIXED32, "sfixed32": FIXED32, "float": FIXED32, "fixed64": FIXED64, "sfixed64": FIXED64,
          "double": FIXED64}


class DecodeError(ValueError):
    """A body the real serializer would refuse; `kind_known` says whether its kind was read first
    (the apiserver's message differs: handlers/rest.go transformDecodeError)."""

    def __init__(self, message: str, kind_known: str = "", version: str = "") -> None:
        super().__init__(message)
        self.kind_known, self.version = kind_known, version


class UnknownKind(LookupError):
    """A kind the derived table holds no message for (custom resources are served without protobuf)."""


@cache
def schema() -> dict[str, Any]:
    return json.loads(TABLE.read_text())


def message_name(api_version: str, kind: str) -> str | None:
    table = schema()
    package = table["groupVersions"].get(api_version)
    for candidate in ((f"{package}.{kind}" if package else None), f"{META}.{kind}"):
        if candidate and candidate in table["messages"]:
            return candidate
    return None


def _scalar(type_name: str, value: int | bytes) -> Any:
    if type_name == "string":
        return value.decode("utf-8", errors="replace")
    if type_name == "bytes":
        return base64.b64encode(value).decode()
    if type_name == "bool":
        return bool(value)
    if type_name in ("int32", "int64"):
        return signed(value, 32 if type_name == "int32" else 64)
    if type_name in ("sint32", "sint64"):
        return zigzag(value)
    if type_name in ("float", "double"):
        return struct.unpack("<f" if type_name == "float" else "<d",
                             struct.pack("<I" if type_name == "float" else "<Q", value))[0]
    if type_name in ("sfixed32", "sfixed64"):
        return signed(value, 32 if type_name == "sfixed32" else 64)
    return value


def _wire_type(type_name: str) -> int:
    if type_name in _NUMERIC:
        return VARINT
    return _FIXED.get(type_name, LENGTH_DELIMITED)


def _go_duration(nanoseconds: int) -> str:
    """time.Duration.String for the whole-second durations Kubernetes uses, and the fractional ones."""
    if nanoseconds == 0:
        return "0s"
    sign, rest = ("-" if nanoseconds < 0 else ""), abs(nanoseconds)
    if rest < 1_000_000_000:
        for unit, size in (("ms", 1_000_000), ("µs", 1_000), ("ns", 1)):
            if rest >= size:
                return f"{sign}{rest / size:g}{unit}"
    hours, rest = divmod(rest, 3_600_000_000_000)
    minutes, rest = divmod(rest, 60_000_000_000)
    seconds = f"{rest / 1e9:.9f}".rstrip("0").rstrip(".")
    if hours:
        return f"{sign}{hours}h{minutes}m{seconds}s"
    return f"{sign}{minutes}m{seconds}s" if minutes else f"{sign}{seconds}s"


def _time(value: dict[str, Any], micro: bool) -> str | None:
    seconds, nanos = value.get("seconds", 0), value.get("nanos", 0)
    if not seconds and not nanos:
        return None
    moment = datetime.fromtimestamp(seconds, UTC)
    if micro:
        return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos // 1000:06d}Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _raw_json(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(base64.b64decode(raw))
    except ValueError:
        raise DecodeError("invalid character in the embedded JSON") from None


# Messages whose JSON form is not an object of their fields (their Go types have their own MarshalJSON).
_JSON_FORMS = {
    f"{META}.Time": lambda v: _time(v, micro=False),
    f"{META}.MicroTime": lambda v: _time(v, micro=True),
    f"{META}.Duration": lambda v: _go_duration(v.get("duration", 0)),
    f"{META}.FieldsV1": lambda v: _raw_json(v.get("Raw")),
    "k8s.io.apimachinery.pkg.runtime.RawExtension": lambda v: _raw_json(v.get("raw")),
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
        lambda v: v.get("strVal", "") if v.get("type") == 1 else v.get("intVal", 0),
    "k8s.io.apimachinery.pkg.api.resource.Quantity": lambda v: v.get("string", "0"),
}


def _value(type_name: str, wire_type: int, value: int | bytes, field: str) -> Any:
    if type_name in schema()["messages"]:
        if wire_type != LENGTH_DELIMITED:
            raise DecodeError(f"proto: wrong wireType = {wire_type} for field {field}")
        return decode_message(type_name, value)
    if wire_type != _wire_type(type_name):
        raise DecodeError(f"proto: wrong wireType = {wire_type} for field {field}")
    return _scalar(type_name, value)


def _zero(type_name: str) -> Any:
    if type_name in schema()["messages"]:
        return decode_message(type_name, b"")
    return _scalar(type_name, b"" if _wire_type(type_name) == LENGTH_DELIMITED else 0)


def _map_entry(entry: bytes, key_type: str, value_type: str, field: str) -> tuple[Any, Any]:
    """A map field's entry is a message {key = 1, value = 2}; an absent part is its zero value."""
    key, value = _zero(key_type), _zero(value_type)
    for item in fields(entry, field):
        if item.number == 1:
            key = _value(key_type, item.wire_type, item.value, field)
        elif item.number == 2:
            value = _value(value_type, item.wire_type, item.value, field)
    return key, value


def _omitted(value: Any, omit_empty: bool) -> bool:
    """Go's json `omitempty` on a value field drops its zero; a zero Time marshals to null, which is absent."""
    return value is None or (omit_empty and value in ("", 0, False) and not isinstance(value, dict | list))


def decode_message(name: str, data: bytes) -> Any:
    """One message of the table, as the JSON its Go type marshals to."""
    spec = schema()["messages"][name]
    short = name.rsplit(".", 1)[1]
    out: dict[str, Any] = {}
    try:
        for item in fields(data, short):
            field = spec.get(str(item.number))
            if field is None:
                continue  # unknown fields are skipped, as the generated unmarshalers do
            json_name, label, type_name = field[0], field[1], field[2]
            if label == "map":
                if item.wire_type != LENGTH_DELIMITED:
                    raise DecodeError(f"proto: wrong wireType = {item.wire_type} for field {json_name}")
                key, value = _map_entry(item.value, field[3], type_name, json_name)
                out.setdefault(json_name, {})[key] = value
            elif label == "repeated":
                values = out.setdefault(json_name, [])
                if item.wire_type == LENGTH_DELIMITED and _wire_type(type_name) == VARINT:
                    values.extend(_scalar(type_name, v) for v in packed_varints(item.value))
                else:
                    values.append(_value(type_name, item.wire_type, item.value, json_name))
            else:
                out[json_name] = _value(type_name, item.wire_type, item.value, json_name)
    except WireError as error:
        raise DecodeError(str(error)) from None
    if name in _JSON_FORMS:
        return _JSON_FORMS[name](out)
    omit = {spec[str(number)][0] for number in schema()["omitEmpty"].get(name, ())}
    return {key: value for key, value in out.items() if not _omitted(value, key in omit)}


def _unknown(data: bytes) -> tuple[str, str, bytes]:
    api_version = kind = ""
    raw = b""
    try:
        for item in fields(data, "Unknown"):
            if item.number == 1 and item.wire_type == LENGTH_DELIMITED:
                for meta in fields(item.value, "TypeMeta"):
                    if meta.number == 1 and meta.wire_type == LENGTH_DELIMITED:
                        api_version = meta.value.decode("utf-8", errors="replace")
                    elif meta.number == 2 and meta.wire_type == LENGTH_DELIMITED:
                        kind = meta.value.decode("utf-8", errors="replace")
            elif item.number == 2 and item.wire_type == LENGTH_DELIMITED:
                raw = item.value
            elif item.number in (1, 2, 3, 4) and item.wire_type != LENGTH_DELIMITED:
                names = {1: "TypeMeta", 2: "Raw", 3: "ContentEncoding", 4: "ContentType"}
                raise DecodeError(f"proto: wrong wireType = {item.wire_type} for field {names[item.number]}")
    except WireError as error:
        raise DecodeError(str(error)) from None
    return api_version, kind, raw


def decode(body: bytes, default_api_version: str, default_kind: str) -> dict[str, Any]:
    """A request body: the envelope, then the kind's message; the request's type fills a missing kind/version."""
    if not body:
        raise DecodeError("empty data")
    if not body.startswith(PREFIX):
        raise DecodeError("provided data does not appear to be a protobuf message, expected prefix "
                          f"[{' '.join(str(b) for b in PREFIX)}]")
    if len(body) == len(PREFIX):
        raise DecodeError("empty body")
    api_version, kind, raw = _unknown(body[len(PREFIX):])
    api_version, kind = api_version or default_api_version, kind or default_kind
    name = message_name(api_version, kind)
    if name is None:
        raise UnknownKind(f"{api_version}, Kind={kind}")
    try:
        obj = decode_message(name, raw)
    except DecodeError as error:
        raise DecodeError(str(error), kind, api_version.rsplit("/", 1)[-1]) from None
    return {"kind": kind, "apiVersion": api_version, **obj}
