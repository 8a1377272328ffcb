"""A tiny API server on 127.0.0.1 that routes exec/portforward/log to the PodRuntime, and serves
just enough discovery and pod GETs for the real kubectl exec."""
from __future__ import annotations

import asyncio
import base64
import threading
from pathlib import Path

import pytest
import yaml
from aiohttp import web
from kubernetes import client

from emulator.apiserver import certificates
from emulator.runtime.pod_runtime import PodRuntime
from selftests.emulator_runtime.cluster_data import FakeView

TIME_SCALE = 0.01
BUILD_SECONDS = 2.0


def _discovery(view: FakeView) -> web.Application:
    async def version(_):
        return web.json_response({"major": "1", "minor": "35", "gitVersion": "v1.35.1", "platform": "linux/amd64"})

    async def api(_):
        return web.json_response({"kind": "APIVersions", "versions": ["v1"],
                                  "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                                  "serverAddress": "192.168.49.2:8443"}]})

    async def api_v1(_):
        resources = [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "shortNames": ["po"],
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]},
            {"name": "pods/exec", "singularName": "", "namespaced": True, "kind": "PodExecOptions",
             "verbs": ["create", "get"]},
            {"name": "pods/portforward", "singularName": "", "namespaced": True, "kind": "PodPortForwardOptions",
             "verbs": ["create", "get"]},
            {"name": "pods/log", "singularName": "", "namespaced": True, "kind": "Pod", "verbs": ["get"]},
        ]
        return web.json_response({"kind": "APIResourceList", "groupVersion": "v1", "resources": resources})

    async def apis(_):
        return web.json_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": []})

    app = web.Application()
    app.router.add_get("/version", version)
    app.router.add_get("/api", api)
    app.router.add_get("/api/v1", api_v1)
    app.router.add_get("/apis", apis)
    return app


def build_app(view: FakeView, runtime: PodRuntime) -> web.Application:
    def pod_or_404(request):
        pod = view.pod(request.match_info["ns"], request.match_info["name"])
        if pod is None:
            raise web.HTTPNotFound(text='{"kind":"Status","apiVersion":"v1","status":"Failure",'
                                        '"reason":"NotFound","code":404}',
                                   content_type="application/json")
        return pod

    async def exec_(request):
        return await runtime.exec(request, pod_or_404(request))

    async def portforward(request):
        return await runtime.portforward(request, pod_or_404(request))

    async def log(request):
        return web.Response(text=runtime.logs(pod_or_404(request), request.query.get("container")))

    async def get_pod(request):
        return web.json_response(pod_or_404(request))

    app = _discovery(view)
    base = "/api/v1/namespaces/{ns}/pods/{name}"
    app.router.add_route("*", base + "/exec", exec_)
    app.router.add_route("*", base + "/portforward", portforward)
    app.router.add_get(base + "/log", log)
    app.router.add_get(base, get_pod)
    return app


class Served:
    """The server thread and what tests use: its URL, the view, a CoreV1Api, a kubeconfig. It speaks
    TLS with minikube's certificates, as the emulated cluster does (no authentication: the runtime is
    under test here, not the API server)."""

    def __init__(self, tmp: Path):
        self.certificates = certificates.mint("lab4", "192.168.49.2")
        self.view = FakeView()
        self.runtime = PodRuntime(self.view, build_seconds=BUILD_SECONDS, time_scale=TIME_SCALE,
                                  exec_limit_seconds=3000)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("test API server did not start")
        self.url = f"https://127.0.0.1:{self.port}"
        pems = {"ca.crt": self.certificates.ca.cert_pem, "client.crt": self.certificates.client.cert_pem,
                "client.key": self.certificates.client.key_pem}
        files = {name: tmp / name for name in pems}
        for name, pem in pems.items():
            files[name].write_bytes(pem)
        configuration = client.Configuration(host=self.url)
        configuration.ssl_ca_cert, configuration.cert_file, configuration.key_file = map(str, files.values())
        self.api = client.CoreV1Api(client.ApiClient(configuration))
        self.kubeconfig = tmp / "kubeconfig"
        inline = {name: base64.b64encode(pem).decode() for name, pem in pems.items()}
        self.kubeconfig.write_text(yaml.safe_dump({
            "apiVersion": "v1", "kind": "Config", "current-context": "lab4",
            "clusters": [{"name": "lab4", "cluster": {"server": self.url,
                                                      "certificate-authority-data": inline["ca.crt"]}}],
            "contexts": [{"name": "lab4", "context": {"cluster": "lab4", "user": "lab4", "namespace": "default"}}],
            "users": [{"name": "lab4", "user": {"client-certificate-data": inline["client.crt"],
                                                "client-key-data": inline["client.key"]}}],
        }))

    def client_ssl_context(self):
        return self.certificates.client_context()

    def _serve(self):
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(build_app(self.view, self.runtime))
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0, ssl_context=self.certificates.server_context())
        self._loop.run_until_complete(site.start())
        self.port = self._runner.addresses[0][1]
        self._ready.set()
        self._loop.run_forever()

    def stop(self):
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def finish_builds(self):
        self.view.clock += BUILD_SECONDS + 1


@pytest.fixture(scope="session")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("runtime"))
    yield server
    server.stop()


@pytest.fixture
def cluster(served):
    """The served cluster, reset: no faults, the clock at the containers' start (apps building)."""
    served.view.faults.clear()
    served.view.clock = served.view.__class__().clock
    return served


@pytest.fixture
def cluster_scale() -> float:
    """The whole emulated cluster (selftests/conftest.py emulated_cluster) at 1/20 of its delays:
    a pod's `sleep 5` is a quarter of a second."""
    return 0.05
