"""Whatever a hand-in folder holds, the gate reads it within bounds and says what it did not read
(fixtures/gate/hand_in_files.py, yaml_bounds.py, helm_charts.py; docs/platform.md §21, §22).

The inputs of issue 11's table: an alias bomb, a value nested 5000 deep, pool files without an
extension, a Helm chart, a link out of the folder. Each came out wrong before (137 s and a finding
that names no file; INTERNALERROR; "found 0 pools"; no word about the chart; the outside file read).
"""
from __future__ import annotations

import codecs
import os
import shutil
import time
from pathlib import Path

import pytest

from fixtures.gate import hand_in_files, yaml_bounds
from fixtures.gate.manifest_gate import SET_WIDE, run_gate
from fixtures.gate.manifests import load_manifests
from selftests.gate.hand_ins import BOMB, DEEP, write

SETS = Path(__file__).parent / "sets"
CHARTS = Path(__file__).parent / "charts"
POOL_V3 = ("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: rack-0\nspec:\n"
           "  cidr: 192.168.0.0/24\n  nodeSelector: rack == \"0\"\n")
HELM_STANDIN = Path(__file__).resolve().parents[1] / "suite" / "standins" / "helm"
REFERENCE = Path(__file__).resolve().parents[2] / "manifests"


def gate(folder: Path, **kwargs):
    manifests = load_manifests(folder, **kwargs)
    return manifests, [f for result in run_gate(manifests).values() for f in result.findings]


def about(findings, file: str):
    return [f for f in findings if f.file == file]


# -- bounded parsing -------------------------------------------------------------------------------

def test_an_alias_bomb_is_one_finding_in_well_under_a_second(tmp_path):
    started = time.perf_counter()
    _, findings = gate(write(tmp_path, {"lab4.yaml": BOMB}))
    assert time.perf_counter() - started < 1.0
    [bomb] = about(findings, "lab4.yaml")
    assert bomb.is_error and bomb.line == 1
    assert f"more than the {yaml_bounds.MAX_EXPANDED_NODES}" in bomb.message       # the limit
    assert "document contains excessive aliasing" in bomb.message                # what kubectl says
    assert "write the objects out without anchors and aliases" in bomb.message   # what to do
    assert all(f.file in ("lab4.yaml", SET_WIDE) for f in findings)


def test_a_value_nested_5000_deep_is_one_finding(tmp_path):
    _, findings = gate(write(tmp_path, {"cm.yaml": DEEP}))
    [deep] = about(findings, "cm.yaml")
    assert deep.is_error and deep.line == 6 and f"more than {yaml_bounds.MAX_DEPTH} levels deep" in deep.message


def test_nesting_up_to_the_limit_is_read(tmp_path):
    nested = "[" * (yaml_bounds.MAX_DEPTH - 2) + "]" * (yaml_bounds.MAX_DEPTH - 2)
    manifests, _ = gate(write(tmp_path, {"cm.yaml": DEEP.replace("[" * 5000 + "]" * 5000, nested)}))
    assert [d.ref for d in manifests.documents] == ["ConfigMap/deep"]


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    _, findings = gate(write(tmp_path, {"loop.yaml": "apiVersion: v1\nkind: List\nitems: &i [*i]\n"}))
    assert "refers to the collection it is inside" in about(findings, "loop.yaml")[0].message


def test_a_few_aliases_are_fine(tmp_path):
    labels = "metadata:\n  name: a\n  labels: &l {app: x}\nspec:\n  selector: *l\n"
    manifests, _ = gate(write(tmp_path, {"s.yaml": "apiVersion: v1\nkind: Service\n" + labels}))
    assert manifests.documents[0].body["spec"]["selector"] == {"app": "x"}


@pytest.mark.parametrize("value", ["!!int abc", "2001-02-30", "!!timestamp soon", "!!float x"])
def test_a_value_its_tag_cannot_make_is_a_finding(tmp_path, value):
    _, findings = gate(write(tmp_path, {"v.yaml": f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n"
                                                  f"data:\n  x: {value}\n"}))
    assert "does not fit its YAML tag" in about(findings, "v.yaml")[0].message


def test_too_many_nodes_written_out_stop_in_the_scan(tmp_path):
    wide = "x: [" + ",".join("1" * (yaml_bounds.MAX_EXPANDED_NODES + 1)) + "]\n"
    _, findings = gate(write(tmp_path, {"wide.yaml": wide}))
    assert "more than the 100000 YAML nodes the suite reads" in about(findings, "wide.yaml")[0].message


