"""kubectl port-forward, server side: SPDY/3.1 streams in a websocket tunnel or a raw SPDY upgrade.

Sources (docs/platform.md §12.1):
- kubectl 1.31+ dials a websocket offering `SPDY/3.1+portforward.k8s.io` and runs SPDY inside its
  binary messages (kubernetes/client-go `tools/portforward/tunneling_dialer.go`,
  `tunneling_connection.go`); the API server answers with the same subprotocol and relays the bytes to
  the kubelet's SPDY upgrade (kubernetes/apiserver `pkg/util/proxy/streamtunnel.go`, read in the fork
  alauda/apiserver). With KUBECTL_PORT_FORWARD_WEBSOCKETS=false kubectl sends `Upgrade: SPDY/3.1`
  and `X-Stream-Protocol-Version: portforward.k8s.io` itself (kubernetes/apimachinery
  `pkg/util/httpstream/httpstream.go` Handshake: 400 without the header, 403 when no version matches;
  `pkg/util/httpstream/spdy/upgrade.go`: 101 with `Connection: Upgrade`, `Upgrade: SPDY/3.1`).
- the kubelet's side (kubernetes/kubernetes `pkg/kubelet/cri/streaming/portforward/httpstream.go`): a
  stream needs a `port` header (1-65535) and a `streamType` of `data` or `error`, else it is reset
  (apimachinery `pkg/util/httpstream/spdy/connection.go` newSpdyStream: Reset, i.e. RST_STREAM
  CANCEL); an accepted stream gets an empty SYN_REPLY; streams pair by `requestID`, or for old
  clients by stream id (error id, data id - 2); a complete pair forwards the data stream to the
  pod's port; a failure is written on the error stream as "error forwarding port %d to pod %s, uid
  %v: %v"; then the error stream and the data stream are closed (DATA with FIN, in that order).
- moby/spdystream `connection.go`: client stream ids odd and increasing (else RST_STREAM
  PROTOCOL_ERROR); a PING from the peer (odd id) is echoed; WINDOW_UPDATE and SETTINGS change
  nothing (spdystream has no flow control); a GOAWAY ends the connection, and Close() writes GOAWAY
  (last-good stream id) itself; `stream.go`: Close = empty DATA with FIN, a RST_STREAM from the peer
  ends the stream with nothing more written on it.
- kubectl (client-go `tools/portforward/portforward.go` handleConnection) opens one error stream and
  one data stream per local connection, half-closes the error stream, reads it to its end, and
  resets the data stream once the pod side is done.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from . import spdy_frames as spdy
from .streams import PipeEnd

SPDY_31 = "SPDY/3.1"
PORTFORWARD_V1 = "portforward.k8s.io"
TUNNELING_PREFIX = SPDY_31 + "+"
PROTOCOL_VERSION_HEADER = "X-Stream-Protocol-Version"

Connector = Callable[[int], Awaitable[PipeEnd]]
Send = Callable[[bytes], Awaitable[None]]

READ_SIZE = 65536


# ---------------------------------------------------------------- which request is this

def websocket_subprotocols(request: web.Request) -> list[str]:
    header = request.headers.get("Sec-WebSocket-Protocol", "")
    return [p.strip() for p in header.split(",") if p.strip()]


def is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


def is_tunnel_request(request: web.Request) -> bool:
    """apimachinery wsstream IsWebSocketRequestWithTunnelingProtocol: a websocket offering SPDY/3.1+..."""
    return is_websocket(request) and any(p.startswith(TUNNELING_PREFIX) for p in websocket_subprotocols(request))


def is_spdy_upgrade(request: web.Request) -> bool:
    connection = request.headers.get("Connection", "").lower()
    return "upgrade" in connection and SPDY_31.lower() in request.headers.get("Upgrade", "").lower()


def go_http_error(code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    """net/http Error: text/plain, nosniff, the message and a newline."""
    response = web.Response(status=code, text=message + "\n", charset="utf-8", content_type="text/plain")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.update(headers or {})
    return response


def go_header_dump(request: web.Request) -> str:
    """Go's %#v of the request's http.Header (Host is not in it; keys canonical, sorted)."""
    values: dict[str, list[str]] = {}
    for name, value in request.headers.items():
        if name.lower() != "host":
            values.setdefault("-".join(part.capitalize() for part in name.split("-")), []).append(value)
    entries = ", ".join(f'"{name}":[]string{{{", ".join(chr(34) + v + chr(34) for v in vs)}}}'
                        for name, vs in sorted(values.items()))
    return f"http.Header{{{entries}}}"


def negotiate(client_protocols: list[str]) -> str | web.Response:
    """httpstream Handshake against the kubelet's one port-forward protocol."""
    if not client_protocols:
        return go_http_error(400, f"unable to upgrade: header {PROTOCOL_VERSION_HEADER} is empty")
    if PORTFORWARD_V1 in client_protocols:
        return PORTFORWARD_V1
    return go_http_error(
        403, f"unable to upgrade: unable to negotiate protocol: client supports [{' '.join(client_protocols)}], "
             f"server accepts [{PORTFORWARD_V1}]",
        {"X-Accepted-Stream-Protocol-Versions": PORTFORWARD_V1})


