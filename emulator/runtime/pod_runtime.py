"""The pod runtime hook the API server calls for pods' exec, portforward and log subresources.

    runtime = PodRuntime(view)                       # view: a ClusterView
    await runtime.exec(request, pod)        -> web.StreamResponse
    await runtime.portforward(request, pod) -> web.StreamResponse
    await runtime.attach(request, pod)      -> web.StreamResponse (the container's own process)
    runtime.run_main(pod, container, log)   -> awaitable exit code (the kubelet starts a container's command)
    runtime.logs(pod, container)            -> str

The container runtime imitated is minikube's default, Docker through cri-dockerd: an exec of a
missing binary prints the OCI error and exits 126 (moby daemon/exec.go), a refused
port-forward is socat's error (cri-dockerd core/streaming: nsenter + socat; the streaming
server names the pod by its sandbox ID with an empty uid).
"""
from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone

from aiohttp import web

from ..base.faults import NO_PING, PORTFORWARD_REFUSED, STREAM_STALL
from ..base.images import Image, image_for
from . import react_app, spdy_portforward
from .busybox import APPLETS, COREUTILS, Process, run_applet
from .channels import (
    ExecOptions,
    ExecSession,
    ProtocolRejected,
    parse_ports,
    serve_portforward,
    stall_portforward,
)
from .cluster_view import ClusterView
from .container_env import container_env
from .coredns import CoreDNS
from .network import Network, Server
from .pod_files import PodFiles
from .resolver import StubResolver, hosts_file, pod_hostname, resolv_conf
from .sh import Shell, Streams
from .streams import PipeEnd

SHELLS = {"busybox": {"sh", "ash"}, "bash": {"sh", "bash"}}
NOT_FOUND = {"busybox": "sh: {}: not found\n", "bash": "sh: line 1: {}: command not found\n"}
PATH_DIRS = ("/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin")
KILLED = 137


