"""An emulated `minikube start -p lab4 --cni=calico --nodes=2` cluster, served on 127.0.0.1.

    from emulator import EmulatedCluster, Timeline
    with EmulatedCluster(faults=("api-slow",), timeline=Timeline(scale=0.1)) as cluster:
        cluster.write_kubeconfig(path)          # current-context lab4 reaches the emulator
        cluster.url                             # http://127.0.0.1:<port>
        cluster.requests.writes()               # journal of API requests (emulator.apiserver.journal)
        cluster.milestones                      # {"calico-node-ready": 1.5, ...}
        cluster.call(fn, *args)                 # run fn(*args) on the server loop (store access)

`cluster.store` (emulator.apiserver.store.Store), `cluster.logs` (emulator.kubelet.logs.LogBook) and
`cluster.pod_streams` (exec/port-forward hook, see emulator.apiserver.server.PodStreams) are the extension
points for controllers, the pod runtime and the stream protocols. The store must only be touched
on the server loop: from another thread use `call`.
"""
from __future__ import annotations

import asyncio
import random
import secrets
import socket
import threading
import time
import urllib.request
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from aiohttp import web

from . import seed
from .apiserver import middleware
from .apiserver.journal import Journal
from .apiserver.server import Handlers, PodStreams
from .apiserver.store import Store
from .apiserver.store_view import StoreView
from .base import faults as fault_catalogue
from .base.cluster import CALICO_VERSION, MINIKUBE_VERSION, PROFILE, Milestones, Timeline, node_specs
from .base.faults import Flakiness, UnknownFault
from .base.ids import Ids
from .controllers.lifecycle import Lifecycle
from .controllers.manager import ControllerManager
from .kubelet.container_logs import ContainerLogs
from .kubelet.logs import LogBook
from .runtime.pod_runtime import PodRuntime

__all__ = ["EmulatedCluster", "Timeline", "UnknownFault", "PodStreams"]

START_TIMEOUT = 10.0


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never via an HTTP proxy


class EmulatedCluster:
    def __init__(self, faults: Iterable[str] = (), timeline: Timeline | None = None, *,
                 seed: int | None = None, port: int = 0, flaky_seed: int = 4, started: float | None = None) -> None:
        """started: the time.monotonic() instant the milestones count from (default: now)."""
        self.faults = fault_catalogue.parse(faults)
        self.timeline = timeline or Timeline()
        self.milestones_record = Milestones() if started is None else Milestones(started=started)
        self.requests = Journal()
        self.logs = LogBook()
        self.container_logs = ContainerLogs(self.logs)
        self.pod_streams: PodStreams | None = None
        # kubectl sends no credentials over plain http (clientcmd: auth only when the transport is TLS),
        # so the token is written for fidelity of the kubeconfig and never checked.
        self.token = secrets.token_hex(24)
        self.build_date = "2026-02-10T12:01:03Z"
        self.server_address = f"{node_specs(self.faults)[0].ip}:8443"
        self.store: Store | None = None
        self._rng = random.Random(seed)
        self._flakiness = Flakiness(flaky_seed)
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._lifecycle: Lifecycle | None = None
        self._controllers: ControllerManager | None = None
        self.closing: asyncio.Event | None = None

    # --- public -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def milestones(self) -> dict[str, float]:
        return dict(self.milestones_record.reached)

    def start(self) -> "EmulatedCluster":
        started: Future[None] = Future()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="emulator", daemon=True)
        self._thread.start()
        started.result(timeout=START_TIMEOUT)
        self._wait_until_answering()
        return self

    def stop(self) -> None:
        if self._loop is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=START_TIMEOUT)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=START_TIMEOUT)
        self._loop = self._thread = None

    def __enter__(self) -> "EmulatedCluster":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float = 10.0) -> Any:
        """Run fn(*args) on the server loop and return its result (awaited if a coroutine)."""
        async def run() -> Any:
            result = fn(*args)
            return await result if asyncio.iscoroutine(result) else result
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=timeout)

    def describe(self) -> str:
        nodes = len(node_specs(self.faults))
        cni = "kindnet" if fault_catalogue.NO_CALICO in self.faults else f"Calico {CALICO_VERSION}"
        return f"{PROFILE} ({nodes} node{'s' if nodes > 1 else ''}, {cni})"

    def kubeconfig(self, context: str = PROFILE) -> dict[str, Any]:
        """minikube's kubeconfig entries (cluster, context and user all named after the profile)."""
        info = {"extension": {"last-update": time.strftime("%a, %d %b %Y %H:%M:%S UTC", time.gmtime()),
                              "provider": "minikube.sigs.k8s.io", "version": MINIKUBE_VERSION},
                "name": "cluster_info"}
        return {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": context,
                "clusters": [{"name": context, "cluster": {"server": self.url, "extensions": [info]}}],
                "contexts": [{"name": context, "context": {"cluster": context, "user": context,
                                                           "namespace": "default", "extensions": [info]}}],
                "users": [{"name": context, "user": {"token": self.token}}]}

    def write_kubeconfig(self, path: str | Path, context: str = PROFILE) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.dump(self.kubeconfig(context), Dumper=_NoAliases, sort_keys=False))
        path.chmod(0o600)
        return path

    # --- server thread ----------------------------------------------------------------------------
    def _serve(self, started: Future) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._startup())
        except BaseException as error:   # hand the failure to start() instead of dying silently
            started.set_exception(error)
            loop.close()
            return
        started.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _startup(self) -> None:
        self.closing = asyncio.Event()
        ids = Ids(self._rng)
        self.store = Store(self._rng)
        system = seed.build(self.store, self.faults, self.timeline, ids, time.time())
        self._lifecycle = Lifecycle(self.store, self.timeline, self.faults, system, self.milestones_record, ids)
        app = web.Application(middlewares=[
            middleware.journal(self.requests), middleware.status_errors,
            middleware.faults(self.faults, self._flakiness)], client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", Handlers(self).dispatch)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        self._port = listener.getsockname()[1]
        await web.SockSite(self._runner, listener).start()
        # The cluster's clock starts once the API server listens, as kubeadm starts the rest after it.
        self.milestones_record.mark("api-server-up")
        self._lifecycle.start(asyncio.get_running_loop())
        self._start_pods(ids)

    def _start_pods(self, ids: Ids) -> None:
        """The pod runtime behind exec, port-forward and logs, and the controllers that run pods."""
        build = self.timeline.seconds(self.timeline.app_build)
        runtime = PodRuntime(StoreView(self.store, self.faults), build_seconds=build, time_scale=self.timeline.scale)
        self.pod_streams = runtime
        self.container_logs = ContainerLogs(self.logs, runtime.logs, build)
        self._controllers = ControllerManager(self.store, self.logs, runtime.logs, self.timeline, self.faults,
                                              self.milestones_record, ids, self._rng)
        self._controllers.start(asyncio.get_running_loop())

    async def _shutdown(self) -> None:
        self.closing.set()
        if self._controllers:
            self._controllers.stop()
        if self._lifecycle:
            self._lifecycle.stop()
        if self._runner:
            await self._runner.cleanup()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with _DIRECT.open(self.url + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)
