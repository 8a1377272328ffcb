"""SPDY/3.1 frames: the byte layout kubectl's port-forward speaks, read and written incrementally.

Sources (docs/platform.md §12.1):
- the SPDY/3 draft (http://www.chromium.org/spdy/spdy-protocol/spdy-protocol-draft3) as moby/spdystream
  implements it for client-go: `spdy/types.go` (frame types, flags, RST_STREAM and GOAWAY statuses),
  `spdy/read.go` and `spdy/write.go` (layouts), `spdy/dictionary.go` (the header dictionary);
- control frame: bit 1, version 15 bits (3), type 16 bits, flags 8 bits, length 24 bits, then the body;
  data frame: bit 0, stream id 31 bits, flags 8 bits, length 24 bits, then the payload;
- header blocks (SYN_STREAM, SYN_REPLY, HEADERS) are a uint32 count, then per header a uint32-length
  lower-case name and a uint32-length value (several values joined by NUL), compressed with zlib
  and the SPDY/3 dictionary; each direction keeps ONE zlib stream for the whole connection and
  flushes it (Z_SYNC_FLUSH) after every block (spdystream `Framer.headerCompressor`).
"""
from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

VERSION = 3

SYN_STREAM, SYN_REPLY, RST_STREAM, SETTINGS, PING, GOAWAY, HEADERS, WINDOW_UPDATE = 1, 2, 3, 4, 6, 7, 8, 9
FLAG_FIN, FLAG_UNIDIRECTIONAL = 0x01, 0x02

# RST_STREAM statuses (spdy/types.go RstStreamStatus, from 1)
PROTOCOL_ERROR, INVALID_STREAM, REFUSED_STREAM, UNSUPPORTED_VERSION, CANCEL = 1, 2, 3, 4, 5
GOAWAY_OK = 0

MAX_DATA_LENGTH = (1 << 24) - 1


def _dictionary() -> bytes:
    """The SPDY/3 header dictionary (1423 bytes, Adler-32 0xe3c6a7c2): length-prefixed words, then
    the status codes, reason phrases, dates and media types run together (spelt as the draft does,
    "Sept" included)."""
    words = ("options head post put delete trace accept accept-charset accept-encoding accept-language "
             "accept-ranges age allow authorization cache-control connection content-base content-encoding "
             "content-language content-length content-location content-md5 content-range content-type date "
             "etag expect expires from host if-match if-modified-since if-none-match if-range "
             "if-unmodified-since last-modified location max-forwards pragma proxy-authenticate "
             "proxy-authorization range referer retry-after server te trailer transfer-encoding upgrade "
             "user-agent vary via warning www-authenticate method get status").split()
    words += ["200 OK", "version", "HTTP/1.1", "url", "public", "set-cookie", "keep-alive", "origin"]
    tail = ("100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505"
            "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request"
            "401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented"
            "503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 "
            "Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,image/jpg,image/gif,"
            "application/xml,application/xhtml+xml,text/plain,text/javascript,publicprivatemax-age="
            "gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.")
    return b"".join(struct.pack(">I", len(word)) + word.encode() for word in words) + tail.encode()


HEADER_DICTIONARY = _dictionary()

Headers = dict[str, list[str]]


class FrameError(Exception):
    """The peer sent bytes that are not SPDY/3 (the connection cannot go on)."""


@dataclass(frozen=True)
class ControlFrame:
    """A decoded control frame. stream_id: SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS, WINDOW_UPDATE;
    value: PING's id, GOAWAY's last-good stream id, WINDOW_UPDATE's delta; status: RST_STREAM, GOAWAY."""
    type: int
    flags: int = 0
    stream_id: int = 0
    headers: Headers = field(default_factory=dict)
    value: int = 0
    status: int = 0
    settings: tuple[tuple[int, int, int], ...] = ()


@dataclass(frozen=True)
class DataFrame:
    stream_id: int
    flags: int
    data: bytes


Frame = ControlFrame | DataFrame


# ---------------------------------------------------------------- header blocks

def encode_header_block(headers: Headers) -> bytes:
    """The uncompressed name/value block; names lower-cased, several values joined by NUL."""
    parts = [struct.pack(">I", len(headers))]
    for name, values in headers.items():
        raw_name, raw_value = name.lower().encode(), "\x00".join(values).encode()
        parts += [struct.pack(">I", len(raw_name)), raw_name, struct.pack(">I", len(raw_value)), raw_value]
    return b"".join(parts)


def decode_header_block(block: bytes) -> Headers:
    def take(at: int) -> tuple[bytes, int]:
        if at + 4 > len(block):
            raise FrameError("header block ends inside a length")
        (length,) = struct.unpack_from(">I", block, at)
        if at + 4 + length > len(block):
            raise FrameError("header block ends inside a name or value")
        return block[at + 4:at + 4 + length], at + 4 + length

    if len(block) < 4:
        raise FrameError("header block without its count")
    (count,) = struct.unpack_from(">I", block)
    headers: Headers = {}
    at = 4
    for _ in range(count):
        name, at = take(at)
        value, at = take(at)
        headers.setdefault(name.decode("latin-1").lower(), []).extend(value.decode("latin-1").split("\x00"))
    return headers


# ---------------------------------------------------------------- writing

