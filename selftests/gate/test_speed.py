"""The gate stays fast: the reference manifests in well under a second, 1,000 documents in seconds."""
from __future__ import annotations

import time
from pathlib import Path

from fixtures.gate.manifest_gate import run_gate
from fixtures.gate.manifests import load_manifests
from fixtures.gate.schemas import schema_set

REFERENCE = Path(__file__).resolve().parents[2] / "manifests"


def timed_gate(folder: Path) -> tuple[float, dict]:
    """The gate's CPU seconds: it is pure computation, and CPU time does not stretch when the self-tests'
    other workers share the machine (wall time did, on a loaded CI runner)."""
    start = time.process_time()
    results = run_gate(load_manifests(folder))
    return time.process_time() - start, results


def generated(folder: Path, count: int) -> Path:
    """`count` documents: pools, ConfigMaps, Deployments and Services, 25 per file."""
    docs = []
    for i in range(count // 4):
        docs += [
            f"apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: rack-{i}\nspec:\n"
            f"  cidr: 10.{i // 256}.{i % 256}.0/24\n  ipipMode: Always\n  nodeSelector: rack == \"{i}\"\n",
            f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-{i}\ndata:\n  REACT_APP_USERNAME: u{i}\n"
            f"  REACT_APP_COMPANY_NAME: c{i}\n",
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: 2\n"
            f"  selector:\n    matchLabels: {{app: app-{i}}}\n  template:\n    metadata:\n"
            f"      labels: {{app: app-{i}}}\n"
            f"    spec:\n      containers:\n        - name: app\n"
            f"          image: ifilyaninitmo/itdt-contained-frontend:master\n"
            f"          envFrom: [{{configMapRef: {{name: cfg-{i}}}}}]\n"
            f"          ports: [{{name: http, containerPort: 3000}}]\n",
            f"apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector: {{app: app-{i}}}\n"
            f"  ports: [{{port: 80, targetPort: http}}]\n",
        ]
    for n in range(0, len(docs), 25):
        (folder / f"part-{n // 25:03}.yaml").write_text("---\n".join(docs[n:n + 25]))
    return folder


def test_reference_manifests_pass_fast():
    schema_set()   # the schemas load once per run; the bound below is for the checks themselves
    elapsed, results = timed_gate(REFERENCE)
    assert not [f for r in results.values() for f in r.errors]
    assert elapsed < 0.5, f"{elapsed:.3f} s"


def test_a_thousand_documents_in_seconds(tmp_path):
    elapsed, results = timed_gate(generated(tmp_path, 1000))
    assert len(results["schemas"].rows) == 1000 and len(results["ip-pools"].rows) == 250
    assert elapsed < 10, f"{elapsed:.2f} s"
