"""Loading a manifests folder: documents, lines, classification; bad input becomes findings."""
from __future__ import annotations

from fixtures.gate.findings import Finding
from fixtures.gate.manifests import load_manifests
from selftests.gate.hand_ins import write

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: app
spec:
  template:
    spec:
      containers:
        - name: web
          image: ifilyaninitmo/itdt-contained-frontend:master
"""
POOL = "apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: p\nspec:\n  cidr: 10.0.0.0/24\n"


def texts(findings: list[Finding]) -> str:
    return "\n".join(map(str, findings))


def test_documents_keep_file_index_and_line(tmp_path):
    m = load_manifests(write(tmp_path, {"b.yaml": "# c\n---\n" + POOL + "---\n---\n" + DEPLOYMENT,
                                         "a/x.yml": "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n"}))
    assert [(d.file, d.index, d.line, d.ref) for d in m.documents] == [
        ("a/x.yml", 0, 1, "Namespace/app"), ("b.yaml", 0, 3, "IPPool/p"), ("b.yaml", 2, 11, "Deployment/web")]
    assert m.files == ["a/x.yml", "b.yaml"]
    [subfolder] = m.findings            # kubectl apply -f reads a/ only with -R (test_hand_in_files)
    assert subfolder.file == "a/x.yml" and not subfolder.is_error and "subfolder a/" in subfolder.message


def test_accessors(tmp_path):
    m = load_manifests(write(tmp_path, {"all.yaml": POOL + "---\n" + DEPLOYMENT + "---\n"
                                        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: app\n---\n"
                                        "apiVersion: v1\nkind: Node\nmetadata:\n  name: minikube\n"}))
    assert [d.ref for d in m.ip_pools] == ["IPPool/p"] and [d.ref for d in m.nodes] == ["Node/minikube"]
    assert [d.ref for d in m.app_workloads] == ["Deployment/web"] and m.namespace == "app"
    assert [d.ref for d in m.kubernetes_objects] == ["Namespace/app", "Deployment/web"]
    assert m.ip_pools[0].namespace is None and m.app_workloads[0].namespace == "app"


def test_a_list_is_flattened_with_item_lines(tmp_path):
    m = load_manifests(write(tmp_path, {"l.yaml": "apiVersion: v1\nkind: List\nitems:\n"
                                        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n"
                                        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: b}\n"}))
    assert [(d.ref, d.line, d.item) for d in m.documents] == [("ConfigMap/a", 4, 0), ("ConfigMap/b", 7, 1)]


def test_a_yaml_error_names_file_and_line_and_the_rest_is_read(tmp_path):
    m = load_manifests(write(tmp_path, {"bad.yaml": POOL + "---\nkind: Service\n  name: [x\n",
                                        "good.yaml": DEPLOYMENT}))
    assert [d.ref for d in m.documents] == ["IPPool/p", "Deployment/web"]
    (error,) = m.findings
    assert (error.severity, error.file, error.doc_index, error.line) == ("error", "bad.yaml", 1, 9)
    assert "YAML does not parse" in error.message and m.unreadable == ["bad.yaml"]


def test_tabs_get_a_hint(tmp_path):
    m = load_manifests(write(tmp_path, {"t.yaml": "metadata:\n\tname: x\n"}))
    assert "use spaces" in m.findings[0].message


def test_repeated_keys_are_errors(tmp_path):
    m = load_manifests(write(tmp_path, {"r.yaml": "apiVersion: v1\nkind: ConfigMap\n"
                                                  "metadata:\n  name: a\n  name: b\n"}))
    assert "the key 'name' appears twice" in texts(m.findings) and m.findings[0].line == 5


def test_what_is_not_a_lab_object_is_reported_not_fatal(tmp_path):
    m = load_manifests(write(tmp_path, {
        "cfg.yaml": "apiVersion: projectcalico.org/v3\nkind: CalicoAPIConfig\nmetadata:\n"
                    "spec:\n  datastoreType: kubernetes\n",
        "policy.yaml": "apiVersion: crd.projectcalico.org/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\n",
        "script.yml": "minikube start --cni=calico\nkubectl get pods\n",
        "half.yaml": "metadata:\n  name: x\nspec: {}\n",
        "helm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n",
        "chart/Chart.yaml": "apiVersion: v2\nname: c\n", "chart/templates/d.yaml": "kind: {{ x }}\n",
        "latin1.yaml": "name: caf\xe9\n".encode("latin-1"),
        "ippool1": POOL, ".github/ci.yml": "on: push\n",
    }))
    got = {(f.file, f.severity): f.message for f in m.findings}
    assert "client configuration" in got[("cfg.yaml", "warning")]
    assert "not part of the lab" in got[("policy.yaml", "warning")]
    assert "this document is a str" in got[("script.yml", "warning")]
    assert "has no apiVersion or kind" in got[("half.yaml", "error")]
    assert "a Helm template" in got[("helm.yaml", "warning")]
    assert "this is a Helm chart: render it" in got[("chart/Chart.yaml", "error")]
    assert "not UTF-8" in got[("latin1.yaml", "error")]
    assert "rename it ippool1.yaml" in got[("ippool1", "warning")]
    assert not any(".github" in f.file for f in m.findings) and m.kubernetes_objects == []


def test_values_are_what_kubectl_sends(tmp_path):
    m = load_manifests(write(tmp_path, {"c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"
                                        "data:\n  2: two\n  day: 2024-01-31\n  yes: true\n  eq: =\n"}))
    assert m.documents[0].body["data"] == {"2": "two", "day": "2024-01-31", "true": True, "eq": "="}


def test_locate_finds_the_line_of_a_field(tmp_path):
    m = load_manifests(write(tmp_path, {"d.yaml": "---\n" + DEPLOYMENT}))
    doc = m.documents[0]
    located = m.locate(Finding.error("bad image", "Deployment/web", "spec.template.spec.containers[0].image"))
    assert (located.file, located.line, located.doc_index) == ("d.yaml", 12, 0)
    assert doc.line_of("spec.template.spec.containers[5].image") == 11   # nearest existing part
    assert str(located) == ("ERROR d.yaml:12 (document 1) Deployment/web "
                            "spec.template.spec.containers[0].image: bad image")


def test_a_missing_folder_is_a_finding(tmp_path):
    m = load_manifests(tmp_path / "nope")
    assert m.documents == [] and "does not exist" in m.findings[0].message