def control_frame(frame_type: int, body: bytes, flags: int = 0) -> bytes:
    return struct.pack(">HHI", 0x8000 | VERSION, frame_type, (flags << 24) | len(body)) + body


def data_frame(stream_id: int, data: bytes, flags: int = 0) -> bytes:
    if len(data) > MAX_DATA_LENGTH:
        raise ValueError(f"a DATA frame carries at most {MAX_DATA_LENGTH} bytes")
    return struct.pack(">II", stream_id & 0x7FFFFFFF, (flags << 24) | len(data)) + data


def rst_stream_frame(stream_id: int, status: int) -> bytes:
    return control_frame(RST_STREAM, struct.pack(">II", stream_id, status))


def ping_frame(ping_id: int) -> bytes:
    return control_frame(PING, struct.pack(">I", ping_id))


def goaway_frame(last_good_stream_id: int, status: int = GOAWAY_OK) -> bytes:
    return control_frame(GOAWAY, struct.pack(">II", last_good_stream_id, status))


class FrameWriter:
    """Encodes frames for one direction of a connection; owns that direction's header compressor,
    so frames must be sent in the order they were encoded."""

    def __init__(self):
        self._compressor = zlib.compressobj(zlib.Z_BEST_COMPRESSION, zdict=HEADER_DICTIONARY)

    def _compressed(self, headers: Headers) -> bytes:
        return self._compressor.compress(encode_header_block(headers)) + self._compressor.flush(zlib.Z_SYNC_FLUSH)

    def syn_stream(self, stream_id: int, headers: Headers, flags: int = 0, associated: int = 0,
                   priority: int = 0) -> bytes:
        body = struct.pack(">IIBB", stream_id, associated, priority << 5, 0) + self._compressed(headers)
        return control_frame(SYN_STREAM, body, flags)

    def syn_reply(self, stream_id: int, headers: Headers | None = None, flags: int = 0) -> bytes:
        return control_frame(SYN_REPLY, struct.pack(">I", stream_id) + self._compressed(headers or {}), flags)


# ---------------------------------------------------------------- reading

class FrameReader:
    """Decodes the frames of one direction from bytes fed in any segmentation."""

    def __init__(self):
        self._buffer = bytearray()
        self._decompressor = zlib.decompressobj(zdict=HEADER_DICTIONARY)

    def feed(self, data: bytes) -> Iterator[Frame]:
        self._buffer += data
        while len(self._buffer) >= 8:
            (length,) = struct.unpack_from(">I", self._buffer, 4)
            end = 8 + (length & 0xFFFFFF)
            if len(self._buffer) < end:
                return
            frame, self._buffer = bytes(self._buffer[:end]), self._buffer[end:]
            yield self._decode(frame)

    def _decode(self, frame: bytes) -> Frame:
        first, flags_length = struct.unpack_from(">II", frame)
        flags, body = flags_length >> 24, frame[8:]
        if not first & 0x80000000:
            return DataFrame(first & 0x7FFFFFFF, flags, body)
        version, frame_type = (first >> 16) & 0x7FFF, first & 0xFFFF
        if version != VERSION:
            raise FrameError(f"unsupported SPDY version {version}")
        return self._control(frame_type, flags, body)

    def _control(self, frame_type: int, flags: int, body: bytes) -> ControlFrame:
        def words(count: int) -> tuple[int, ...]:
            if len(body) < 4 * count:
                raise FrameError(f"control frame type {frame_type} is too short")
            return struct.unpack_from(f">{count}I", body)

        if frame_type == SYN_STREAM:
            stream_id, associated = words(2)
            return ControlFrame(frame_type, flags, stream_id & 0x7FFFFFFF, self._headers(body[10:]),
                                value=associated & 0x7FFFFFFF)
        if frame_type in (SYN_REPLY, HEADERS):
            return ControlFrame(frame_type, flags, words(1)[0] & 0x7FFFFFFF, self._headers(body[4:]))
        if frame_type == RST_STREAM:
            stream_id, status = words(2)
            return ControlFrame(frame_type, flags, stream_id & 0x7FFFFFFF, status=status)
        if frame_type == PING:
            return ControlFrame(frame_type, flags, value=words(1)[0])
        if frame_type == GOAWAY:
            last_good, status = words(2)
            return ControlFrame(frame_type, flags, value=last_good & 0x7FFFFFFF, status=status)
        if frame_type == WINDOW_UPDATE:
            stream_id, delta = words(2)
            return ControlFrame(frame_type, flags, stream_id & 0x7FFFFFFF, value=delta & 0x7FFFFFFF)
        if frame_type == SETTINGS:
            count = words(1)[0]
            values = struct.unpack_from(f">{2 * count}I", body, 4) if len(body) >= 4 + 8 * count else ()
            settings = tuple((pair >> 24, pair & 0xFFFFFF, value) for pair, value in zip(values[::2], values[1::2],
                                                                                            strict=True))
            return ControlFrame(frame_type, flags, settings=settings)
        # spdystream's reader refuses unknown control types (spdy/read.go newControlFrame)
        raise FrameError(f"unknown control frame type {frame_type}")

    def _headers(self, compressed: bytes) -> Headers:
        try:
            block = self._decompressor.decompress(compressed)
        except zlib.error as broken:
            raise FrameError(f"header block does not decompress: {broken}") from broken
        return decode_header_block(block)