class PodRuntime:
    def __init__(self, view: ClusterView, *, build_seconds: float = 2.0, time_scale: float = 1.0,
                 exec_limit_seconds: float = 300.0):
        """build_seconds: the app's in-pod build, on the view's clock, from its container's start.
        time_scale: multiplies every duration a command waits (ping intervals, DNS timeouts,
        sleep, keep-alive). exec_limit_seconds: an exec still running then is killed (137)."""
        self._view = view
        self._build_seconds = build_seconds
        self._time_scale = time_scale
        self._exec_limit = exec_limit_seconds
        self._network = Network(view, self._listener)
        self._resolver = StubResolver(self._network, CoreDNS(view), time_scale)
        self._written: dict[tuple[str, str], dict[str, bytes]] = {}
        self._builds: dict[tuple[str, str, float], react_app.BuiltApp] = {}
        self._mains: dict[tuple[str, str], _MainProcess] = {}

    # ------------------------------------------------------------ hook: exec

    async def exec(self, request: web.Request, pod: dict) -> web.StreamResponse:
        try:
            options = ExecOptions.from_query(request.query)
            container = _running_container(pod, options.container)
            session = await ExecSession.open(request, options)
        except ProtocolRejected as rejected:
            return rejected.response()
        if STREAM_STALL in self._view.faults:
            return await session.stall()
        command = asyncio.ensure_future(self._run(session, pod, container))
        gone = asyncio.ensure_future(session.client_gone.wait())
        done, _ = await asyncio.wait({command, gone}, timeout=self._exec_limit * self._time_scale,
                                     return_when=asyncio.FIRST_COMPLETED)
        gone.cancel()
        if command not in done:
            command.cancel()
            return await session.finish(KILLED)
        return await session.finish(command.result())

    async def _run(self, session: ExecSession, pod: dict, container: dict) -> int:
        image = image_for(container.get("image", ""))
        argv = session.options.command
        streams = Streams(session.stdin, session.write_stdout, session.write_stderr)
        if not self._executable(image, argv[0]):
            # moby api/server/router/container/exec.go writes the start error to the stream
            await session.write_stdout(_oci_not_found(argv[0]).encode())
            return 126
        return await self._start(pod, container, image, argv, streams)

    # ------------------------------------------------------------ hook: a container's own process

    def run_main(self, pod: dict, container: dict, write_line: Callable[[str], None]) -> Awaitable[int]:
        """The container's command and args (its PID 1): stdin only with spec `stdin` (through attach),
        stdout and stderr line by line into the container log (the kubelet's json-file log). It is
        attachable from the moment the kubelet starts it, before the status says running."""
        key = (pod["metadata"].get("uid", pod["metadata"]["name"]), container["name"])
        main = self._mains[key] = _MainProcess(bool(container.get("stdin")), bool(container.get("stdinOnce")))
        return self._run_main(pod, container, write_line, key, main)

    async def _run_main(self, pod: dict, container: dict, write_line: Callable[[str], None],
                        key: tuple[str, str], main: "_MainProcess") -> int:
        image = image_for(container.get("image", ""))
        argv = list(container.get("command") or []) + list(container.get("args") or [])
        pending = bytearray()

        async def write(data: bytes) -> None:
            for listener in list(main.listeners):
                await listener(data)
            pending.extend(data)
            *lines, rest = bytes(pending).split(b"\n")
            pending[:] = rest
            for line in lines:
                write_line(line.decode(errors="replace"))
        try:
            if not self._executable(image, argv[0]):
                # runc's start error; the kubelet reports it as exit code 128 (moby: the process never ran)
                await write(_oci_not_found(argv[0]).encode())
                return 128
            return await self._start(pod, container, image, argv, Streams(main.stdin, write, write))
        finally:
            main.done.set()
            if self._mains.get(key) is main:
                del self._mains[key]
            if pending:
                write_line(pending.decode(errors="replace"))

    # ------------------------------------------------------------ hook: attach

    async def attach(self, request: web.Request, pod: dict) -> web.StreamResponse:
        """kubelet cri/streaming/remotecommand/attach.go ServeAttach: the exec channels joined to the
        container's own process (its output from now on, stdin if spec stdin), ending when the process
        ends or the client leaves, with a Success status (kubectl reads the exit code from the pod)."""
        try:
            options = ExecOptions.from_query(request.query, attach=True)
            container = _running_container(pod, options.container)
            session = await ExecSession.open(request, options)
        except ProtocolRejected as rejected:
            return rejected.response()
        main = self._mains.get((pod["metadata"].get("uid", pod["metadata"]["name"]), container["name"]))
        if main is None:
            # the lab app's process is not emulated: attach stays until the client leaves; any other
            # container's process has already ended
            if image_for(container.get("image", "")).runs_lab_app:
                await session.client_gone.wait()
            return await session.finish(0)
        main.listeners.add(session.write_stdout)
        feed = asyncio.ensure_future(main.feed_from(session.stdin))
        ended = asyncio.ensure_future(main.done.wait())
        gone = asyncio.ensure_future(session.client_gone.wait())
        await asyncio.wait({ended, gone}, return_when=asyncio.FIRST_COMPLETED)
        main.listeners.discard(session.write_stdout)
        for task in (feed, ended, gone):
            task.cancel()
        return await session.finish(0)

    async def _start(self, pod: dict, container: dict, image: Image, argv: list[str], streams: Streams) -> int:
        env = self._process_env(pod, container, image)
        files = self._files(pod, container, image)

        async def run(command: list[str], command_streams: Streams) -> int:
            name = command[0].rsplit("/", 1)[-1]
            if not self._executable(image, command[0]):
                await command_streams.stderr(NOT_FOUND[image.shell].format(command[0]).encode())
                return 127
            if name in SHELLS[image.shell]:
                return await self._shell(command, command_streams, env, files, run)
            process = Process(pod, env, command_streams, files, self._network, self._resolver,
                              resolv_conf(pod, self._view.nodes()), self._time_scale, image.workdir,
                              self._view.now)
            return await run_applet(process, command)

        return await run(argv, streams)

    async def _shell(self, argv: list[str], streams: Streams, env: dict[str, str], files: PodFiles, run) -> int:
        if len(argv) > 1 and argv[1] == "-c":
            script = argv[2] if len(argv) > 2 else ""
        else:
            script = (await streams.stdin.read()).decode(errors="replace")
        shell = Shell(env, run, files.read, files.write)
        return await shell.run_script(script, streams)

    def _executable(self, image: Image, command: str) -> bool:
        name = command.rsplit("/", 1)[-1]
        if "/" in command and command.rsplit("/", 1)[0] not in PATH_DIRS:
            return False
        if image.shell is None:
            return False
        if name in SHELLS[image.shell]:
            return True
        tools = set(APPLETS) if image.shell == "busybox" else set(COREUTILS)
        if NO_PING in self._view.faults:
            tools.discard("ping")
        return name in tools

    def _process_env(self, pod: dict, container: dict, image: Image) -> dict[str, str]:
        env = {"PATH": image.env.get("PATH", ""), "HOSTNAME": pod_hostname(pod)}
        env.update(container_env(pod, container, self._view))
        env.update({k: v for k, v in image.env.items() if k not in env})
        env.setdefault("HOME", "/root")
        return env

    def _files(self, pod: dict, container: dict, image: Image) -> PodFiles:
        key = (pod["metadata"].get("uid", pod["metadata"]["name"]), container["name"])

        def mounted() -> dict[str, bytes]:
            return {"/etc/resolv.conf": resolv_conf(pod, self._view.nodes()).text().encode(),
                    "/etc/hosts": hosts_file(pod).encode(),
                    "/etc/hostname": (pod_hostname(pod) + "\n").encode()}
        return PodFiles(image.workdir, mounted, self._written.setdefault(key, {}))

    # ------------------------------------------------------------ hook: portforward

    async def portforward(self, request: web.Request, pod: dict) -> web.StreamResponse:
        """kubectl's SPDY (tunnelled in a websocket, or a raw upgrade) or the v4 websocket channels."""
        stall = STREAM_STALL in self._view.faults
        try:
            _require_host(pod)
            if spdy_portforward.is_tunnel_request(request):
                return await spdy_portforward.serve_tunnelled(request, self._connector(pod), stall=stall)
            if not spdy_portforward.is_websocket(request):
                return await spdy_portforward.serve_upgraded(request, self._connector(pod), stall=stall)
            ports = parse_ports(request.query)
        except ProtocolRejected as rejected:
            return rejected.response()
        if stall:
            return await stall_portforward(request, ports)
        return await serve_portforward(request, ports, self._connector(pod))

    def _connector(self, pod: dict) -> Callable[[int], Awaitable[PipeEnd]]:
        """The kubelet's connection to a port in the pod's network namespace."""
        async def connect(port: int) -> PipeEnd:
            if PORTFORWARD_REFUSED not in self._view.faults:
                try:
                    return await self._network.connect_local(pod, port)
                except ConnectionRefusedError:
                    pass
            raise ConnectionRefusedError(self._refusal(pod, port))

        return connect

    def _refusal(self, pod: dict, port: int) -> str:
        """portforward.go "error forwarding port %d to pod %s, uid %v: %v", with cri-dockerd's
        socat failure as the cause."""
        sandbox = hashlib.sha256(pod["metadata"].get("uid", pod["metadata"]["name"]).encode()).hexdigest()
        stamp = datetime.fromtimestamp(self._view.now(), timezone.utc).strftime("%Y/%m/%d %H:%M:%S")
        pid = int(sandbox[:4], 16) % 30000 + 1000
        return (f"error forwarding port {port} to pod {sandbox}, uid : exit status 1: "
                f"{stamp} socat[{pid}] E connect(5, AF=2 127.0.0.1:{port}, 16): Connection refused\n")

    # ------------------------------------------------------------ hook: logs

    def logs(self, pod: dict, container: str | None) -> str:
        chosen = _container(pod, container)
        if chosen is None or not image_for(chosen.get("image", "")).runs_lab_app:
            return ""
        started = react_app.container_started_at(pod, chosen["name"])
        return react_app.log_text(started, self._view.now(), self._build_seconds, self._view.faults)

    # ------------------------------------------------------------ what listens

    def _listener(self, pod: dict, port: int) -> Server | None:
        """Only the lab app listens, on 3000, once its in-pod build has finished."""
        if port != react_app.PORT:
            return None
        for container in pod["spec"].get("containers") or []:
            if not image_for(container.get("image", "")).runs_lab_app:
                continue
            started = react_app.container_started_at(pod, container["name"])
            if react_app.build_finished(started, self._view.now(), self._build_seconds, self._view.faults):
                return self._app_server(self._built_app(pod, container, started))
        return None

    def _app_server(self, app: react_app.BuiltApp) -> Server:
        idle = react_app.KEEP_ALIVE_SECONDS * self._time_scale

        async def serve(connection: PipeEnd) -> None:
            await react_app.serve_connection(connection, app, self._view.now, idle)
        return serve

    def _built_app(self, pod: dict, container: dict, started: float) -> react_app.BuiltApp:
        """The values are inlined once, by the build that followed this container's start."""
        key = (pod["metadata"].get("uid", pod["metadata"]["name"]), container["name"], started)
        if key not in self._builds:
            env = container_env(pod, container, self._view)
            self._builds[key] = react_app.BuiltApp(
                username=env.get("REACT_APP_USERNAME") or None, company=env.get("REACT_APP_COMPANY_NAME") or None,
                hostname=pod_hostname(pod), ip=(pod.get("status") or {}).get("podIP"),
                built_at=started + self._build_seconds)
        return self._builds[key]


