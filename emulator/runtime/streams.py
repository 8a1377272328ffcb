"""In-memory full-duplex byte pipes: the emulated TCP connections between pods.

Emulated pod IPs are data only, so a "connection" to 192.168.1.2:3000 is a pair of
asyncio.StreamReaders fed by each other's writes, never a socket.
"""
from __future__ import annotations

import asyncio


class PipeEnd:
    """One end of a pipe: read from `reader`, `write()` to the peer, `close()` sends EOF."""

    def __init__(self, reader: asyncio.StreamReader, peer_reader: asyncio.StreamReader):
        self.reader = reader
        self._peer_reader = peer_reader
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, data: bytes) -> None:
        if not self._closed and data:
            self._peer_reader.feed_data(data)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._peer_reader.feed_eof()


def pipe() -> tuple[PipeEnd, PipeEnd]:
    """Two connected ends: (client, server)."""
    to_client, to_server = asyncio.StreamReader(), asyncio.StreamReader()
    return PipeEnd(to_client, to_server), PipeEnd(to_server, to_client)
