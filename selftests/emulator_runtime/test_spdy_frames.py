"""emulator/runtime/spdy_frames.py against frames built here, byte by byte, from the SPDY/3 layouts
(draft 3 §2.2, §2.6; moby/spdystream `spdy/read.go`, `spdy/write.go`, `spdy/dictionary.go`)."""
import struct
import zlib

import pytest

from emulator.runtime import spdy_frames as spdy

DICTIONARY_ADLER32 = 0xE3C6A7C2   # the DICTID of every SPDY/3 header stream (spdystream dictionary.go)


def header_block(*pairs: tuple[bytes, bytes]) -> bytes:
    """A name/value block as the draft lays it out: uint32 count, then uint32-length name and value."""
    block = struct.pack(">I", len(pairs))
    for name, value in pairs:
        block += struct.pack(">I", len(name)) + name + struct.pack(">I", len(value)) + value
    return block


def syn_stream_bytes(stream_id: int, compressed: bytes, flags: int = 0) -> bytes:
    # control bit + version 3, type 1; flags and 24-bit length; stream id, associated id, priority, slot
    body = struct.pack(">II", stream_id, 0) + bytes([0b011 << 5, 0]) + compressed
    return bytes([0x80, 0x03, 0x00, 0x01, flags]) + len(body).to_bytes(3, "big") + body


def kubectl_headers(kind: bytes, request_id: bytes = b"0") -> bytes:
    return header_block((b"streamtype", kind), (b"port", b"3000"), (b"requestid", request_id))


def test_the_dictionary_is_the_drafts():
    assert len(spdy.HEADER_DICTIONARY) == 1423
    assert zlib.adler32(spdy.HEADER_DICTIONARY) == DICTIONARY_ADLER32
    assert spdy.HEADER_DICTIONARY.startswith(b"\x00\x00\x00\x07options\x00\x00\x00\x04head")
    assert spdy.HEADER_DICTIONARY.endswith(b"charset=iso-8859-1,utf-,*,enq=0.")


def test_a_written_header_block_names_the_dictionary():
    frame = spdy.FrameWriter().syn_reply(1)
    compressed = frame[12:]
    cmf, flg = compressed[0], compressed[1]
    assert cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
    assert flg & 0x20, "FDICT must be set"
    assert int.from_bytes(compressed[2:6], "big") == DICTIONARY_ADLER32


def test_syn_reply_layout_and_empty_block():
    frame = spdy.FrameWriter().syn_reply(7)
    assert frame[:4] == b"\x80\x03\x00\x02"
    assert frame[4] == 0 and int.from_bytes(frame[5:8], "big") == len(frame) - 8
    assert frame[8:12] == b"\x00\x00\x00\x07"
    block = zlib.decompressobj(zdict=spdy.HEADER_DICTIONARY).decompress(frame[12:])
    assert block == b"\x00\x00\x00\x00"


def test_successive_blocks_share_one_zlib_stream():
    writer = spdy.FrameWriter()
    first, second = writer.syn_reply(1), writer.syn_reply(3)
    # the second block alone does not inflate: it carries no zlib header and back-references the first
    with pytest.raises(zlib.error):
        zlib.decompressobj(zdict=spdy.HEADER_DICTIONARY).decompress(second[12:])
    inflate = zlib.decompressobj(zdict=spdy.HEADER_DICTIONARY)
    assert inflate.decompress(first[12:]) == inflate.decompress(second[12:]) == b"\x00" * 4


def test_kubectl_s_two_syn_streams_read_in_any_segmentation():
    deflate = zlib.compressobj(9, zdict=spdy.HEADER_DICTIONARY)
    wire = b""
    for stream_id, kind in ((1, b"error"), (3, b"data")):
        compressed = deflate.compress(kubectl_headers(kind)) + deflate.flush(zlib.Z_SYNC_FLUSH)
        wire += syn_stream_bytes(stream_id, compressed)
    reader = spdy.FrameReader()
    frames = [frame for at in range(len(wire)) for frame in reader.feed(wire[at:at + 1])]
    assert [(f.type, f.stream_id) for f in frames] == [(spdy.SYN_STREAM, 1), (spdy.SYN_STREAM, 3)]
    assert frames[1].headers == {"streamtype": ["data"], "port": ["3000"], "requestid": ["0"]}


def test_header_values_split_on_nul_and_names_lower():
    assert spdy.decode_header_block(header_block((b"Port", b"3000\x008080"))) == {"port": ["3000", "8080"]}
    assert spdy.encode_header_block({"X-A": ["1", "2"]}) == header_block((b"x-a", b"1\x002"))


def test_data_frame_layout():
    assert spdy.data_frame(5, b"hi", spdy.FLAG_FIN) == bytes.fromhex("00000005" "01000002") + b"hi"
    frame, = spdy.FrameReader().feed(bytes.fromhex("00000003" "00000003") + b"abc")
    assert frame == spdy.DataFrame(3, 0, b"abc")


def test_fixed_control_frames_layout():
    assert spdy.ping_frame(1) == bytes.fromhex("80030006" "00000004" "00000001")
    assert spdy.rst_stream_frame(3, spdy.CANCEL) == bytes.fromhex("80030003" "00000008" "00000003" "00000005")
    assert spdy.goaway_frame(5) == bytes.fromhex("80030007" "00000008" "00000005" "00000000")


def test_reading_ping_goaway_rst_window_update_and_settings():
    wire = bytes.fromhex(
        "80030006" "00000004" "0000000b"                          # PING id 11
        "80030009" "00000008" "00000001" "00010000"               # WINDOW_UPDATE stream 1 +65536
        "80030004" "0000000c" "00000001" "01000007" "00010000"    # SETTINGS: persist INITIAL_WINDOW_SIZE=65536
        "80030003" "00000008" "00000003" "00000005"               # RST_STREAM 3 CANCEL
        "80030007" "00000008" "00000003" "00000000")              # GOAWAY last good 3, OK
    ping, window, settings, reset, goaway = spdy.FrameReader().feed(wire)
    assert (ping.type, ping.value) == (spdy.PING, 11)
    assert (window.type, window.stream_id, window.value) == (spdy.WINDOW_UPDATE, 1, 65536)
    assert settings.settings == ((1, 7, 65536),)
    assert (reset.type, reset.stream_id, reset.status) == (spdy.RST_STREAM, 3, spdy.CANCEL)
    assert (goaway.type, goaway.value, goaway.status) == (spdy.GOAWAY, 3, spdy.GOAWAY_OK)


@pytest.mark.parametrize("wire", [
    bytes.fromhex("80020006" "00000004" "00000001"),   # SPDY/2
    bytes.fromhex("80030005" "00000000"),               # type 5 (NOOP of SPDY/2) is no SPDY/3 frame
    bytes.fromhex("80030001" "0000000e" "00000001" "00000000" "0000") + b"junk",   # not zlib
], ids=["version-2", "unknown-type", "bad-header-block"])
def test_what_is_not_spdy_3_is_refused(wire):
    with pytest.raises(spdy.FrameError):
        list(spdy.FrameReader().feed(wire))


def test_a_partial_frame_waits_for_the_rest():
    reader = spdy.FrameReader()
    assert list(reader.feed(bytes.fromhex("80030006" "00000004" "0000"))) == []
    assert [f.value for f in reader.feed(bytes.fromhex("0001"))] == [1]
