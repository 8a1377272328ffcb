"""The BusyBox applets of node:14-alpine (BusyBox 1.35) that the lab's exercises use, with
their real output formats (mirror/busybox tag 1_35_0: networking/ping.c, nslookup.c, wget.c;
coreutils/date.c, seq.c, ls.c; procps/uptime.c; docs/platform.md §5). Each applet reads the
cluster through the network model and the stub resolver only."""
from __future__ import annotations

import asyncio
import calendar
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from .coredns import NOERROR, RCODE_NAMES
from .network import Network, pod_ip
from .pod_files import ROOT_DIRECTORIES, PodFiles
from .resolver import NameNotFound, ResolvConf, StubResolver, pod_hostname
from .sh import Streams

BANNER = "BusyBox v1.35.0 (2022-11-19 10:13:10 UTC) multi-call binary.\n\n"
# Linux gives up a TCP connect after the SYN retries (net.ipv4.tcp_syn_retries=6): ~127 s
TCP_CONNECT_GIVE_UP_SECONDS = 127.0


class UsageError(Exception):
    pass


@dataclass
class Process:
    """One running applet: the pod it runs in and what it can reach."""
    pod: dict
    env: dict[str, str]
    streams: Streams
    files: PodFiles
    network: Network
    resolver: StubResolver
    resolv_conf: ResolvConf
    time_scale: float
    workdir: str
    clock: Callable[[], float] = time.time

    async def out(self, text: str | bytes) -> None:
        await self.streams.stdout(text.encode() if isinstance(text, str) else text)

    async def err(self, text: str) -> None:
        await self.streams.stderr(text.encode())

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) * self.time_scale)


Applet = Callable[[Process, list[str]], Awaitable[int]]


def getopt(args: list[str], spec: str) -> tuple[dict[str, str | bool], list[str]]:
    """BusyBox getopt32 style: combined short flags, `x:` takes an argument, `--` ends options."""
    options: dict[str, str | bool] = {}
    index = 0
    while index < len(args) and args[index].startswith("-") and args[index] != "-":
        arg = args[index]
        index += 1
        if arg == "--":
            break
        position = 1
        while position < len(arg):
            flag = arg[position]
            at = spec.find(flag)
            if at < 0 or flag == ":":
                raise UsageError(f"unrecognized option: {flag}")
            if spec[at + 1:at + 2] == ":":
                value = arg[position + 1:]
                if not value:
                    if index >= len(args):
                        raise UsageError(f"option requires an argument: {flag}")
                    value, index = args[index], index + 1
                options[flag] = value
                break
            options[flag] = True
            position += 1
    return options, args[index:]


def _number(value: str | bool | None, default: float) -> float:
    try:
        return float(value) if isinstance(value, str) else default
    except ValueError:
        raise UsageError(f"invalid number '{value}'") from None


# ---------------------------------------------------------------- ping

async def ping(process: Process, argv: list[str]) -> int:
    """ping.c (FEATURE_FANCY_PING): 1 s between echoes; after the last one, wait -W seconds
    (default 10) when nothing came back, else about two round trips; -w ends at a deadline.
    exit(nrecv == 0 || (deadline && nrecv < pingcount))."""
    options, hosts = getopt(argv[1:], "qvAc:s:t:w:W:I:np:i:46")
    if len(hosts) != 1:
        raise UsageError("")
    host, count = hosts[0], int(_number(options.get("c"), 0))
    deadline, wait = _number(options.get("w"), 0), _number(options.get("W"), 10)
    size = int(_number(options.get("s"), 56))
    try:
        address = await process.resolver.getaddrinfo(process.pod, host, process.resolv_conf)
    except NameNotFound:
        await process.err(f"ping: bad address '{host}'\n")
        return 1
    await process.out(f"PING {host} ({address}): {size} data bytes\n")
    loop = asyncio.get_running_loop()
    started, sent, times = loop.time(), 0, []

    def elapsed() -> float:
        return (loop.time() - started) / process.time_scale

    while True:
        if deadline and elapsed() >= deadline:
            break
        ttl = process.network.ping_ttl(process.pod, address)
        sent += 1
        if ttl is not None:
            times.append(_round_trip_us(ttl))
            if not options.get("q"):
                t = times[-1]
                await process.out(f"{size + 8} bytes from {address}: seq={sent - 1} ttl={ttl} "
                                  f"time={t // 1000}.{t % 1000:03d} ms\n")
        if count and sent >= count:
            if len(times) < count:
                linger = wait if not times else 1.0
                await process.sleep(min(linger, deadline - elapsed()) if deadline else linger)
            break
        pause = 1.0 if not deadline else max(0.0, min(1.0, deadline - elapsed()))
        await process.sleep(pause)
    await process.out(_ping_statistics(host, sent, times))
    return int(not times or bool(deadline and count and len(times) < count))


