"""A websocket peer on 127.0.0.1 that says exactly what a test scripts, then stays open and silent.

Each entry of `script` is written with one sendall(): over TLS that is one TLS record, which is how
several frames end up decrypted together in the client's SSL buffer (kubernetes-client/python#2414,
PR #2650). After the script the peer reads (and ignores) what the client sends until it closes,
and never closes first: a kubelet stream that stalled.
"""
from __future__ import annotations

import base64
import hashlib
import socket
import ssl
import struct
import threading

ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"   # RFC 6455 section 1.3


def frame(payload: bytes, opcode: int = 0x2) -> bytes:
    """One unmasked, final server frame (RFC 6455 section 5.2)."""
    size = len(payload)
    header = struct.pack("!BB", 0x80 | opcode, size) if size < 126 else struct.pack("!BBH", 0x80 | opcode, 126, size)
    return header + payload


def close_frame() -> bytes:
    return frame(struct.pack("!H", 1000), opcode=0x8)


class ScriptedPeer:
    def __init__(self, script: list[bytes], *, tls: ssl.SSLContext | None = None,
                 protocol: str = "v5.channel.k8s.io"):
        self.script, self.tls, self.protocol = script, tls, protocol
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://127.0.0.1:{self._listener.getsockname()[1]}/exec"

    def close(self) -> None:
        self._listener.close()

    def _serve(self) -> None:
        while True:
            try:
                raw, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._talk, args=(raw,), daemon=True).start()

    def _talk(self, raw: socket.socket) -> None:
        try:
            sock = self.tls.wrap_socket(raw, server_side=True) if self.tls else raw
            request = b""
            while b"\r\n\r\n" not in request:
                request += sock.recv(4096)
            key = next(line.split(b":", 1)[1].strip() for line in request.split(b"\r\n")
                       if line.lower().startswith(b"sec-websocket-key:"))
            accept = base64.b64encode(hashlib.sha1(key + ACCEPT_GUID).digest())
            sock.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         b"Sec-WebSocket-Accept: " + accept + b"\r\n"
                         b"Sec-WebSocket-Protocol: " + self.protocol.encode() + b"\r\n\r\n")
            for chunk in self.script:
                sock.sendall(chunk)
            while sock.recv(4096):
                pass
        except OSError:
            pass
        finally:
            raw.close()
