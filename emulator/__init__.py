"""An emulated `minikube start -p lab4 --cni=calico --nodes=2` cluster, served on 127.0.0.1, or an emulated
`kind create cluster` with kind's default CNI disabled (`flavor=`, `emulator.base.flavor`).

    from emulator import EmulatedCluster, Timeline
    with EmulatedCluster(faults=("api-slow",), timeline=Timeline(scale=0.1)) as cluster:
        cluster.write_kubeconfig(path)          # current-context lab4 reaches the emulator
        cluster.url                             # https://127.0.0.1:<port> (http:// with plain_http=True)
        cluster.certificates                    # its CA, serving and client certs (emulator.apiserver.certificates)
        cluster.client_ssl_context()            # what its kubeconfig gives a client: the CA, minikube-user
        cluster.requests.writes()               # journal of API requests (emulator.apiserver.journal)
        cluster.milestones                      # {"calico-node-ready": 1.5, ...}
        cluster.call(fn, *args)                 # run fn(*args) on the server loop (store access)

`cluster.store` (emulator.apiserver.store.Store), `cluster.logs` (emulator.kubelet.logs.LogBook) and
`cluster.pod_streams` (exec/port-forward hook, see emulator.apiserver.server.PodStreams) are the extension
points for controllers, the pod runtime and the stream protocols. The store must only be touched
on the server loop: from another thread use `call`.

The API server speaks TLS and asks for client certificates as minikube's does
(emulator.apiserver.certificates, emulator.apiserver.authentication); `plain_http=True` serves plain
http without any check, for debugging.
"""
from __future__ import annotations

import asyncio
import base64
import random
import socket
import ssl
import threading
import time
import urllib.request
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml
from aiohttp import web

from . import seed
from .apiserver import certificates as pki
from .apiserver import middleware
from .apiserver.authentication import Authenticator
from .apiserver.journal import Journal
from .apiserver.request_client_cert import request_client_cert
from .apiserver.server import Handlers, PodStreams
from .apiserver.store import Store
from .apiserver.store_view import StoreView
from .base import faults as fault_catalogue
from .base.cluster import CALICO_VERSION, MINIKUBE_VERSION, Milestones, Timeline
from .base.faults import NO_CALICO, SINGLE_NODE, THREE_NODES, Flakiness, UnknownFault
from .base.flavor import KIND, MINIKUBE, Flavor, minikube
from .base.ids import Ids
from .controllers.lifecycle import Lifecycle
from .controllers.manager import ControllerManager
from .kubelet.container_logs import ContainerLogs
from .kubelet.logs import LogBook
from .runtime.pod_runtime import PodRuntime

__all__ = ["EmulatedCluster", "Flavor", "Timeline", "UnknownFault", "PodStreams"]

START_TIMEOUT = 10.0
RESTART_OUTAGE = 4.0     # seconds apiserver-restart keeps the port closed
RESTART_AFTER = 0.3      # seconds into the first exec stream


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))   # never via an HTTP proxy