def _round_trip_us(ttl: int) -> int:
    """Microseconds: a veth hop is ~50 us, an IPIP crossing between nodes ~0.3 ms."""
    base = {64: 40, 63: 80, 62: 350}.get(ttl, 200)
    return base + random.randint(0, base)


def _ping_statistics(host: str, sent: int, times: list[int]) -> str:
    received = len(times)
    loss = (sent - received) * 100 // sent if sent else 0
    text = (f"\n--- {host} ping statistics ---\n"
            f"{sent} packets transmitted, {received} packets received, {loss}% packet loss\n")
    if times:
        low, avg, high = min(times), sum(times) // received, max(times)
        shown = "/".join(f"{t // 1000}.{t % 1000:03d}" for t in (low, avg, high))
        text += f"round-trip min/avg/max = {shown} ms\n"
    return text


# ---------------------------------------------------------------- nslookup

_QTYPES = {"a": "A", "aaaa": "AAAA", "ptr": "PTR"}


async def nslookup(process: Process, argv: list[str]) -> int:
    """nslookup.c (the 1.28+ resolver): A and AAAA queries, search domains only for a name
    without dots, PTR for an address; a header on the first reply; rcode != NOERROR prints
    "** server can't find" and makes the exit status 1."""
    args, types = argv[1:], []
    while args and args[0].startswith("-"):
        option, _, value = args.pop(0)[1:].partition("=")
        if option in ("type", "querytype", "q", "query", "ty"):
            if value.lower() not in _QTYPES:
                await process.err(f'nslookup: invalid query type "{value}"\n')
                return 1
            types.append(_QTYPES[value.lower()])
    if not args or len(args) > 2:
        raise UsageError("")
    name = args[0]
    servers = [args[1]] if len(args) == 2 else process.resolv_conf.nameservers or ["127.0.0.1"]
    queries = _nslookup_queries(name, types, process.resolv_conf.search)
    for server in servers:
        answers = [await process.resolver.exchange(process.pod, server, q, t) for q, t in queries]
        if all(a is None for a in answers):
            continue
        await process.out(f"Server:\t\t{server}\nAddress:\t{server}:53\n\n")
        status = 0
        for (qname, qtype), answer in zip(queries, answers, strict=False):
            if answer is None:
                continue
            if answer.rcode != NOERROR:
                await process.out(f"** server can't find {qname}: {RCODE_NAMES[answer.rcode]}\n\n")
                status = 1
                continue
            for owner, value in answer.records:
                line = f"{owner}\tname = {value}\n" if qtype == "PTR" else f"Name:\t{owner}\nAddress: {value}\n"
                await process.out(line)
            await process.out("\n")
        return status
    await process.out(";; connection timed out; no servers could be reached\n\n")
    return 1


def _nslookup_queries(name: str, types: list[str], search: list[str]) -> list[tuple[str, str]]:
    if not types:
        octets = name.split(".")
        if len(octets) == 4 and all(o.isdigit() and int(o) < 256 for o in octets):
            return [(".".join(reversed(octets)) + ".in-addr.arpa", "PTR")]
        types = ["A", "AAAA"]
    queries = []
    for qtype in types:
        names = [name] if qtype == "PTR" or not search or "." in name else [f"{name}.{d}" for d in search]
        queries += [(n, qtype) for n in names]
    return queries


# ---------------------------------------------------------------- wget

_URL = re.compile(r"^(?:(https?)://)?([^/:]+)(?::(\d+))?(/.*)?$")


