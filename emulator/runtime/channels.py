"""The Kubernetes websocket channel protocols, server side: exec and port-forward.

Sources (docs/platform.md §4.1-4.3, §12):
- subprotocol choice by client order: apimachinery `pkg/util/httpstream/wsstream/conn.go` handshake();
- exec frames, the empty first frame, the channel-3 Status: kubelet
  `staging/src/k8s.io/kubelet/pkg/cri/streaming/remotecommand/websocket.go`, `httpstream.go`;
- port-forward channels: `.../cri/streaming/portforward/websocket.go` (kubectl's SPDY port-forward:
  spdy_portforward.py).
"""
from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from aiohttp import WSMsgType, web

from .streams import PipeEnd

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
# apiserver StreamTranslator speaks v5; v4 requests are proxied to the kubelet (base64 variants omitted)
EXEC_PROTOCOLS = (V5, V4)
# the kubelet's port-forward websocket protocols (binary only)
PORTFORWARD_PROTOCOLS = (V4,)

STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255


class ProtocolRejected(Exception):
    """The request cannot be upgraded: answered with an HTTP error before the handshake."""

    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message

    def response(self) -> web.Response:
        return status_response(self.code, self.reason, self.message)


def status_response(code: int, reason: str, message: str) -> web.Response:
    """A metav1.Status error body as the apiserver writes it."""
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    return web.json_response(body, status=code)


def parse_bool(values: Sequence[str]) -> bool:
    """apimachinery `runtime/conversion.go` Convert_Slice_string_To_bool: only absence, "false"
    (any case) or "0" in the first value are false; anything else, even "", is true."""
    if not values:
        return False
    first = values[0]
    return not (first == "0" or first.lower() == "false")


def offered_protocols(request: web.Request) -> list[str]:
    header = request.headers.get("Sec-WebSocket-Protocol", "")
    return [p.strip() for p in header.split(",") if p.strip()]


def choose_protocol(offered: Sequence[str], supported: Sequence[str]) -> str:
    """wsstream/conn.go handshake(): the first protocol the CLIENT offers that the server supports."""
    for protocol in offered:
        if protocol in supported:
            return protocol
    raise ProtocolRejected(
        400, "BadRequest",
        f"requested protocol(s) are not supported: {list(offered)}; supports {list(supported)}")


def reject_spdy(request: web.Request, what: str) -> None:
    """Exec over SPDY (kubectl before 1.30, or KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false) is not served;
    port-forward's SPDY is (spdy_portforward.py)."""
    raw_spdy = "websocket" not in request.headers.get("Upgrade", "").lower()
    if raw_spdy or any(p.startswith("SPDY/") for p in offered_protocols(request)):
        raise ProtocolRejected(
            400, "BadRequest",
            f"the emulated cluster serves {what} only over websocket channel protocols "
            f"{', '.join(EXEC_PROTOCOLS if what == 'exec' else PORTFORWARD_PROTOCOLS)}; "
            f"SPDY {what} is not supported")


# ---------------------------------------------------------------- exec

@dataclass(frozen=True)
class ExecOptions:
    command: list[str]
    container: str | None
    stdin: bool
    stdout: bool
    stderr: bool
    tty: bool

    @classmethod
    def from_query(cls, query: Mapping, attach: bool = False) -> "ExecOptions":
        """attach: PodAttachOptions, the same flags without a command (the container's own process)."""
        def flag(name: str) -> bool:
            return parse_bool(query.getall(name, []))

        tty = flag("tty")
        command = ["attach"] if attach else query.getall("command", [])
        options = cls(command=list(command), container=query.get("container"),
                      stdin=flag("stdin"), stdout=flag("stdout"),
                      # kubelet httpstream.go NewOptions: tty with stderr bypasses stderr
                      stderr=flag("stderr") and not tty, tty=tty)
        options._validate()
        return options

    def _validate(self) -> None:
        # apiserver registry/core/pod/strategy.go ExecLocation and kubelet NewOptions
        if not self.command:
            raise ProtocolRejected(400, "BadRequest",
                                   "you must specify at least one command for the container")
        if not (self.stdin or self.stdout or self.stderr):
            raise ProtocolRejected(400, "BadRequest",
                                   "you must specify at least 1 of stdin, stdout, stderr")