def test_the_folder_shares_one_node_budget(tmp_path):
    half = "x: [" + ",".join("1" * 60_000) + "]\n"
    _, findings = gate(write(tmp_path, {f"{name}.yaml": half for name in "abcdef"}))
    refused = [f.file for f in findings if "YAML nodes the suite reads" in f.message]
    assert refused and "a.yaml" not in refused      # the first files fit, the later ones do not


def test_too_many_documents_in_one_file(tmp_path):
    many = "".join(f"---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\n"
                   for i in range(yaml_bounds.MAX_DOCUMENTS + 1))
    _, findings = gate(write(tmp_path, {"many.yaml": many}))
    assert f"more than {yaml_bounds.MAX_DOCUMENTS} YAML documents" in about(findings, "many.yaml")[0].message


def test_a_file_too_large_is_not_read(tmp_path):
    _, findings = gate(write(tmp_path, {"big.yaml": "#" * (hand_in_files.MAX_FILE_BYTES + 1)}))
    assert "more than the 1048576 the suite reads from one file" in about(findings, "big.yaml")[0].message


def test_the_folder_as_a_whole_has_a_budget(tmp_path):
    half = "#" * (hand_in_files.MAX_FILE_BYTES - 10) + "\n"
    _, findings = gate(write(tmp_path, {"a.yaml": half, "b.yaml": half, "c.yaml": half}))
    [budget] = [f for f in findings if "bytes of files the suite reads" in f.message]
    assert budget.file == SET_WIDE and "c.yaml" in budget.message


# -- files as students name them ---------------------------------------------------------------------

def test_pool_files_without_an_extension_are_read(tmp_path):
    folder = shutil.copytree(SETS / "good-no-extension" / "manifests", tmp_path / "m")
    manifests, findings = gate(folder)
    assert {d.name for d in manifests.ip_pools} == {"rack-0-ippool", "rack-1-ippool"}
    for name in ("ippool1", "ippool2"):
        [warning] = about(findings, name)
        assert not warning.is_error and f"rename it {name}.yaml" in warning.message


def test_manifests_only_in_a_subfolder_are_read_with_kubectls_error_named(tmp_path):
    """Seen in Ishuachka/2023_2024-introduction_to_distributed_technologies-k4111c-ishutina_e:lab4/manifesty/
    (and MrPrograMax/...-Grigoriev_M_A:lab4/yaml/, VladKrapivin/...-krapivin_v_v:lab_4/source/): every
    manifest one folder down. `kubectl apply -f lab4` enters no subfolder without -R and, finding no
    *.yaml/*.yml/*.json directly in lab4, stops with "error reading [lab4]: recognized file extensions are
    [.json .yaml .yml]" (kubernetes/cli-runtime pkg/resource/visitor.go ExpandPathsToFileVisitors,
    builder.go; docs/platform.md §21.1). The gate reads them, and says so once for the subfolder."""
    folder = write(tmp_path / "lab4", {"manifesty/deployment.yaml": (REFERENCE / "deployment.yaml").read_text(),
                                       "manifesty/ippool.yaml": POOL_V3, "image/notes": "dfsd\n",
                                       "lab4_report.md": "# Lab 4\n"})
    manifests, findings = gate(folder)
    assert {d.file for d in manifests.ip_pools} == {"manifesty/ippool.yaml"}
    [warning] = [f for f in findings if "subfolder" in f.message]
    assert not warning.is_error and warning.file == "manifesty/deployment.yaml"
    assert "2 file(s) read from the subfolder manifesty/" in warning.message
    assert "recognized file extensions are [.json .yaml .yml]" in warning.message
    assert f"kubectl apply -R -f {folder}" in warning.message
    assert f"kubectl apply -f {folder}/manifesty" in warning.message


def test_a_subfolder_beside_top_level_manifests_is_named_and_one_without_objects_is_not(tmp_path):
    """kubectl applies the top-level files and silently leaves the subfolder out; a non-object file
    named .yml in a subfolder (seen in ltvnva25/2024_2025-introduction_to_distributed_technologies-k4111c-
    litvinova_d_d:lab4/images/myfirst.yml, a shell session) gets its own warning, not this one."""
    folder = write(tmp_path / "lab4", {"deployment.yaml": (REFERENCE / "deployment.yaml").read_text(),
                                       "pools/ippool.yaml": POOL_V3, "images/myfirst.yml": "minikube start\n"})
    _, findings = gate(folder)
    [warning] = [f for f in findings if "subfolder" in f.message]
    assert warning.file == "pools/ippool.yaml" and "it applies the other files and leaves these out" in warning.message
    assert "recognized file extensions" not in warning.message