async def wget(process: Process, argv: list[str]) -> int:
    """wget.c: GET with "Connection: close"; errors as `wget: can't connect to remote host
    (IP): Connection refused`, `wget: bad address 'HOST'`, `wget: server returned error: ...`."""
    options, urls = getopt(argv[1:], "cqSsO:o:P:Y:U:T:t:")
    if len(urls) != 1:
        raise UsageError("")
    match = _URL.match(urls[0])
    if not match:
        await process.err(f"wget: not an http or ftp url: {urls[0]}\n")
        return 1
    scheme, host, port_text, path = match.groups()
    port = int(port_text) if port_text else 443 if scheme == "https" else 80
    path = path or "/"
    timeout = _number(options.get("T"), 900)
    quiet = bool(options.get("q"))
    try:
        address = await process.resolver.getaddrinfo(process.pod, host, process.resolv_conf)
    except NameNotFound:
        await process.err(f"wget: bad address '{host}'\n")
        return 1
    shown_host = f"{host}:{port_text}" if port_text else host
    if not quiet:
        await process.err(f"Connecting to {shown_host} ({address}:{port})\n")
    try:
        connection = await process.network.connect(process.pod, address, port)
    except ConnectionRefusedError:
        await process.err(f"wget: can't connect to remote host ({address}): Connection refused\n")
        return 1
    except TimeoutError:
        if "T" in options:
            await process.sleep(min(timeout, TCP_CONNECT_GIVE_UP_SECONDS))
            await process.err("wget: download timed out\n")
        else:
            await process.sleep(TCP_CONNECT_GIVE_UP_SECONDS)
            await process.err(f"wget: can't connect to remote host ({address}): Connection timed out\n")
        return 1
    connection.write((f"GET {path} HTTP/1.1\r\nHost: {shown_host}\r\nUser-Agent: Wget\r\n"
                      "Connection: close\r\n\r\n").encode())
    try:
        response = await asyncio.wait_for(connection.reader.read(-1), timeout * process.time_scale)
    except asyncio.TimeoutError:
        await process.err("wget: download timed out\n")
        return 1
    finally:
        connection.close()
    return await _save_response(process, response, options, path)


async def _save_response(process: Process, response: bytes, options: dict, path: str) -> int:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if options.get("S"):
        await process.err("".join(f"  {line}\n" for line in lines))
    status = lines[0].split(" ")
    if len(status) < 2 or not status[1].isdigit():
        await process.err("wget: bad header line\n" if lines[0] else "wget: error getting response\n")
        return 1
    if not 200 <= int(status[1]) < 300:
        await process.err(f"wget: server returned error: {lines[0]}\n")
        return 1
    if options.get("s"):
        if not options.get("q"):
            await process.err("remote file exists\n")
        return 0
    target = str(options.get("O") or (path.rstrip("/").rsplit("/", 1)[-1] or "index.html"))
    quiet = bool(options.get("q"))
    if not quiet:
        await process.err("writing to stdout\n" if target == "-" else f"saving to '{target}'\n")
    if target == "-":
        await process.out(body)
    else:
        process.files.write(target, body, append=False)
    if not quiet:
        shown = "-" if target == "-" else target
        await process.err(f"{shown:<20} 100% |{'*' * 32}| {len(body):>5}  0:00:00 ETA\n")
        await process.err("written to stdout\n" if target == "-" else f"'{target}' saved\n")
    return 0


# ---------------------------------------------------------------- small applets

async def hostname(process: Process, argv: list[str]) -> int:
    await process.out(pod_hostname(process.pod) + "\n")
    return 0


async def env(process: Process, argv: list[str]) -> int:
    await process.out("".join(f"{k}={v}\n" for k, v in process.env.items()))
    return 0


async def printenv(process: Process, argv: list[str]) -> int:
    if len(argv) == 1:
        return await env(process, argv)
    missing = 0
    for name in argv[1:]:
        if name in process.env:
            await process.out(process.env[name] + "\n")
        else:
            missing = 1
    return missing


async def cat(process: Process, argv: list[str]) -> int:
    status = 0
    for name in argv[1:] or ["-"]:
        content = await process.streams.stdin.read() if name == "-" else process.files.read(name)
        if content is None:
            await process.err(f"cat: can't open '{name}': No such file or directory\n")
            status = 1
        else:
            await process.out(content)
    return status


