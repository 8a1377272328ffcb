"""Issue 5's "Done when": the suite on the emulated cluster, with planted registry credentials (in the
environment, in a manifest, and leaked on purpose by selftests/report/leaky_plugin.py), writes one
self-contained report that holds the summary, the topology SVG, a screenshot per app pod, who and
which cluster; and no planted secret reaches any file the run wrote or its output."""
from __future__ import annotations

import base64
import hashlib
import html
import ipaddress
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from fixtures import SUITE_VERSION
from fixtures.gate import result_block
from fixtures.report.requirements import TITLES
from selftests.suite.conftest import QUICK
from selftests.suite.runner import ROOT, run_suite

STUDENT, GROUP = "Ivan Planted-Petrov", "K3321-e2e"
ENV_USER, ENV_PASSWORD = "envuser-Qz7x2Lp", "envpass-W9k4&<Mz>"
MANIFEST_USER, MANIFEST_PASSWORD = "mfuser-Hb3n8Rt", "mfpass-Yc5v1Xq"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"
UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def docker_config(user: str, password: str) -> tuple[str, str]:
    """(auth, the Secret's base64 .dockerconfigjson) as `kubectl create secret docker-registry` writes them."""
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()
    config = {"auths": {"https://registry.example.invalid/v1/": {"username": user, "password": password, "auth": auth}}}
    return auth, base64.b64encode(json.dumps(config).encode()).decode()


def planted_forms() -> set[str]:
    """Every planted value, plain and as base64 at each byte alignment (inside a longer blob too)."""
    forms = set()
    for user, password in ((ENV_USER, ENV_PASSWORD), (MANIFEST_USER, MANIFEST_PASSWORD)):
        auth, blob = docker_config(user, password)
        for value in (user, password, auth, blob, html.escape(password)):
            forms.add(value)
            # ... and as the result block writes it: JSON with < > & as \u escapes
            forms.add(json.dumps(value)[1:-1].replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))
            for shift in range(3):
                encoded = base64.b64encode(b"\0" * shift + value.encode()).decode()
                forms.add(encoded[(8 * shift + 5) // 6:(8 * (shift + len(value))) // 6])
    return forms


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    manifests = tmp_path_factory.mktemp("manifests")
    for path in (ROOT / "manifests").glob("*.yaml"):
        shutil.copy(path, manifests)
    _, blob = docker_config(MANIFEST_USER, MANIFEST_PASSWORD)
    (manifests / "mirror-secret.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/dockerconfigjson",
        "metadata": {"name": "mirror-cred", "namespace": "default"}, "data": {".dockerconfigjson": blob}}))
    workdir = tmp_path_factory.mktemp("run")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("LAB4_REGISTRY_USER", ENV_USER)
        env.setenv("LAB4_REGISTRY_PASSWORD", ENV_PASSWORD)
        result = run_suite("--cluster=emulator", QUICK, f"--manifests={manifests}", "--student", STUDENT,
                           "--group", GROUP, "-p", "selftests.report.leaky_plugin", workdir=workdir, timeout=540)
    configmap = yaml.safe_load((manifests / "configmap.yaml").read_text())["data"]
    return result, configmap


@pytest.fixture(scope="module")
def report(run) -> dict:
    """The report's page and the data pytest-html keeps in it (per test: extras, logs)."""
    text = (run[0].workdir / "report.html").read_text(encoding="utf-8")
    blob = json.loads(html.unescape(re.search(r'data-jsonblob="([^"]*)"', text).group(1)))
    return {"html": text, "tests": blob["tests"], "environment": blob["environment"]}


def extras_of(report: dict, module: str) -> list[dict]:
    return [extra for test_id, runs in report["tests"].items() if module in test_id
            for run in runs for extra in run["extras"]]


def test_the_run_passes_every_requirement(run):
    result, _ = run
    assert result.returncode == 0, result.output[-5000:]
    assert {result.verdicts().get(r) for r in ("R12", "R13")} == {"passed"}, result.output[-5000:]


def test_the_report_is_one_file_without_external_resources(run, report):
    workdir = run[0].workdir
    assert not (workdir / "assets").exists()
    page = report["html"]
    every_extra = [e["content"] for runs in report["tests"].values() for r in runs for e in r["extras"]]
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']|url\(([^)]*)\)""", page + "".join(every_extra))
    external = [ref for pair in references for ref in pair
                if ref and not ref.startswith(("data:", "#")) and ref != "https://pypi.python.org/pypi/pytest-html"]
    assert external == []


def test_the_summary_names_every_requirement_with_its_verdict(report):
    summary = re.search(r'<table class="lab4-summary">(.*?)</table>', report["html"], re.S).group(1)
    for req in TITLES:
        row = re.search(rf"<td>{req}</td>.*?</tr>", summary, re.S)
        assert row, req
        assert re.search(r'class="lab4-verdict">(passed|failed|skipped|n/a)<', row.group(0)), row.group(0)


def test_the_svg_names_both_pools_and_both_pods(run, report):
    figures = [e["content"] for e in extras_of(report, "test_r12_topology") if "<svg" in e["content"]]
    assert len(figures) == 1
    svg = ET.fromstring(re.search(r"<svg.*</svg>", figures[0], re.S).group(0))
    texts = " ".join(el.text or "" for el in svg.iter(SVG_TEXT))
    pools = {"rack-0-ippool": "192.168.0.0/24", "rack-1-ippool": "192.168.1.0/24"}  # manifests/ippools.yaml
    assert all(cidr in texts for cidr in pools.values()), texts
    drawn_pods = dict(re.findall(r"IP (\d+\.\d+\.\d+\.\d+) \(from (rack-\d-ippool)\)", texts))
    assert sorted(drawn_pods.values()) == sorted(pools), texts
    for ip, pool in drawn_pods.items():
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(pools[pool])
    assert set(drawn_pods) == {row["ip on the page"] for row in browser_rows(report)}   # what the browser saw


