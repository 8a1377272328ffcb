"""Go's `tls.RequestClientCert` for a Python server: ask for a client certificate, never refuse one
(docs/platform.md §18.1, §18.5).

kube-apiserver asks every client for a certificate and lets the handshake succeed whatever comes
(kubernetes/apiserver `pkg/server/secure_serving.go`: "Populate PeerCertificates in requests, but
don't reject connections without certificates"); its x509 authenticator judges the certificate
afterwards and answers 401 to one its client CA did not sign. Python's ssl has no verify callback:
with CERT_OPTIONAL, OpenSSL itself aborts the handshake on such a certificate (alert unknown_ca).
So this sets OpenSSL's verify callback on the context, through the libssl that `_ssl` uses, to one
that accepts every chain; the certificate is then verified by emulator.apiserver.authentication.

Only where it can be done safely (CPython on Linux, the context's SSL_CTX found and checked);
elsewhere the context stays CERT_OPTIONAL and a foreign certificate fails the handshake
(emulator/README.md, Known differences).
"""
from __future__ import annotations

import ctypes
import ssl
import sys
from pathlib import Path

SSL_VERIFY_PEER = 0x01
_VERIFY_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_void_p)
_ACCEPT_EVERY_CHAIN = _VERIFY_CALLBACK(lambda preverify_ok, store: 1)   # kept alive for the process


def request_client_cert(context: ssl.SSLContext) -> bool:
    """Make `context` (CERT_OPTIONAL, server side) accept any client certificate; True if done."""
    libssl = _libssl()
    if libssl is None or context.verify_mode != ssl.CERT_OPTIONAL:
        return False
    handle = _ssl_ctx(context, libssl)
    if handle is None:
        return False
    libssl.SSL_CTX_set_verify(handle, SSL_VERIFY_PEER, _ACCEPT_EVERY_CHAIN)
    return True


def _libssl():
    """The libssl mapped into this process by the _ssl module (the same one, not just any)."""
    # PySSLContext's layout is CPython's own (checked below as well); /proc/self/maps is Linux's.
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 15) or not Path("/proc/self/maps").exists():
        return None
    ssl.create_default_context()   # _ssl is loaded, so its libssl is mapped
    paths = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines()
             if "/libssl.so" in line}
    if len(paths) != 1:
        return None
    libssl = ctypes.CDLL(paths.pop())
    libssl.SSL_CTX_set_verify.argtypes = [ctypes.c_void_p, ctypes.c_int, _VERIFY_CALLBACK]
    libssl.SSL_CTX_set_verify.restype = None
    libssl.SSL_CTX_get_verify_mode.argtypes = [ctypes.c_void_p]
    libssl.SSL_CTX_get_verify_mode.restype = ctypes.c_int
    libssl.SSL_CTX_get_options.argtypes = [ctypes.c_void_p]
    libssl.SSL_CTX_get_options.restype = ctypes.c_uint64
    return libssl


def _ssl_ctx(context: ssl.SSLContext, libssl) -> int | None:
    # CPython's PySSLContext holds its `SSL_CTX *ctx` right after the object header (Modules/_ssl.c).
    # Checked both ways before use: the options and verify mode OpenSSL reports must be the context's.
    handle = ctypes.c_void_p.from_address(id(context) + object.__basicsize__).value
    if not handle:
        return None
    if libssl.SSL_CTX_get_options(handle) != int(context.options) or \
            libssl.SSL_CTX_get_verify_mode(handle) != SSL_VERIFY_PEER:
        return None
    return handle
