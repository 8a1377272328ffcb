"""Plain HTTP to the emulator, for requests the typed client cannot express (never via a proxy)."""
from __future__ import annotations

import http.client
from urllib.parse import urlsplit


def raw(cluster, method: str, path: str, body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, str]:
    """(status, body text); exactly the headers given (so no Content-Type unless given)."""
    address = urlsplit(cluster.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()