class ExecSession:
    """A negotiated exec websocket: write stdout/stderr, read stdin, finish with the exit status."""

    def __init__(self, ws: web.WebSocketResponse, protocol: str, options: ExecOptions):
        self.ws, self.protocol, self.options = ws, protocol, options
        self.stdin = asyncio.StreamReader()
        self.client_gone = asyncio.Event()
        if not options.stdin:
            self.stdin.feed_eof()
        self._reader = asyncio.ensure_future(self._read_client())

    @classmethod
    async def open(cls, request: web.Request, options: ExecOptions) -> "ExecSession":
        reject_spdy(request, "exec")
        protocol = choose_protocol(offered_protocols(request), EXEC_PROTOCOLS)
        ws = web.WebSocketResponse(protocols=(protocol,), autoping=True)
        await ws.prepare(request)
        session = cls(ws, protocol, options)
        # remotecommand/websocket.go: "Send an empty message to the lowest writable channel"
        first = STDOUT if options.stdout else STDERR if options.stderr else ERROR
        await session._send(first, b"")
        return session

    async def write_stdout(self, data: bytes) -> None:
        if self.options.stdout:
            await self._send(STDOUT, data)

    async def write_stderr(self, data: bytes) -> None:
        # with a tty the terminal merges stderr into stdout
        if self.options.stderr:
            await self._send(STDERR, data)
        elif self.options.tty:
            await self.write_stdout(data)

    async def finish(self, exit_code: int) -> web.WebSocketResponse:
        """Write the channel-3 Status (remotecommand ServeExec) and close the websocket.
        No server [255, ch] frames: client-go logs "Unknown stream id 255" for them."""
        await self._send(ERROR, json.dumps(exit_status(exit_code, self.options.command)).encode())
        await self.close()
        return self.ws

    async def stall(self) -> web.WebSocketResponse:
        """Fault stream-stall: after the first (empty) frame, nothing until the client leaves. A real
        kubelet keeps such a stream open for its streaming idle timeout, 4 h by default (docs/platform.md §4.5)."""
        await self.client_gone.wait()
        await self.close()
        return self.ws

    async def close(self) -> None:
        self._reader.cancel()
        if not self.ws.closed:
            await self.ws.close()
        if not self.stdin.at_eof():
            self.stdin.feed_eof()

    async def _send(self, channel: int, data: bytes) -> None:
        if self.client_gone.is_set() or self.ws.closed:
            return
        try:
            await self.ws.send_bytes(bytes([channel]) + data)
        except (ConnectionResetError, RuntimeError):
            self.client_gone.set()

    async def _read_client(self) -> None:
        try:
            async for message in self.ws:
                if message.type == WSMsgType.BINARY:
                    self._on_frame(message.data)
                elif message.type == WSMsgType.TEXT:
                    # the Python client writes str stdin as a TEXT frame chr(ch)+data
                    self._on_frame(message.data.encode("utf-8"))
        finally:
            self.client_gone.set()
            if not self.stdin.at_eof():
                self.stdin.feed_eof()

    def _on_frame(self, frame: bytes) -> None:
        if not frame:
            return
        channel, payload = frame[0], frame[1:]
        if channel == STDIN and self.options.stdin and not self.stdin.at_eof():
            self.stdin.feed_data(payload)
        elif channel == CLOSE and self.protocol == V5 and payload[:1] == bytes([STDIN]):
            if not self.stdin.at_eof():
                self.stdin.feed_eof()
        # RESIZE (4) carries {"Width","Height"}: nothing to resize here


def exit_status(exit_code: int, command: Sequence[str]) -> dict:
    """The metav1.Status of remotecommand ServeExec (constants from apimachinery
    util/remotecommand: NonZeroExitCode, ExitCode)."""
    if exit_code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {}, "status": "Failure",
        "message": ("command terminated with non-zero exit code: error executing command "
                    f"[{' '.join(command)}], exit code {exit_code}"),
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(exit_code)}]},
    }


