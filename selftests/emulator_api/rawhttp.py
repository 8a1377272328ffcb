"""Raw HTTPS to the emulator, for requests the typed client cannot express (never via a proxy).

The connection trusts the cluster's CA and, unless told otherwise, presents the kubeconfig user's
client certificate, as kubectl does; `context` replaces that TLS context (a stranger's, none)."""
from __future__ import annotations

import http.client
import ssl
from urllib.parse import urlsplit

_KUBECONFIG_USER = object()


def raw(cluster, method: str, path: str, body: bytes | None = None,
        headers: dict[str, str] | None = None, context: ssl.SSLContext | None | object = _KUBECONFIG_USER
        ) -> tuple[int, str]:
    """(status, body text); exactly the headers given (so no Content-Type unless given)."""
    address = urlsplit(cluster.url)
    tls = cluster.client_ssl_context() if context is _KUBECONFIG_USER else context
    connection = http.client.HTTPSConnection(address.hostname, address.port, timeout=10, context=tls) \
        if address.scheme == "https" else http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()
