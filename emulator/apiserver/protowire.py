"""The protobuf wire format, read: varints, length-delimited fields, fixed32/fixed64.

Source: the protobuf encoding spec (protobuf.dev/programming-guides/encoding: a tag is
`field_number << 3 | wire_type`; wire types 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32,
3/4 the deprecated groups). The error words are those of the gogo-generated unmarshalers that the
Kubernetes types use (`generated.pb.go`: io.ErrUnexpectedEOF "unexpected EOF",
ErrIntOverflowGenerated "proto: integer overflow", ErrInvalidLengthGenerated
"proto: negative length found during unmarshal").
"""
from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import NamedTuple

VARINT, FIXED64, LENGTH_DELIMITED, START_GROUP, END_GROUP, FIXED32 = 0, 1, 2, 3, 4, 5


class WireError(ValueError):
    """Bytes that are not a well-formed protobuf message."""


class WireField(NamedTuple):
    number: int
    wire_type: int
    value: int | bytes


def read_varint(data: bytes, offset: int) -> tuple[int, int]:
    """The unsigned varint at `offset` and the offset after it."""
    result = shift = 0
    while True:
        if shift >= 64:
            raise WireError("proto: integer overflow")
        if offset >= len(data):
            raise WireError("unexpected EOF")
        byte = data[offset]
        offset += 1
        result |= (byte & 0x7F) << shift
        if byte < 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, offset
        shift += 7


def _take(data: bytes, offset: int, size: int) -> tuple[bytes, int]:
    if offset + size > len(data):
        raise WireError("unexpected EOF")
    return data[offset:offset + size], offset + size


def fields(data: bytes, message: str = "message") -> Iterator[WireField]:
    """Each field of one message, in wire order; `message` names it in errors, as the generated code does."""
    offset = 0
    while offset < len(data):
        tag, offset = read_varint(data, offset)
        number, wire_type = tag >> 3, tag & 7
        if wire_type == END_GROUP:
            raise WireError(f"proto: {message}: wiretype end group for non-group")
        if number <= 0:
            raise WireError(f"proto: {message}: illegal tag {number} (wire type {wire_type})")
        if wire_type == VARINT:
            value, offset = read_varint(data, offset)
        elif wire_type == LENGTH_DELIMITED:
            size, offset = read_varint(data, offset)
            if size >= 1 << 63:
                raise WireError("proto: negative length found during unmarshal")
            value, offset = _take(data, offset, size)
        elif wire_type == FIXED64:
            raw, offset = _take(data, offset, 8)
            value = struct.unpack("<Q", raw)[0]
        elif wire_type == FIXED32:
            raw, offset = _take(data, offset, 4)
            value = struct.unpack("<I", raw)[0]
        else:
            raise WireError(f"proto: illegal wireType {wire_type}")
        yield WireField(number, wire_type, value)


def signed(value: int, bits: int) -> int:
    """A two's-complement int32/int64 from its varint (negative int32s are sign-extended to 64 bits)."""
    value &= (1 << 64) - 1
    if value >= 1 << 63:
        value -= 1 << 64
    if bits == 32:
        value = ((value + (1 << 31)) % (1 << 32)) - (1 << 31)
    return value


def zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)


def packed_varints(data: bytes) -> list[int]:
    values, offset = [], 0
    while offset < len(data):
        value, offset = read_varint(data, offset)
        values.append(value)
    return values
