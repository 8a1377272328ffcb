"""Manifests for the measurements: a large corpus in the lab's shapes, and the reference scaled up."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from fixtures.gate.lab_app import LAB_IMAGE, LAB_TAG

DOCS_PER_FILE = 25
IMAGE = f"{LAB_IMAGE}:{LAB_TAG}"


def lab_documents(index: int) -> list[str]:
    """One rack's worth of the lab: an IPPool, a ConfigMap, a Deployment using it, a Service."""
    i = index
    return [
        f"apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n  name: rack-{i}-ippool\nspec:\n"
        f"  cidr: 10.{i // 256}.{i % 256}.0/24\n  blockSize: 26\n  ipipMode: Always\n  natOutgoing: true\n"
        f"  nodeSelector: rack == \"{i}\"\n",
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: react-config-{i}\ndata:\n"
        f"  REACT_APP_USERNAME: Student {i}\n  REACT_APP_COMPANY_NAME: ITMO University\n",
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: react-app-{i}\n  labels: {{app: react-app-{i}}}\n"
        f"spec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: react-app-{i}}}\n  template:\n"
        f"    metadata:\n      labels: {{app: react-app-{i}}}\n    spec:\n      containers:\n"
        f"        - name: react-app\n          image: {IMAGE}\n"
        f"          envFrom: [{{configMapRef: {{name: react-config-{i}}}}}]\n"
        f"          ports: [{{name: http, containerPort: 3000}}]\n"
        f"          resources: {{limits: {{memory: 1Gi}}}}\n",
        f"apiVersion: v1\nkind: Service\nmetadata:\n  name: react-service-{i}\nspec:\n"
        f"  selector: {{app: react-app-{i}}}\n  ports: [{{name: http, port: 3000, targetPort: http}}]\n",
    ]


def write_corpus(folder: Path, count: int) -> list[Path]:
    """`count` documents (a multiple of 4 is exact), DOCS_PER_FILE to a multi-document file."""
    folder.mkdir(parents=True, exist_ok=True)
    docs = [doc for i in range(-(-count // 4)) for doc in lab_documents(i)][:count]
    files = []
    for start in range(0, len(docs), DOCS_PER_FILE):
        path = folder / f"lab-{start // DOCS_PER_FILE:03}.yaml"
        path.write_text("---\n".join(docs[start:start + DOCS_PER_FILE]))
        files.append(path)
    return files


def scaled_copy(source: Path, target: Path, replicas: int) -> Path:
    """A copy of the manifests whose Deployments ask for `replicas` (the only change)."""
    shutil.copytree(source, target)
    changed = 0
    for path in sorted(target.glob("*.y*ml")):
        text, count = re.subn(r"(?m)^(\s*replicas:\s*)\d+", rf"\g<1>{replicas}", path.read_text())
        path.write_text(text)
        changed += count
    if not changed:
        raise ValueError(f"no `replicas:` line in the manifests of {source}")
    return target
