"""The offline path (load, gate, report) over generated hand-ins: YAML, JSON, bytes, and mutations of
the real hand-ins of shared/corpus and of the reference manifests. Whatever the folder holds: no
exception, no finding of the gate's last-resort guard, every finding names a file of the folder or
says "(all files)", each example within EXAMPLE_BOUND.

Profiles (LAB4_FUZZ_PROFILE, see CONTRIBUTING.md): "ci", the default, is derandomized with a fixed
example count, so CI is deterministic and takes about 20 s; "long" runs many more random examples
for a search on your machine (`LAB4_FUZZ_PROFILE=long`).
"""
from __future__ import annotations

import copy
import datetime
import json
import os
import random
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.gate import redaction
from fixtures.gate.manifest_gate import SET_WIDE, SUITE_BUG, run_gate
from fixtures.gate.manifests import load_manifests
from fixtures.report.evidence import table_html, text_html
from selftests.gate.corpus import CORPUS

EXAMPLE_BOUND = datetime.timedelta(seconds=5)
settings.register_profile("ci", max_examples=600, derandomize=True, database=None, deadline=EXAMPLE_BOUND,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=5000, deadline=EXAMPLE_BOUND, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.load_profile(os.environ.get("LAB4_FUZZ_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted(p for p in [*CORPUS.rglob("*"), *(ROOT / "manifests").rglob("*.yaml")] if p.is_file())
SEED_TEXTS = [p.read_bytes() for p in SEEDS][:200]
SEED_SETS = [[d.body for d in load_manifests(folder).documents if isinstance(d.body, dict)]
             for folder in [*sorted(CORPUS.glob("*")), ROOT / "manifests"] if folder.is_dir()]
SEED_SETS = [bodies for bodies in SEED_SETS if bodies] or [[{"apiVersion": "v1", "kind": "ConfigMap"}]]

NAMES = st.sampled_from(["lab4.yaml", "ippool1", "deploy.yml", "svc.json", "README.md", "sub/app.yaml",
                         "Chart.yaml", "templates/x.yaml", "notes", ".hidden.yaml", "a b.yaml"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=25)
CONFUSING = [None, [], {}, "", "x", 0, -1, 2 ** 70, 1.5, True, [1], [{}], {"a": []}, ["a", {"b": 1}], "0:0", "*",
             {"kind": "Secret"}, "eyJhdXRocyI6IHt9fQ=="]
SPLICES = [b":", b"- ", b"{", b"[", b"&a ", b"*a", b"\t", b"\n  ", b"!!int ", b"---\n", b"\x00", b"\xff\xfe"]
YAML_BITS = st.text(alphabet=":-[]{}&*!|>#%@`'\"\t\n ,?abc012=", max_size=200)


def _paths(node, prefix=()):
    yield prefix
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _paths(child, (*prefix, key))


def _mutated_body(draw, body: dict) -> dict:
    """A copy of `body` with one to three values anywhere inside replaced: by a value of another
    type (what breaks code that trusts the schema), or by anything."""
    body = json.loads(json.dumps(body, default=str))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(body))[1:] or [()]))
        if not path:
            break
        node = body
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = copy.deepcopy(draw(st.sampled_from(CONFUSING) | VALUES))   # CONFUSING's lists are shared
    return body


def _mutated_bytes(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEED_TEXTS)) if SEED_TEXTS else b"a: 1\n")
    rng = random.Random(draw(st.integers(0, 2 ** 32)))
    for _ in range(draw(st.integers(1, 6))):
        at = rng.randrange(len(data) + 1)
        choice = rng.randrange(4)
        if choice == 0 and data:
            del data[at:at + rng.randrange(1, 40)]
        elif choice == 1:
            data[at:at] = rng.choice(SPLICES)
        elif choice == 2 and data:
            lines = bytes(data).split(b"\n")
            rng.shuffle(lines)
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
    return bytes(data)


@st.composite
def contents(draw) -> bytes:
    kind = draw(st.sampled_from(["yaml-values", "json-values", "yaml-objects", "json-object", "bytes",
                                 "yaml-bits", "mutated-text"]))
    if kind == "yaml-values":
        return yaml.safe_dump_all(draw(st.lists(VALUES, min_size=1, max_size=3)), allow_unicode=True).encode()
    if kind == "json-values":
        return json.dumps(draw(VALUES)).encode()
    if kind == "yaml-objects":      # a real hand-in's objects, some of them changed
        bodies = draw(st.sampled_from(SEED_SETS))
        return yaml.safe_dump_all([_mutated_body(draw, b) if draw(st.booleans()) else b for b in bodies],
                                  allow_unicode=True).encode()
    if kind == "json-object":
        return json.dumps(_mutated_body(draw, draw(st.sampled_from(draw(st.sampled_from(SEED_SETS)))))).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "yaml-bits":
        return draw(YAML_BITS).encode()
    return _mutated_bytes(draw)


@pytest.fixture
def fresh_secrets(monkeypatch):
    """The examples' Secrets are learnt into a registry of their own, not the worker's."""
    monkeypatch.setattr(redaction, "KNOWN", redaction.Secrets())


@given(st.dictionaries(NAMES, contents(), min_size=1, max_size=4))
def test_any_folder_goes_through_the_gate(tmp_path_factory, fresh_secrets, files):
    folder = tmp_path_factory.mktemp("hand-in")
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    manifests = load_manifests(folder)
    results = run_gate(manifests)
    for doc in manifests.secrets:
        redaction.learn_secret(doc.body)
    names = set(files) | {s.file for s in manifests.skipped}
    for result in results.values():
        table_html(result.title, result.rows or [{"checked": "nothing"}])
        text_html("findings", "\n".join(map(str, result.findings)))
        for finding in result.findings:
            assert finding.severity in ("error", "warning") and finding.message and SUITE_BUG not in finding.message, \
                finding
            assert finding.file == SET_WIDE or finding.file in names or finding.file.split(" (")[0] in names, finding
