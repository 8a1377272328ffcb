"""emulator/runtime/spdy_portforward.py's session, driven frame by frame as kubectl drives a kubelet
(kubernetes/kubernetes `pkg/kubelet/cri/streaming/portforward/httpstream.go`; moby/spdystream
`connection.go`; client-go `tools/portforward/portforward.go` handleConnection)."""
from __future__ import annotations

import asyncio

import pytest

from emulator.runtime import spdy_frames as spdy
from emulator.runtime.spdy_portforward import PortForwardSession, stream_error
from emulator.runtime.streams import PipeEnd, pipe

REFUSED = "error forwarding port 8080 to pod abc, uid : connection refused"


class Pod:
    """Port 3000 answers each chunk in upper case and closes after the client's EOF; others refuse."""

    def __init__(self):
        self.ends: list[PipeEnd] = []

    async def connect(self, port: int) -> PipeEnd:
        if port != 3000:
            raise ConnectionRefusedError(REFUSED)
        client_end, server_end = pipe()
        self.ends.append(server_end)
        asyncio.ensure_future(self._serve(server_end))
        return client_end

    @staticmethod
    async def _serve(end: PipeEnd) -> None:
        while chunk := await end.reader.read(1024):
            end.write(chunk.upper())
        end.close()


class Kubectl:
    """The client side: writes frames with its own compressor, reads the server's."""

    def __init__(self, pod: Pod, stall: bool = False):
        self.out = spdy.FrameWriter()
        self.reader = spdy.FrameReader()
        self.received: list[spdy.Frame] = []
        self.session = PortForwardSession(self._receive, pod.connect, stall=stall)

    async def _receive(self, data: bytes) -> None:
        self.received.extend(self.reader.feed(data))

    def send(self, *frames: bytes) -> None:
        for frame in frames:
            self.session.feed(frame)

    def open_pair(self, error_id: int, port: int = 3000, request_id: str | None = "0") -> None:
        for stream_id, kind in ((error_id, "error"), (error_id + 2, "data")):
            headers = {"streamtype": [kind], "port": [str(port)]}
            if request_id is not None:
                headers["requestid"] = [request_id]
            self.send(self.out.syn_stream(stream_id, headers))

    async def settle(self) -> list[spdy.Frame]:
        for _ in range(20):
            await asyncio.sleep(0)
        return self.received


def summary(frames: list[spdy.Frame]) -> list[tuple]:
    def one(frame):
        if isinstance(frame, spdy.DataFrame):
            return ("DATA", frame.stream_id, frame.data, frame.flags)
        names = {spdy.SYN_REPLY: "SYN_REPLY", spdy.RST_STREAM: "RST", spdy.PING: "PING", spdy.GOAWAY: "GOAWAY"}
        return (names[frame.type], frame.stream_id or frame.value, frame.status)
    return [one(frame) for frame in frames]


def run(scenario):
    asyncio.run(asyncio.wait_for(scenario(), 10))


def test_a_pair_forwards_and_closes_error_then_data():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.open_pair(1)
        kubectl.send(spdy.data_frame(3, b"get /"), spdy.data_frame(3, b"", spdy.FLAG_FIN))
        frames = summary(await kubectl.settle())
        assert frames == [("SYN_REPLY", 1, 0), ("SYN_REPLY", 3, 0), ("DATA", 3, b"GET /", 0),
                          ("DATA", 1, b"", spdy.FLAG_FIN), ("DATA", 3, b"", spdy.FLAG_FIN)]
        await kubectl.session.close()
        assert summary(kubectl.received)[-1] == ("GOAWAY", 3, spdy.GOAWAY_OK)
    run(scenario)


def test_a_refused_port_writes_the_error_on_the_error_stream():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.open_pair(1, port=8080)
        assert summary(await kubectl.settle())[2:] == [
            ("DATA", 1, REFUSED.encode(), 0), ("DATA", 1, b"", spdy.FLAG_FIN), ("DATA", 3, b"", spdy.FLAG_FIN)]
    run(scenario)