# ---------------------------------------------------------------- the session

@dataclass
class _Pair:
    """The data and error streams of one forwarded connection."""
    request_id: str
    data_id: int = 0
    error_id: int = 0
    port: int = 0
    inbound: asyncio.Queue = field(default_factory=asyncio.Queue)
    data_reset: bool = False
    task: asyncio.Task | None = None


class PortForwardSession:
    """One SPDY connection: feed it the client's bytes; it writes frames through `send`, in order."""

    def __init__(self, send: Send, connect: Connector, *, stall: bool = False):
        self._connect, self._stall = connect, stall
        self._writer = spdy.FrameWriter()
        self._reader = spdy.FrameReader()
        self._outbox: asyncio.Queue[bytes | None] = asyncio.Queue()
        self._sender = asyncio.ensure_future(self._send_all(send))
        self._pairs: dict[str, _Pair] = {}
        self._by_stream: dict[int, _Pair] = {}
        self._next_client_id = 1
        self._last_good = 0
        self.ended = asyncio.Event()

    # ------------------------------------------------------------ client bytes in

    def feed(self, data: bytes) -> None:
        if self.ended.is_set():
            return
        try:
            for frame in self._reader.feed(data):
                self._on_frame(frame)
        except spdy.FrameError:
            # spdystream's Serve stops reading at a frame error and the connection ends
            self.ended.set()

    def _on_frame(self, frame: spdy.Frame) -> None:
        if isinstance(frame, spdy.DataFrame):
            self._on_data(frame)
        elif frame.type == spdy.SYN_STREAM:
            self._on_syn_stream(frame)
        elif frame.type == spdy.RST_STREAM:
            self._on_reset(frame.stream_id)
        elif frame.type == spdy.PING and frame.value % 2 == 1:
            self._put(spdy.ping_frame(frame.value))
        elif frame.type == spdy.GOAWAY:
            self.ended.set()
        # SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY: nothing to do for a server without flow control

    def _on_syn_stream(self, frame: spdy.ControlFrame) -> None:
        stream_id = frame.stream_id
        if stream_id % 2 == 0 or stream_id < self._next_client_id:
            self._put(spdy.rst_stream_frame(stream_id, spdy.PROTOCOL_ERROR))
            return
        self._next_client_id, self._last_good = stream_id + 2, stream_id
        headers = {name: values[0] for name, values in frame.headers.items() if values}
        if stream_error(headers) is not None:
            self._put(spdy.rst_stream_frame(stream_id, spdy.CANCEL))
            return
        self._put(self._writer.syn_reply(stream_id))
        kind = headers["streamtype"]
        request_id = headers.get("requestid") or str(stream_id if kind == "error" else stream_id - 2)
        pair = self._pairs.setdefault(request_id, _Pair(request_id))
        if getattr(pair, f"{kind}_id"):
            # httpstream.go add(): "error stream already assigned" / "data stream already assigned"
            if pair.error_id:
                message = f"error processing stream for request {request_id}: {kind} stream already assigned"
                self._put(spdy.data_frame(pair.error_id, message.encode()))
            return
        setattr(pair, f"{kind}_id", stream_id)
        self._by_stream[stream_id] = pair
        if kind == "data":
            pair.port = int(headers["port"])
        if pair.data_id and pair.error_id and not self._stall:
            pair.task = asyncio.ensure_future(self._forward(pair))

    def _on_data(self, frame: spdy.DataFrame) -> None:
        pair = self._by_stream.get(frame.stream_id)
        # the kubelet never reads the error stream
        if pair is None or frame.stream_id != pair.data_id or self._stall:
            return
        if frame.data:
            pair.inbound.put_nowait(frame.data)
        if frame.flags & spdy.FLAG_FIN:
            pair.inbound.put_nowait(None)

    def _on_reset(self, stream_id: int) -> None:
        pair = self._by_stream.get(stream_id)
        if pair is None:
            return
        if stream_id == pair.data_id:
            pair.data_reset = True
            pair.inbound.put_nowait(None)
            if pair.task is not None:
                pair.task.cancel()

    # ------------------------------------------------------------ forwarding one pair

    async def _forward(self, pair: _Pair) -> None:
        connection: PipeEnd | None = None
        try:
            connection = await self._connect(pair.port)
            await _first_done(self._to_pod(pair, connection), self._to_client(pair, connection))
        except ConnectionError as refused:
            self._put(spdy.data_frame(pair.error_id, str(refused).encode()))
        except asyncio.CancelledError:
            pass
        finally:
            if connection is not None:
                connection.close()
            self._finish(pair)

    async def _to_pod(self, pair: _Pair, connection: PipeEnd) -> None:
        """Client bytes to the pod; the client's FIN half-closes the pod connection."""
        while (chunk := await pair.inbound.get()) is not None:
            connection.write(chunk)
        connection.close()
        await asyncio.Event().wait()  # the pod side decides when forwarding ends

    async def _to_client(self, pair: _Pair, connection: PipeEnd) -> None:
        while chunk := await connection.reader.read(READ_SIZE):
            if pair.data_reset:
                return
            self._put(spdy.data_frame(pair.data_id, chunk))

    def _finish(self, pair: _Pair) -> None:
        """portForward's deferred closes: the error stream, then the data stream unless the client reset it."""
        self._put(spdy.data_frame(pair.error_id, b"", spdy.FLAG_FIN))
        if not pair.data_reset:
            self._put(spdy.data_frame(pair.data_id, b"", spdy.FLAG_FIN))
        self._pairs.pop(pair.request_id, None)
        self._by_stream.pop(pair.data_id, None)
        self._by_stream.pop(pair.error_id, None)

    # ------------------------------------------------------------ frames out

    def _put(self, frame: bytes) -> None:
        self._outbox.put_nowait(frame)

    async def _send_all(self, send: Send) -> None:
        while (frame := await self._outbox.get()) is not None:
            try:
                await send(frame)
            except (ConnectionError, RuntimeError):
                self.ended.set()
                return

    async def close(self) -> None:
        """The connection ends: stop every forward, then GOAWAY (spdystream Close), flushed."""
        tasks = [pair.task for pair in self._pairs.values() if pair.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._put(spdy.goaway_frame(self._last_good))
        self._outbox.put_nowait(None)
        with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(self._sender), 5)
        self._sender.cancel()