def browser_rows(report: dict) -> list[dict]:
    """The R13 table "What the browser rendered (read from the DOM)" as dicts."""
    table = next(e["content"] for e in extras_of(report, "test_r13_screenshots") if "read from the DOM" in e["content"])
    cells = [[html.unescape(c) for c in re.findall(r"<t[hd]>(.*?)</t[hd]>", row)]
             for row in re.findall(r"<tr>(.*?)</tr>", table)]
    return [dict(zip(cells[0], row, strict=False)) for row in cells[1:]]


def test_one_png_per_app_pod_whose_dom_showed_the_configured_values(run, report):
    _, configmap = run
    pngs = [e for e in extras_of(report, "test_r13_screenshots") if e.get("mime_type") == "image/png"]
    rows = browser_rows(report)
    assert len(pngs) == len(rows) == 2
    for png in pngs:
        assert base64.b64decode(png["content"].split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    for row in rows:
        assert row["user on the page"] == configmap["REACT_APP_USERNAME"]
        assert row["company on the page"] == configmap["REACT_APP_COMPANY_NAME"]
        assert row["name on the page"] == row["pod"]
    assert len({row["pod"] for row in rows}) == 2


def served_ca_fingerprint(workdir: Path) -> str:
    """openssl's SHA-256 fingerprint of the CA in the kubeconfig the emulated cluster wrote for the run,
    computed apart from fixtures.cluster.identity."""
    kubeconfig = yaml.safe_load(next(workdir.rglob("emulator-kubeconfig")).read_text())
    pem = base64.b64decode(kubeconfig["clusters"][0]["cluster"]["certificate-authority-data"])
    printed = subprocess.run(["openssl", "x509", "-noout", "-fingerprint", "-sha256"], input=pem,
                             capture_output=True, check=True).stdout.decode()
    return printed.strip().split("=", 1)[1]


def test_the_report_says_who_and_which_cluster(run, report):
    who = re.search(r'<table class="lab4-identity">(.*?)</table>', report["html"], re.S).group(1)
    assert f"<td>{html.escape(STUDENT)}</td>" in who and f"<td>{GROUP}</td>" in who
    uid = re.search(r"kube-system namespace UID</th><td>([^<]*)</td>", who).group(1)
    assert UID.fullmatch(uid)
    environment = report["environment"]
    assert environment["kube-system namespace UID"] == uid
    assert (environment["Student"], environment["Group"]) == (STUDENT, GROUP)
    assert environment["API server CA (SHA-256)"] == served_ca_fingerprint(run[0].workdir)   # a real CA, over TLS
    assert re.fullmatch(r"v\d+\.\d+\.\d+", environment["Calico"]) and environment["Kubernetes server"].startswith("v")


def test_the_result_block_reads_back_as_the_report_shows_it(run, report):
    """One machine-readable block (fixtures/gate/result_block.py) with what the top of the report says."""
    data = result_block.read(report["html"])
    environment = report["environment"]
    assert (data["student"], data["group"], data["provider"], data["suite_version"]) == (
        STUDENT, GROUP, "emulator", SUITE_VERSION)
    assert data["cluster"]["kube_system_uid"] == environment["kube-system namespace UID"]
    assert [f"{n['name']} ({n['system_uuid']})" for n in data["cluster"]["nodes"]] == \
        environment["Nodes (systemUUID)"].split("; ")
    summary = re.search(r'<table class="lab4-summary">(.*?)</table>', report["html"], re.S).group(1)
    shown = dict(re.findall(r'<td>(R\d+)</td>.*?class="lab4-verdict">([^<]+)<', summary, re.S))
    assert {req: entry["verdict"] for req, entry in data["requirements"].items()} == shown
    manifests = Path(data["manifests"]["root"])   # --manifests: the module's copy, mirror-secret.yaml included
    assert sorted(p.name for p in manifests.glob("*.yaml")) == sorted(data["manifests"]["files"])
    on_disk = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(manifests.glob("*.yaml"))}
    assert data["manifests"]["files"] == on_disk
    title = re.search(r'<h1 id="title">([^<]*)</h1>', report["html"]).group(1)
    assert title.endswith("(made on the emulated cluster, not a real one)") and "lab4-emulated" in report["html"]


def test_the_junit_xml_carries_the_new_requirements(run):
    requirements = {c.requirement for c in run[0].cases}
    assert {"R12", "R13"} <= requirements


def test_no_planted_secret_reaches_any_written_file_or_the_output(run, report):
    result, _ = run
    leaked = [e["content"] for runs in report["tests"].values() for r in runs for e in r["extras"]
              if "A careless test&#x27;s evidence" in e["content"]]
    assert leaked and "leaking " in result.output   # the leaky plugin did its worst
    forms = planted_forms()
    assert not [f for f in forms if f in result.output]
    leaks = {}
    for path in result.workdir.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            if found := [f for f in forms if f in text]:
                leaks[str(path.relative_to(result.workdir))] = len(found)
    assert leaks == {}
    # The final scan found nothing left over: redaction on the way in was complete.
    assert "of secret data that had reached" not in result.output