def test_a_reset_data_stream_ends_the_pair_with_the_error_stream_s_fin_only():
    async def scenario():
        pod = Pod()
        kubectl = Kubectl(pod)
        kubectl.open_pair(1)
        await kubectl.settle()
        kubectl.send(spdy.rst_stream_frame(3, spdy.CANCEL))
        frames = summary(await kubectl.settle())
        assert frames[2:] == [("DATA", 1, b"", spdy.FLAG_FIN)]
        assert pod.ends and pod.ends[0].reader.at_eof()   # the pod side saw the connection close
    run(scenario)


def test_two_connections_pair_by_request_id_and_old_clients_by_stream_id():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.open_pair(1, request_id="0")
        kubectl.open_pair(5, request_id=None)     # old clients: error id 5, data id 7 (httpstream.go requestID)
        kubectl.send(spdy.data_frame(7, b"second"), spdy.data_frame(3, b"first"))
        frames = summary(await kubectl.settle())
        assert ("DATA", 7, b"SECOND", 0) in frames and ("DATA", 3, b"FIRST", 0) in frames
    run(scenario)


def test_client_pings_are_echoed_and_server_ids_ignored():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.send(spdy.ping_frame(1), spdy.ping_frame(2), spdy.ping_frame(3))
        assert summary(await kubectl.settle()) == [("PING", 1, 0), ("PING", 3, 0)]
    run(scenario)


def test_bad_streams_are_reset():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.send(kubectl.out.syn_stream(1, {"streamtype": ["data"]}),                 # no port
                     kubectl.out.syn_stream(3, {"streamtype": ["other"], "port": ["3000"]}),
                     kubectl.out.syn_stream(4, {"streamtype": ["data"], "port": ["3000"]}),  # even id
                     kubectl.out.syn_stream(5, {"streamtype": ["data"], "port": ["3000"]}),
                     kubectl.out.syn_stream(5, {"streamtype": ["error"], "port": ["3000"]}))  # id not increasing
        assert summary(await kubectl.settle()) == [
            ("RST", 1, spdy.CANCEL), ("RST", 3, spdy.CANCEL), ("RST", 4, spdy.PROTOCOL_ERROR),
            ("SYN_REPLY", 5, 0), ("RST", 5, spdy.PROTOCOL_ERROR)]
    run(scenario)


def test_goaway_ends_the_session():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.open_pair(1)
        kubectl.send(spdy.goaway_frame(0))
        await asyncio.wait_for(kubectl.session.ended.wait(), 1)
        await kubectl.session.close()
        assert summary(kubectl.received)[-1] == ("GOAWAY", 3, spdy.GOAWAY_OK)
    run(scenario)


def test_a_frame_error_ends_the_session():
    async def scenario():
        kubectl = Kubectl(Pod())
        kubectl.send(bytes.fromhex("80030005" "00000000"))   # no SPDY/3 control type 5 (spdystream Serve stops)
        assert kubectl.session.ended.is_set()
        await kubectl.session.close()
    run(scenario)


def test_stalled_streams_are_accepted_then_silent():
    async def scenario():
        kubectl = Kubectl(Pod(), stall=True)
        kubectl.open_pair(1)
        kubectl.send(spdy.data_frame(3, b"get /"), spdy.ping_frame(1))
        assert summary(await kubectl.settle()) == [("SYN_REPLY", 1, 0), ("SYN_REPLY", 3, 0), ("PING", 1, 0)]
    run(scenario)


@pytest.mark.parametrize("headers, message", [
    ({"streamtype": "data"}, '"port" header is required'),
    ({"streamtype": "data", "port": "x"}, 'unable to parse "x" as a port'),
    ({"streamtype": "data", "port": "0"}, 'port "0" must be > 0'),
    ({"port": "1"}, '"streamType" header is required'),
    ({"port": "1", "streamtype": "x"}, 'invalid stream type "x"'),
    ({"port": "65535", "streamtype": "error"}, None),
])
def test_stream_header_checks(headers, message):
    assert stream_error(headers) == message