# ---------------------------------------------------------------- port-forward

def parse_ports(query: Mapping) -> list[int]:
    """apiserver `ports` (repeatable, comma lists) as the kubelet's portforward/httpstream.go
    parses its `port` values."""
    raw = [part.strip() for value in query.getall("ports", []) for part in value.split(",")]
    if not raw or raw == [""]:
        raise ProtocolRejected(400, "BadRequest", 'query parameter "port" is required')
    ports = []
    for text in raw:
        if not text.isdigit() or int(text) > 65535:
            raise ProtocolRejected(400, "BadRequest",
                                   f'unable to parse "{text}" as a port: invalid syntax')
        if int(text) == 0:
            raise ProtocolRejected(400, "BadRequest", f'port "{text}" must be > 0')
        ports.append(int(text))
    return ports


Connector = Callable[[int], Awaitable[PipeEnd]]
"""Opens the pod-local connection to a port; raises ConnectionError with the kubelet's text."""


async def serve_portforward(request: web.Request, ports: Sequence[int],
                            connect: Connector) -> web.WebSocketResponse:
    """Call after parse_ports (kubectl's SPDY port-forward is spdy_portforward.py's).

    kubelet portforward/websocket.go: per port index i, data channel 2i and error channel 2i+1, each
    opened with the port as uint16 little-endian; the connection is made at once; a failure is written
    as text on the error channel; the websocket closes when every port's forwarding has ended."""
    protocol = choose_protocol(offered_protocols(request), PORTFORWARD_PROTOCOLS)
    ws = web.WebSocketResponse(protocols=(protocol,), autoping=True)
    await ws.prepare(request)
    for index, port in enumerate(ports):
        header = bytes([port & 0xFF, port >> 8])
        await ws.send_bytes(bytes([2 * index]) + header)
        await ws.send_bytes(bytes([2 * index + 1]) + header)

    connections: dict[int, PipeEnd] = {}
    pumps = []
    for index, port in enumerate(ports):
        try:
            connections[index] = await connect(port)
        except ConnectionError as refused:
            await ws.send_bytes(bytes([2 * index + 1]) + str(refused).encode())
            continue
        pumps.append(asyncio.ensure_future(_pump_to_client(ws, index, connections[index])))

    reader = asyncio.ensure_future(_pump_from_client(ws, connections))
    if pumps:
        await asyncio.wait([reader, asyncio.gather(*pumps)], return_when=asyncio.FIRST_COMPLETED)
    reader.cancel()
    for pump in pumps:
        pump.cancel()
    for connection in connections.values():
        connection.close()
    await ws.close()
    return ws


async def stall_portforward(request: web.Request, ports: Sequence[int]) -> web.WebSocketResponse:
    """Fault stream-stall, after parse_ports: the first port's data-channel frame, then
    silence; what the client sends is read and dropped until it closes."""
    protocol = choose_protocol(offered_protocols(request), PORTFORWARD_PROTOCOLS)
    ws = web.WebSocketResponse(protocols=(protocol,), autoping=True)
    await ws.prepare(request)
    await ws.send_bytes(bytes([0, ports[0] & 0xFF, ports[0] >> 8]))
    async for _ in ws:
        pass
    return ws


async def _pump_to_client(ws: web.WebSocketResponse, index: int, connection: PipeEnd) -> None:
    while data := await connection.reader.read(65536):
        if ws.closed:
            return
        await ws.send_bytes(bytes([2 * index]) + data)


async def _pump_from_client(ws: web.WebSocketResponse, connections: dict[int, PipeEnd]) -> None:
    async for message in ws:
        if message.type != WSMsgType.BINARY or not message.data:
            continue
        channel, payload = message.data[0], message.data[1:]
        connection = connections.get(channel // 2)
        if channel % 2 == 0 and connection is not None:
            connection.write(payload)
