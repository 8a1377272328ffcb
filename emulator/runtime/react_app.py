"""Stand-in for the lab's app, `ifilyaninitmo/itdt-contained-frontend:master` (
docs/lab.md#the-app-inside-the-image): a production React build run inside the pod at start-up, then an Express
server on port 3000 that answers every GET with the shell page, except the hashed bundle.

The build inlines REACT_APP_USERNAME, REACT_APP_COMPANY_NAME, the hostname and the pod IP; the
bundle is written the way CRA's minified JSX output looks (`(0,r.jsxs)("p",{children:[text,
value]})`), so each value is its own string literal, and it renders into #root in a browser.
"""
from __future__ import annotations

import asyncio
import email.utils
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ..base.faults import APP_NEVER_LISTENS
from .streams import PipeEnd

PORT = 3000
PLACEHOLDER = "(\u208c \u1d55\u0323\u0323\u0323\u0323\u0323 \u11bd \u1d55\u0323\u0323\u0323\u0323\u0323\u208c)"
# Node's http.Server keepAliveTimeout default (5000 ms) closes idle keep-alive connections
KEEP_ALIVE_SECONDS = 5.0
LOG_STARTED = "Builing frontend"  # sic, as the real image prints it
LOG_BUILT = ("build finished", "Server started on port 3000")


@dataclass(frozen=True)
class BuiltApp:
    """What the in-pod build inlined into the bundle."""
    username: str | None
    company: str | None
    hostname: str
    ip: str | None
    built_at: float

    @property
    def bundle_path(self) -> str:
        seed = "|".join([self.hostname, self.ip or "", self.username or "", self.company or ""])
        return f"/static/js/main.{hashlib.sha256(seed.encode()).hexdigest()[:8]}.js"

    def index_html(self) -> bytes:
        return (
            '<!doctype html><html lang="en"><head><meta charset="utf-8"/>'
            '<link rel="icon" href="/favicon.ico"/>'
            '<meta name="viewport" content="width=device-width,initial-scale=1"/>'
            '<meta name="theme-color" content="#000000"/>'
            '<meta name="description" content="Web site created using create-react-app"/>'
            f'<title>React App</title><script defer="defer" src="{self.bundle_path}"></script>'
            '</head><body><noscript>You need to enable JavaScript to run this app.</noscript>'
            '<div id="root"></div></body></html>'
        ).encode()

    def bundle_js(self) -> bytes:
        def literal(value: str | None) -> str:
            return terser_string(value or PLACEHOLDER)

        line = '(0,r.jsxs)("p",{{children:["{}",{}]}})'.format
        body = ",".join([
            '(0,r.jsx)("h1",{children:"Hi there!"})',
            line("Container was started by user: ", literal(self.username)),
            line("Container was started by company: ", literal(self.company)),
            line("Container name is: ", literal(self.hostname)),
            line("Container was started with IP: ", literal(self.ip)),
        ])
        name = self.bundle_path.rsplit("/", 1)[1]
        return (
            f"/*! For license information please see {name}.LICENSE.txt */\n"
            '!function(){"use strict";var r={jsx:function(e,t){var n=document.createElement(e),'
            "o=t.children;return(Array.isArray(o)?o:[o]).forEach(function(e){n.append(e)}),"
            "t.className&&(n.className=t.className),n}};r.jsxs=r.jsx;"
            'var e=document.getElementById("root");'
            f'e.appendChild((0,r.jsxs)("div",{{className:"App",children:[{body}]}}))}}();\n'
            f"//# sourceMappingURL={name}.map"
        ).encode()


# terser lib/output.js make_string: the escapes it writes whatever the options (docs/platform.md §8.1)
_TERSER_ESCAPES = {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t",
                   "\v": "\\v", "\u2028": "\\u2028", "\u2029": "\\u2029", "\ufeff": "\\ufeff"}