class _MainProcess:
    """A container's own process as attach sees it: its stdin (open only with spec `stdin`; closed
    after the first attach ends with `stdinOnce`), who listens to its output, and whether it ended."""

    def __init__(self, stdin: bool, stdin_once: bool):
        self.stdin = asyncio.StreamReader()
        if not stdin:
            self.stdin.feed_eof()
        self.stdin_once = stdin_once
        self.listeners: set[Callable[[bytes], Awaitable[None]]] = set()
        self.done = asyncio.Event()

    async def feed_from(self, client: asyncio.StreamReader) -> None:
        while data := await client.read(65536):
            if not self.stdin.at_eof():
                self.stdin.feed_data(data)
        if self.stdin_once and not self.stdin.at_eof():
            self.stdin.feed_eof()


def _container(pod: dict, name: str | None) -> dict | None:
    containers = pod["spec"].get("containers") or []
    if name is None:
        return containers[0] if len(containers) == 1 else None
    return next((c for c in containers if c["name"] == name), None)


def _require_host(pod: dict) -> None:
    if not pod["spec"].get("nodeName"):
        raise ProtocolRejected(400, "BadRequest", f"pod {pod['metadata']['name']} does not have a host assigned")


def _running_container(pod: dict, name: str | None) -> dict:
    """apiserver registry/core/pod/strategy.go ExecLocation, then the kubelet's lookup."""
    names = [c["name"] for c in pod["spec"].get("containers") or []]
    pod_name = pod["metadata"]["name"]
    if name is None and len(names) != 1:
        raise ProtocolRejected(400, "BadRequest", f"a container name must be specified for pod {pod_name}, "
                                                  f"choose one of: [{' '.join(names)}]")
    container = _container(pod, name)
    if container is None:
        raise ProtocolRejected(400, "BadRequest", f"container {name} is not valid for pod {pod_name}")
    _require_host(pod)
    if react_app.container_started_at(pod, container["name"]) is None:
        raise ProtocolRejected(404, "NotFound", f'container not found ("{container["name"]}")')
    return container


def _oci_not_found(command: str) -> str:
    """runc's message through dockerd (trailing \\r\\n as moby writes it)."""
    if "/" in command:
        cause = f"exec: \"{command}\": stat {command}: no such file or directory"
    else:
        cause = f"exec: \"{command}\": executable file not found in $PATH"
    return f"OCI runtime exec failed: exec failed: unable to start container process: {cause}: unknown\r\n"