async def echo(process: Process, argv: list[str]) -> int:
    args = argv[1:]
    newline = not (args and args[0] == "-n")
    await process.out(" ".join(args[0 if newline else 1:]) + ("\n" if newline else ""))
    return 0


async def true(process: Process, argv: list[str]) -> int:
    return 0


async def false(process: Process, argv: list[str]) -> int:
    return 1


async def sleep(process: Process, argv: list[str]) -> int:
    if len(argv) < 2:
        raise UsageError("")
    await process.sleep(sum(_duration(arg) for arg in argv[1:]))
    return 0


def _duration(text: str) -> float:
    unit = {"s": 1, "m": 60, "h": 3600, "d": 86400}.get(text[-1:], None)
    return _number(text[:-1] if unit else text, 0) * (unit or 1)


async def pwd(process: Process, argv: list[str]) -> int:
    await process.out(process.workdir + "\n")
    return 0


async def whoami(process: Process, argv: list[str]) -> int:
    await process.out("root\n")
    return 0


async def ip(process: Process, argv: list[str]) -> int:
    """`ip addr`: Calico gives the pod eth0 a /32 on a veth with the IPIP MTU (1480)."""
    if argv[1:2] not in (["a"], ["addr"], ["address"]):
        raise UsageError("")
    await process.out(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n"
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n"
        "    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n"
        "2: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN qlen 1000\n"
        "    link/ipip 0.0.0.0 brd 0.0.0.0\n"
        "4: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1480 qdisc noqueue state UP\n"
        "    link/ether 6a:2e:5d:1c:8f:01 brd ff:ff:ff:ff:ff:ff\n"
        f"    inet {pod_ip(process.pod)}/32 scope global eth0\n       valid_lft forever preferred_lft forever\n")
    return 0


async def grep(process: Process, argv: list[str]) -> int:
    options, operands = getopt(argv[1:], "vicqE")
    if not operands:
        raise UsageError("")
    pattern = re.compile(operands[0], re.IGNORECASE if options.get("i") else 0)
    text = (await process.streams.stdin.read() if len(operands) < 2
            else process.files.read(operands[1]) or b"").decode(errors="replace")
    lines = [line for line in text.splitlines() if bool(pattern.search(line)) != bool(options.get("v"))]
    if options.get("c"):
        await process.out(f"{len(lines)}\n")
    elif not options.get("q"):
        await process.out("".join(line + "\n" for line in lines))
    return 0 if lines else 1


async def head(process: Process, argv: list[str]) -> int:
    return await _slice_lines(process, argv, lambda lines, n: lines[:n])


async def tail(process: Process, argv: list[str]) -> int:
    return await _slice_lines(process, argv, lambda lines, n: lines[-n:] if n else [])


async def _slice_lines(process: Process, argv: list[str], take: Callable[[list[str], int], list[str]]) -> int:
    args = [f"-n{a[1:]}" if re.fullmatch(r"-\d+", a) else a for a in argv[1:]]
    options, operands = getopt(args, "n:")
    count = int(_number(options.get("n"), 10))
    data = await process.streams.stdin.read() if not operands else process.files.read(operands[0]) or b""
    await process.out("".join(line + "\n" for line in take(data.decode(errors="replace").splitlines(), count)))
    return 0


async def wc(process: Process, argv: list[str]) -> int:
    options, _ = getopt(argv[1:], "lwc")
    data = await process.streams.stdin.read()
    counts = {"l": data.count(b"\n"), "w": len(data.split()), "c": len(data)}
    chosen = [k for k in "lwc" if options.get(k)] or list("lwc")
    await process.out(" ".join(f"{counts[k]:>9}" if len(chosen) > 1 else str(counts[k]) for k in chosen) + "\n")
    return 0


async def date(process: Process, argv: list[str]) -> int:
    """date.c: the default format is "%a %b %e %H:%M:%S %Z %Y"; `+FMT` is strftime; the pod's TZ is UTC."""
    options, operands = getopt(argv[1:], "uR")
    fmt = "%a, %d %b %Y %H:%M:%S +0000" if options.get("R") else "%a %b %e %H:%M:%S UTC %Y"
    if operands and operands[0].startswith("+"):
        fmt = operands[0][1:].replace("%Z", "UTC").replace("%z", "+0000")
    elif operands:
        await process.err(f"date: invalid date '{operands[0]}'\n")
        return 1
    await process.out(time.strftime(fmt, time.gmtime(process.clock())) + "\n")
    return 0