def test_a_flat_folder_has_no_subfolder_warning():
    _, findings = gate(REFERENCE)
    assert not [f for f in findings if "subfolder" in f.message]


def test_files_that_are_not_manifests_are_listed_as_skipped(tmp_path):
    folder = write(tmp_path, {"deployment.yaml": (REFERENCE / "deployment.yaml").read_text(),
                              "README.md": "# Lab 4\n\nMy notes: kubectl apply -f .\n",
                              "diagram.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                              "notes.txt": "a: b: c\n  - broken", "values": "replicas: 2\n"})
    manifests, findings = gate(folder)
    assert {s.file: s.reason for s in manifests.skipped} == {
        "README.md": "not a Kubernetes object (no apiVersion and kind)", "diagram.png": "binary",
        "notes.txt": "not YAML", "values": "not a Kubernetes object (no apiVersion and kind)"}
    assert not any(f.file in ("README.md", "diagram.png", "notes.txt", "values") for f in findings)
    rows = {row["file"]: row["result"] for row in run_gate(manifests)["yaml"].rows}
    assert rows["diagram.png"] == "skipped: binary" and rows["deployment.yaml"] == "read"


def test_a_report_that_quotes_a_go_template_is_not_called_a_template(tmp_path):
    """Seen in Romanleshkov/2023_2024-Introduction-to-distributed-technologies-k4111c-leshkov_r_s:
    lab4/lab4_report.md (`kubectl get secret ... -o go-template='{{ index .data "apiserver.crt" }}'` beside
    an IPPool in a code block) and ManuelCorreia97/2022_2023-introduction_to_distributed_technologies-
    k4113c-Goncalves_Manuel:Lab4/logs.txt (minikube's log, `--format "{{json .}}"`): both were listed as
    "a template ({{ ... }}), not YAML". A file with no manifest name is a template only when it holds
    objects."""
    report = ("# Lab 4\n\n```\nkubectl get secret -o go-template='{{ index .data \"ca.crt\" }}'\n```\n\n"
              "```yaml\napiVersion: projectcalico.org/v3\nkind: IPPool\n```\n")
    log = 'I1203 12:25:48 cli_runner.go:164] Run: docker system info --format "{{json .}}"\n'
    template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  user: '{{ .Values.user }}'\n"
    folder = write(tmp_path, {"lab4_report.md": report, "logs.txt": log, "configmap": template})
    manifests, _ = gate(folder)
    assert {s.file: s.reason for s in manifests.skipped} == {
        "lab4_report.md": "not YAML", "logs.txt": "not a Kubernetes object (no apiVersion and kind)",
        "configmap": "a template ({{ ... }}), not YAML"}


def test_utf16_with_a_byte_order_mark_is_read_as_kubectl_reads_it(tmp_path):
    text = (REFERENCE / "configmap.yaml").read_text()
    manifests, findings = gate(write(tmp_path, {"cm.yaml": codecs.BOM_UTF16_LE + text.encode("utf-16-le")}))
    assert [d.ref for d in manifests.documents] == ["ConfigMap/react-config"]


def test_a_binary_file_named_yaml_is_an_error(tmp_path):
    _, findings = gate(write(tmp_path, {"pools.yaml": "name: caf\xe9\n".encode("latin-1")}))
    assert "not UTF-8 text" in about(findings, "pools.yaml")[0].message


# -- Helm charts -----------------------------------------------------------------------------------

def test_a_chart_without_helm_is_one_finding_and_its_templates_are_not_parsed(tmp_path):
    folder = shutil.copytree(CHARTS / "chart-beside-pools", tmp_path / "m")
    (folder / "lab4" / "templates" / "broken.yaml").write_text("{{ if }} : : [\n")
    manifests, findings = gate(folder, helm=None)
    [chart] = about(findings, "lab4/Chart.yaml")
    assert chart.is_error and "this is a Helm chart: render it (`helm template lab4 lab4 > lab4.yaml`)" in chart.message
    assert not any(f.file.startswith("lab4/templates") for f in findings)
    assert manifests.files == ["ippools.yaml"]
    assert "Helm charts not rendered: lab4" in str(findings)


def test_a_chart_is_rendered_by_helm_and_the_result_checked():
    manifests, findings = gate(CHARTS / "chart-beside-pools", helm=str(HELM_STANDIN), kubernetes_version="1.35")
    assert not [f for f in findings if f.is_error], findings
    assert {d.ref: d.file for d in manifests.documents if not d.is_calico} == {
        "ConfigMap/lab4-config": "lab4/templates/configmap.yaml (rendered)",
        "Deployment/lab4-app": "lab4/templates/deployment.yaml (rendered)",
        "Service/lab4-service": "lab4/templates/service.yaml (rendered)"}       # the test hook: --skip-tests
    [note] = run_gate(manifests)["yaml"].notes
    assert "rendered with `helm template lab4 lab4 --skip-tests --kube-version 1.35`" in note


def test_a_chart_that_does_not_render_is_named(tmp_path):
    folder = shutil.copytree(CHARTS / "chart-beside-pools", tmp_path / "m")
    (folder / "lab4" / "templates" / "service.yaml").write_text("name: {{ include \"x\" . }}\n")
    _, findings = gate(folder, helm=str(HELM_STANDIN))
    assert "this Helm chart does not render" in about(findings, "lab4/Chart.yaml")[0].message


# -- links stay inside ------------------------------------------------------------------------------

@pytest.fixture
def opened(monkeypatch):
    """Every path opened or listed from here on (clear it before the call under test)."""
    seen: list[str] = []
    real_open, real_scandir = os.open, os.scandir

    def recording_open(path, *args, **kwargs):
        seen.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    def recording_scandir(path="."):
        seen.append(os.fspath(path))
        return real_scandir(path)
    monkeypatch.setattr(os, "open", recording_open)
    monkeypatch.setattr(os, "scandir", recording_scandir)
    return seen


def test_a_link_out_of_the_folder_is_named_and_never_opened(tmp_path, opened):
    outside = write(tmp_path / "runner", {"secret.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"})
    folder = shutil.copytree(REFERENCE, tmp_path / "hand-in")
    (folder / "x.yaml").symlink_to(outside / "secret.yaml")
    (folder / "etc").symlink_to(outside)
    opened.clear()
    manifests, findings = gate(folder)
    [link] = about(findings, "x.yaml")
    assert link.is_error and "outside the manifests folder: not read" in link.message
    assert "outside the manifests folder" in about(findings, "etc")[0].message
    assert all(os.path.realpath(p).startswith(str(folder.resolve())) for p in opened), opened
    assert "ConfigMap/x" not in [d.ref for d in manifests.documents]


def test_a_link_to_a_file_inside_is_read(tmp_path):
    folder = shutil.copytree(REFERENCE, tmp_path / "hand-in")
    (folder / "pools").mkdir()
    (folder / "ippools.yaml").rename(folder / "pools" / "ippools.yaml")
    (folder / "ippools.yaml").symlink_to("pools/ippools.yaml")
    manifests, _ = gate(folder)
    assert len(manifests.ip_pools) == 4        # read twice, as kubectl would apply both names


def test_a_folder_link_loop_ends(tmp_path):
    folder = shutil.copytree(REFERENCE, tmp_path / "hand-in")
    (folder / "again").symlink_to(".")
    manifests, _ = gate(folder)
    assert [s.file for s in manifests.skipped] == ["again"] and len(manifests.documents) == 5


def test_the_manifests_folder_may_itself_be_a_link(tmp_path, opened):
    real = shutil.copytree(REFERENCE, tmp_path / "real")
    (tmp_path / "manifests").symlink_to(real)
    opened.clear()
    manifests, findings = gate(tmp_path / "manifests")
    assert len(manifests.documents) == 5 and not [f for f in findings if f.is_error]
    assert all(os.path.realpath(p).startswith(str(real)) for p in opened), opened


def test_a_fifo_is_never_opened(tmp_path, opened):
    folder = shutil.copytree(REFERENCE, tmp_path / "hand-in")
    os.mkfifo(folder / "pipe.yaml")
    opened.clear()
    manifests, _ = gate(folder)
    assert "pipe.yaml" in {s.file for s in manifests.skipped}
    assert not any(p.endswith("pipe.yaml") for p in opened)
