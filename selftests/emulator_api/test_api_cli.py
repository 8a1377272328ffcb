"""`python -m emulator`: serve (one line, serves until SIGTERM/SIGINT, exit 0), faults, bad arguments."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from emulator.base.faults import API_FLAKY, CATALOGUE, SINGLE_NODE, THREE_NODES

ROOT = Path(__file__).resolve().parents[2]


def _emulator(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "emulator", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_one_line_and_stops_cleanly(tmp_path, stop):
    kubeconfig = tmp_path / "kc"
    process = _emulator("serve", "--kubeconfig", str(kubeconfig), "--fault", THREE_NODES, "--time-scale", "0.1")
    try:
        line = process.stdout.readline()
        assert line.startswith("emulator: lab4 (3 nodes, Calico v3.31.3) at https://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        config = yaml.safe_load(kubeconfig.read_text())
        assert config["current-context"] == "lab4"
        assert config["clusters"][0]["cluster"]["server"] == url
        nodes = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "nodes", "-o", "name"],
                               capture_output=True, text=True, timeout=30).stdout.split()
        assert nodes == ["node/lab4", "node/lab4-m02", "node/lab4-m03"]
        process.send_signal(stop)
        out, err = process.communicate(timeout=10)
    finally:
        process.kill()
    assert process.returncode == 0 and out == "" and "Traceback" not in err


def test_faults_lists_the_catalogue():
    out, _ = _emulator("faults").communicate(timeout=30)
    lines = out.splitlines()
    assert len(lines) == len(CATALOGUE) and lines[0].startswith(SINGLE_NODE)
    assert any(line.startswith(API_FLAKY) for line in lines)


@pytest.mark.parametrize("args, message", [
    (("serve", "--kubeconfig", "/tmp/x", "--fault", "nope"), f"unknown fault nope; known faults: {SINGLE_NODE}"),
    (("serve",), "the following arguments are required: --kubeconfig"),
    (("serve", "--kubeconfig", "/tmp/x", "--time-scale", "0"), "--time-scale must be positive"),
    (("bogus",), "invalid choice: 'bogus'"),
    (("serve", "--kubeconfig", "/tmp/x", "--flavor", "kind", "--kind-config", "/nope"),
     "cannot read the kind config /nope: No such file or directory"),
    (("serve", "--kubeconfig", "/tmp/x", "--flavor", "kind", "--fault", SINGLE_NODE),
     f"fault {SINGLE_NODE} shapes minikube's cluster"),
    (("serve", "--kubeconfig", "/tmp/x", "--kind-config", "/x"), "--kind-config needs --flavor kind"),
])
def test_bad_arguments_are_one_line_exit_2(args, message):
    process = _emulator(*args)
    out, err = process.communicate(timeout=30)
    assert process.returncode == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err