async def uptime(process: Process, argv: list[str]) -> int:
    """uptime.c: " HH:MM:SS up [D day(s), ]H:MM|M min,  load average: a, b, c" (the kernel's uptime:
    here, since the pod's start, as the emulated nodes keep no boot time)."""
    now = process.clock()
    started = _timestamp((process.pod.get("status") or {}).get("startTime")) or now
    up = int(max(0.0, now - started))
    days, minutes = up // 86400, up // 60 % 1440
    text = time.strftime(" %H:%M:%S up ", time.gmtime(now))
    if days:
        text += f"{days} day{'s' if days != 1 else ''}, "
    text += f"{minutes // 60:2}:{minutes % 60:02}, " if minutes >= 60 else f"{minutes} min, "
    await process.out(text + " load average: 0.42, 0.35, 0.30\n")
    return 0


def _timestamp(text: str | None) -> float | None:
    if not text:
        return None
    return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))


async def seq(process: Process, argv: list[str]) -> int:
    """seq.c: `seq [-w] [-s SEP] [FIRST [INC]] LAST`, one number per line by default."""
    options, operands = getopt(argv[1:], "ws:")
    if not 1 <= len(operands) <= 3:
        raise UsageError("")
    try:
        numbers = [float(o) for o in operands]
    except ValueError:
        await process.err(f"seq: invalid number '{next(o for o in operands if not _is_number(o))}'\n")
        return 1
    first, step, last = (1.0, 1.0, numbers[0]) if len(numbers) == 1 else \
        (numbers[0], 1.0, numbers[1]) if len(numbers) == 2 else tuple(numbers)
    values, value = [], first
    while step and (value <= last if step > 0 else value >= last) and len(values) < 1_000_000:
        values.append(value)
        value = first + step * len(values)
    shown = [f"{v:g}" if v != int(v) else str(int(v)) for v in values]
    if options.get("w") and shown:
        width = max(len(s) for s in shown)
        shown = [s.zfill(width) for s in shown]
    separator = str(options.get("s", "\n"))
    await process.out(separator.join(shown) + "\n" if shown else "")
    return 0


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True




async def ls(process: Process, argv: list[str]) -> int:
    """ls.c without a terminal: one name per line, sorted. The emulated filesystem knows only
    the root's directories, /etc's mounted files and what commands wrote."""
    _, operands = getopt(argv[1:], "1alhtrSAdF")
    status = 0
    for operand in operands or ["."]:
        path = process.files.path(operand)
        names = process.files.listing(path, ROOT_DIRECTORIES if path == "/" else ())
        if names is None:
            await process.err(f"ls: {operand}: No such file or directory\n")
            status = 1
        else:
            await process.out("".join(name + "\n" for name in names))
    return status


APPLETS: dict[str, Applet] = {
    "date": date, "uptime": uptime, "seq": seq, "ls": ls,
    "ping": ping, "nslookup": nslookup, "wget": wget, "hostname": hostname, "env": env,
    "printenv": printenv, "cat": cat, "echo": echo, "true": true, "false": false, "sleep": sleep,
    "pwd": pwd, "whoami": whoami, "ip": ip, "grep": grep, "head": head, "tail": tail, "wc": wc,
}
"""Applets this emulation implements (the real BusyBox has more: traceroute, ps, ...)."""

# calico/node (UBI + bash) has coreutils but none of the BusyBox network tools
COREUTILS = frozenset({"hostname", "env", "printenv", "cat", "echo", "true", "false", "sleep", "pwd", "whoami",
                       "grep", "head", "tail", "wc", "date", "uptime", "seq", "ls"})


async def run_applet(process: Process, argv: list[str]) -> int:
    name = argv[0].rsplit("/", 1)[-1]
    try:
        return await APPLETS[name](process, [name] + argv[1:])
    except UsageError as error:
        message = f"{name}: {error}\n" if str(error) else ""
        await process.err(f"{message}{BANNER}Usage: {name} [OPTIONS] ...\n")
        return 1