def stream_error(headers: dict[str, str]) -> str | None:
    """httpstream.go httpStreamReceived's refusals, or None for a valid port-forward stream."""
    port = headers.get("port", "")
    if not port:
        return '"port" header is required'
    if not port.isdigit() or int(port) > 65535:
        return f'unable to parse "{port}" as a port'
    if int(port) < 1:
        return f'port "{port}" must be > 0'
    kind = headers.get("streamtype", "")
    if not kind:
        return '"streamType" header is required'
    if kind not in ("data", "error"):
        return f'invalid stream type "{kind}"'
    return None


async def _first_done(*coroutines: Awaitable[None]) -> None:
    tasks = [asyncio.ensure_future(c) for c in coroutines]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# ---------------------------------------------------------------- the two transports

async def serve_tunnelled(request: web.Request, connect: Connector, *, stall: bool = False) -> web.StreamResponse:
    """A websocket whose binary messages carry the SPDY byte stream, both ways."""
    offered = [p[len(TUNNELING_PREFIX):] for p in websocket_subprotocols(request)
               if p.startswith(TUNNELING_PREFIX) and p.endswith(".k8s.io")]
    if not offered:
        return go_http_error(400, "unable to upgrade: no tunneling spdy protocols provided")
    chosen = negotiate(offered)
    if isinstance(chosen, web.Response):
        return chosen
    ws = web.WebSocketResponse(protocols=(TUNNELING_PREFIX + chosen,), autoping=True)
    await ws.prepare(request)
    session = PortForwardSession(ws.send_bytes, connect, stall=stall)

    async def read_client() -> None:
        async for message in ws:
            if message.type == WSMsgType.BINARY:
                session.feed(message.data)
            else:
                # tunneling_connection.go Read: "invalid message type received"
                return

    await _first_done(read_client(), session.ended.wait())
    await session.close()
    await ws.close()
    return ws