class EmulatedCluster:
    def __init__(self, faults: Iterable[str] = (), timeline: Timeline | None = None, *,
                 seed: int | None = None, port: int = 0, flaky_seed: int = 4, started: float | None = None,
                 plain_http: bool = False, flavor: Flavor | None = None) -> None:
        """started: the time.monotonic() instant the milestones count from (default: now); flavor: the
        platform (default: minikube's, shaped by the faults)."""
        self.faults = fault_catalogue.parse(faults)
        if plain_http and fault_catalogue.TLS_MISMATCH in self.faults:
            raise UnknownFault("fault tls-mismatch needs TLS: it cannot be served over plain http")
        self.flavor = flavor or minikube(self.faults)
        shaping = sorted(self.faults & {SINGLE_NODE, THREE_NODES, NO_CALICO})
        if self.flavor.name != MINIKUBE and shaping:
            raise UnknownFault(f"fault {shaping[0]} shapes minikube's cluster; a {self.flavor.name} cluster takes "
                               f"its nodes and CNI from its own configuration")
        self.kubernetes_version = self.flavor.kubernetes_version
        self.timeline = timeline or Timeline()
        self.milestones_record = Milestones() if started is None else Milestones(started=started)
        self.requests = Journal()
        self.logs = LogBook()
        self.container_logs = ContainerLogs(self.logs)
        self.pod_streams: PodStreams | None = None
        self.build_date = "2026-02-10T12:01:03Z"
        control_plane_ip = self.flavor.control_plane.ip
        self.server_address = self.flavor.server_address
        self.certificates = None if plain_http else pki.mint(self.flavor.cluster, control_plane_ip)
        # tls-mismatch: the kubeconfig of another cluster by the same name (another CA, its own user cert).
        self._handed_out = pki.mint(self.flavor.cluster, control_plane_ip) \
            if fault_catalogue.TLS_MISMATCH in self.faults else self.certificates
        self.store: Store | None = None
        self._rng = random.Random(seed)
        self._flakiness = Flakiness(flaky_seed)
        self._port = port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._site: web.SockSite | None = None
        self._restarted = False
        self._lifecycle: Lifecycle | None = None
        self._controllers: ControllerManager | None = None
        self.closing: asyncio.Event | None = None

    # --- public -----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{'http' if self.certificates is None else 'https'}://127.0.0.1:{self._port}"

    def client_ssl_context(self) -> ssl.SSLContext | None:
        """Trust in this cluster's CA and the user minikube-user's cert (None over plain http)."""
        return self.certificates.client_context() if self.certificates else None

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
        count = len(self.flavor.nodes)
        nodes = f"{count} node{'s' if count > 1 else ''}"
        if self.flavor.name == KIND:
            return f"kind cluster {self.flavor.cluster} ({nodes}, no CNI until one is applied)"
        cni = "kindnet" if NO_CALICO in self.faults else f"Calico {CALICO_VERSION}"
        return f"{self.flavor.cluster} ({nodes}, {cni})"

    def kubeconfig(self, context: str | None = None) -> dict[str, Any]:
        """minikube's kubeconfig entries as `minikube start --embed-certs` writes them (kubernetes/minikube
        pkg/minikube/kubeconfig/settings.go PopulateFromSettings): cluster, context and user all named
        after the profile, the CA and the client's cert and key inline. On kind: every entry `kind-<name>`,
        no extensions, no namespace (kind `pkg/cluster/internal/kubeconfig`)."""
        context = context or self.flavor.kubeconfig_name
        cluster: dict[str, Any] = {"server": self.url}
        user: dict[str, Any] = {}
        if self._handed_out:
            cluster["certificate-authority-data"] = _b64(self._handed_out.ca.cert_pem)
            user = {"client-certificate-data": _b64(self._handed_out.client.cert_pem),
                    "client-key-data": _b64(self._handed_out.client.key_pem)}
        if self.flavor.name == KIND:
            return {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": context,
                    "clusters": [{"name": context, "cluster": cluster}],
                    "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
                    "users": [{"name": context, "user": user}]}
        extension = {"last-update": time.strftime("%a, %d %b %Y %H:%M:%S UTC", time.gmtime()),
                     "provider": "minikube.sigs.k8s.io", "version": MINIKUBE_VERSION}
        cluster["extensions"] = [{"extension": extension, "name": "cluster_info"}]
        return {"apiVersion": "v1", "kind": "Config", "preferences": {}, "current-context": context,
                "clusters": [{"name": context, "cluster": cluster}],
                "contexts": [{"name": context, "context": {"cluster": context, "user": context, "namespace": "default",
                                                           "extensions": [{"extension": extension,
                                                                           "name": "context_info"}]}}],
                "users": [{"name": context, "user": user}]}

    def write_kubeconfig(self, path: str | Path, context: str | None = None) -> Path:
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
        system = seed.build(self.store, self.flavor, self.faults, self.timeline, ids, time.time())
        self._lifecycle = Lifecycle(self.store, self.timeline, self.faults, system, self.milestones_record, ids)
        authenticator = Authenticator(self.certificates.ca.cert_pem) if self.certificates else None
        app = web.Application(middlewares=[
            middleware.journal(self.requests), middleware.status_errors, middleware.authentication(authenticator),
            middleware.faults(self.faults, self._flakiness, self._exec_started)], client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", Handlers(self).dispatch)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        await self._listen()
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
                                              self.milestones_record, ids, self._rng, self.flavor,
                                              runtime.run_main)
        self._controllers.start(asyncio.get_running_loop())

    async def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        self._port = listener.getsockname()[1]
        self._site = web.SockSite(self._runner, listener, ssl_context=self._serving_context())
        await self._site.start()

    def _serving_context(self) -> ssl.SSLContext | None:
        if self.certificates is None:
            return None
        context = self.certificates.server_context()
        # A client cert of another CA passes the handshake; the authenticator answers it 401.
        request_client_cert(context)
        return context

    def _exec_started(self) -> None:
        if fault_catalogue.APISERVER_RESTART in self.faults and not self._restarted:
            self._restarted = True
            asyncio.get_running_loop().call_later(RESTART_AFTER, lambda: asyncio.ensure_future(
                self.restart_api(RESTART_OUTAGE)))

    async def restart_api(self, outage: float) -> None:
        """The API server goes away and comes back: its port closes (connections refused), every open
        connection is cut (watches, exec and port-forward streams, idle keep-alives), and after
        `outage` seconds it listens again on the same port, over the same store. Its watch cache starts
        anew (Store.restart_watch_cache, docs/platform.md §18.4); the controllers and kubelets, in-process,
        carry on."""
        await self._site.stop()
        self.closing.set()
        for connection in self._runner.server.connections:
            if connection.transport is not None:
                connection.transport.abort()
        await asyncio.sleep(outage)
        self.store.restart_watch_cache()
        self.closing = asyncio.Event()
        await self._listen()

    async def _shutdown(self) -> None:
        self.closing.set()
        if self._controllers:
            self._controllers.stop()
        if self._lifecycle:
            self._lifecycle.stop()
        if self._runner:
            await self._runner.cleanup()

    def _wait_until_answering(self) -> None:
        # /readyz is readable without credentials (system:public-info-viewer); trust the server's own CA.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(
            context=ssl.create_default_context(cadata=self.certificates.ca.cert_pem.decode()))) \
            if self.certificates else _DIRECT
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with opener.open(self.url + "/readyz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)


def _b64(pem: bytes) -> str:
    return base64.b64encode(pem).decode()