def terser_string(value: str) -> str:
    """`value` as a JavaScript literal the way react-scripts 5's Terser writes it (`ascii_only: true`,
    `ecma: 5`): double quotes unless the value holds more of them than single quotes; every character
    outside printable ASCII escaped, astral ones as a surrogate pair (docs/platform.md §8.1)."""
    double, single = value.count('"'), value.count("'")
    quote = "'" if double > single else '"'
    out = []
    for i, char in enumerate(value):
        if char in _TERSER_ESCAPES:
            out.append(_TERSER_ESCAPES[char])
        elif char == "\0":
            out.append("\\x00" if value[i + 1:i + 2].isdigit() else "\\0")
        elif char == quote:
            out.append("\\" + char)
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) > 0xFFFF:
            high, low = divmod(ord(char) - 0x10000, 0x400)
            out.append(f"\\u{0xD800 + high:04x}\\u{0xDC00 + low:04x}")
        elif ord(char) <= 0xFF:
            out.append(f"\\x{ord(char):02x}")
        else:
            out.append(f"\\u{ord(char):04x}")
    return quote + "".join(out) + quote


def container_started_at(pod: dict, container_name: str) -> float | None:
    for status in (pod.get("status") or {}).get("containerStatuses") or []:
        running = (status.get("state") or {}).get("running")
        if status.get("name") == container_name and running and running.get("startedAt"):
            return datetime.fromisoformat(running["startedAt"].replace("Z", "+00:00")).timestamp()
    return None


def build_finished(started_at: float | None, now: float, build_seconds: float, faults) -> bool:
    return started_at is not None and APP_NEVER_LISTENS not in faults and now >= started_at + build_seconds


def log_text(started_at: float | None, now: float, build_seconds: float, faults) -> str:
    if started_at is None:
        return ""
    lines = [LOG_STARTED]
    if build_finished(started_at, now, build_seconds, faults):
        lines += LOG_BUILT
    return "".join(line + "\n" for line in lines)


async def serve_connection(connection: PipeEnd, app: BuiltApp, now: Callable[[], float],
                           idle_seconds: float = KEEP_ALIVE_SECONDS) -> None:
    """HTTP/1.1 with keep-alive over one connection, until the client closes, asks to close,
    or stays idle past the keep-alive timeout."""
    try:
        while True:
            head = await asyncio.wait_for(connection.reader.readuntil(b"\r\n\r\n"), idle_seconds)
            method, target, version, headers = _parse_head(head)
            if length := int(headers.get("content-length", "0") or 0):
                await connection.reader.readexactly(length)
            keep_alive = _keeps_alive(version, headers)
            connection.write(_respond(app, method, target.split("?")[0], keep_alive, now()))
            if not keep_alive:
                break
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        connection.close()


def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    method, target, version = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            key, value = line.split(":", 1)
            headers[key.strip().lower()] = value.strip()
    return method, target, version, headers


def _keeps_alive(version: str, headers: dict[str, str]) -> bool:
    connection = headers.get("connection", "").lower()
    if version == "HTTP/1.0":
        return connection == "keep-alive"
    return connection != "close"


def _respond(app: BuiltApp, method: str, path: str, keep_alive: bool, now: float) -> bytes:
    """Express: express.static for the bundle, then `app.get('*')` sending index.html; other
    methods fall through to Express's default 404 "Cannot METHOD /path"."""
    if method not in ("GET", "HEAD"):
        body = (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
                f"</head>\n<body>\n<pre>Cannot {method} {path}</pre>\n</body>\n</html>\n").encode()
        return _message(404, "Not Found", "text/html; charset=utf-8", body, keep_alive, now, app, method)
    if path == app.bundle_path:
        content_type, body = "application/javascript; charset=UTF-8", app.bundle_js()
    else:
        content_type, body = "text/html; charset=UTF-8", app.index_html()
    return _message(200, "OK", content_type, body, keep_alive, now, app, method)


def _message(code: int, reason: str, content_type: str, body: bytes, keep_alive: bool,
             now: float, app: BuiltApp, method: str) -> bytes:
    headers = [f"HTTP/1.1 {code} {reason}", "X-Powered-By: Express"]
    if code == 200:
        etag = hashlib.md5(body).hexdigest()[:27]
        headers += ["Accept-Ranges: bytes", "Cache-Control: public, max-age=0",
                    f"Last-Modified: {email.utils.formatdate(app.built_at, usegmt=True)}",
                    f'ETag: W/"{len(body):x}-{etag}"']
    headers += [f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                f"Date: {email.utils.formatdate(now, usegmt=True)}"]
    headers += ["Connection: keep-alive", f"Keep-Alive: timeout={int(KEEP_ALIVE_SECONDS)}"] if keep_alive \
        else ["Connection: close"]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + (b"" if method == "HEAD" else body)