class _SpdyParser:
    """What aiohttp's protocol feeds an upgraded connection's bytes to (as its WebSocketReader)."""

    def __init__(self, session_feed: Callable[[bytes], None], on_eof: Callable[[], None]):
        self._feed, self._on_eof = session_feed, on_eof

    def feed_data(self, data: bytes) -> tuple[bool, bytes]:
        self._feed(data)
        return False, b""

    def feed_eof(self) -> None:
        self._on_eof()


async def serve_upgraded(request: web.Request, connect: Connector, *, stall: bool = False) -> web.StreamResponse:
    """A raw `Upgrade: SPDY/3.1`: 101, then the connection itself carries SPDY."""
    if PROTOCOL_VERSION_HEADER not in request.headers:
        count = len({name.lower() for name in request.headers if name.lower() != "host"})
        return go_http_error(400, f"unable to upgrade: header {PROTOCOL_VERSION_HEADER} does not exist "
                                  f"in request with {count} headers")
    chosen = negotiate([p.strip() for value in request.headers.getall(PROTOCOL_VERSION_HEADER, [])
                        for p in value.split(",") if p.strip()])
    if isinstance(chosen, web.Response):
        return chosen
    if not is_spdy_upgrade(request):
        return go_http_error(400, f"unable to upgrade: missing upgrade headers in request: {go_header_dump(request)}")
    transport = request.transport
    if transport is None:
        return go_http_error(500, "unable to upgrade: connection is gone")

    async def send(frame: bytes) -> None:
        if transport.is_closing():
            raise ConnectionResetError("client gone")
        transport.write(frame)

    session = PortForwardSession(send, connect, stall=stall)
    # bytes after the 101 go to the session, not to the HTTP parser (what WebSocketResponse does too)
    request.protocol.set_parser(_SpdyParser(session.feed, session.ended.set))
    response = web.StreamResponse(status=101, reason="Switching Protocols", headers={
        "Connection": "Upgrade", "Upgrade": SPDY_31, PROTOCOL_VERSION_HEADER: chosen})
    response.force_close()
    await response.prepare(request)
    await session.ended.wait()
    await session.close()
    transport.close()
    return response
