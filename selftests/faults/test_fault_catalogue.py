"""Every fault in docs/design.md#fault-catalogue: the suite fails exactly the requirements the fault breaks,
names the cause in a student's words, skips only what depends on them, and never hangs; a fault that
makes the cluster unreachable ends the run early with one paragraph and exit 4."""
import time

import pytest

from emulator.base.faults import (
    API_FLAKY,
    API_SLOW,
    APISERVER_RESTART,
    APP_CRASHLOOP,
    APP_NEVER_LISTENS,
    BY_NAME,
    CALICO_NODE_NOT_READY,
    CROSS_NODE_DROP,
    DNS_BROKEN,
    IPAM_IGNORES_SELECTORS,
    NO_CALICO,
    NO_PING,
    NODE_NOT_READY,
    POOL_DELETE_IGNORED,
    PORTFORWARD_REFUSED,
    SCHEDULER_PACKS,
    SINGLE_NODE,
    STREAM_STALL,
    THREE_NODES,
    TLS_MISMATCH,
)
from fixtures.report.requirements import NEEDS
from selftests.suite.runner import leaked_strings, processes_mentioning, run_suite

# Bounds shrink 33-fold: calico 9 s, rollout and app 18 s; enough for the emulator's quick timeline.
FACTOR = "--timeout-factor=0.03"
WITHIN = 150.0  # seconds for a whole faulted run, waits that run out included

# fault -> {requirement that must fail: words its failure must contain}
EXPECTED = {
    SINGLE_NODE: {"R1": "the cluster has 1 node(s)"},
    THREE_NODES: {"R1": "the cluster has 3 node(s)"},
    NO_CALICO: {"R1": "Calico is not the cluster's CNI", "R2": "no calico-node pod on lab4"},
    CALICO_NODE_NOT_READY: {"R2": "calico-node on lab4-m02 is not Ready"},
    NODE_NOT_READY: {"R2": "node lab4-m02 is not Ready"},
    POOL_DELETE_IGNORED: {"R5": "default-ipv4-ippool"},
    IPAM_IGNORES_SELECTORS: {"R5": "outside rack-"},
    SCHEDULER_PACKS: {"R6": "both replicas run on lab4", "R10": "no app pod runs on another node"},
    APP_NEVER_LISTENS: {"R8": "does not answer", "R9": "does not answer"},
    APP_CRASHLOOP: {"R6": "CrashLoopBackOff"},
    DNS_BROKEN: {"R10": "did not resolve"},
    CROSS_NODE_DROP: {"R10": "lab4"},
    NO_PING: {"R10": "has no ping"},
    PORTFORWARD_REFUSED: {"R8": "does not answer", "R9": "does not answer"},
    STREAM_STALL: {"R8": "stalled", "R9": "stalled", "R10": "stalled"},
    API_FLAKY: {},
    API_SLOW: {},
    APISERVER_RESTART: {},    # the suite's retries carry it: every stream and call comes back
}
# fault -> what the one paragraph that ends the run must say
ENDS_RUN = {
    TLS_MISMATCH: ("the kubeconfig's CA is not the one that signed the server's certificate",
                   "minikube update-context -p lab4", "kind export kubeconfig --name lab4"),
}


def dependents(requirements) -> set[str]:
    """Requirements that (transitively) need one of these, so may be skipped or fail with them."""
    found = set(requirements)
    grew = True
    while grew:
        grew = False
        for req, needs in NEEDS.items():
            if req not in found and found & set(needs):
                found.add(req)
                grew = True
    return found - set(requirements)


def test_the_expectations_cover_the_whole_catalogue():
    assert set(EXPECTED) | set(ENDS_RUN) == set(BY_NAME) and not set(EXPECTED) & set(ENDS_RUN)
    for name, fault in BY_NAME.items():
        assert fault.ends_run == (name in ENDS_RUN), name
        assert set(EXPECTED.get(name, ())) == set(fault.must_fail), name


# Registry credentials planted in every faulted run: they must not surface anywhere, whatever fails.
PLANTED = {"LAB4_REGISTRY_USER": "planted-user-7f3k", "LAB4_REGISTRY_PASSWORD": "planted-pass-Qx81z"}


@pytest.mark.parametrize("fault", sorted(EXPECTED))
def test_the_suite_names_what_the_fault_breaks(fault, tmp_path, monkeypatch):
    for name, value in PLANTED.items():
        monkeypatch.setenv(name, value)
    started = time.monotonic()
    run = run_suite("--cluster=emulator", f"--emulator-fault={fault}", FACTOR, workdir=tmp_path, timeout=WITHIN * 2)
    took = time.monotonic() - started
    verdicts = run.verdicts()
    must_fail = set(EXPECTED[fault])
    failed = {req for req, verdict in verdicts.items() if verdict in ("failed", "error")}
    context = f"{fault}: verdicts {verdicts}\n{run.output[-6000:]}"

    assert must_fail <= failed, context
    assert failed <= must_fail | dependents(must_fail), context
    for req, words in EXPECTED[fault].items():
        assert words in run.messages(req), f"{req} does not say {words!r}: {run.messages(req)}"
    for req, verdict in verdicts.items():
        if req not in failed:
            assert verdict in ("passed", "skipped"), context
    skipped_reasons = [c.message for c in run.cases if c.outcome == "skipped" and c.requirement not in ("R11",)]
    assert all("not checked because" in r or "browser" in r for r in skipped_reasons), skipped_reasons
    assert run.returncode == (1 if must_fail else 0), context
    assert took < WITHIN, f"{fault}: the run took {took:.0f} s"
    assert (tmp_path / "report.html").is_file() and (tmp_path / "junit.xml").is_file()
    assert "left running" not in run.output, run.output[-3000:]
    assert processes_mentioning(str(tmp_path)) == []
    assert leaked_strings(run, list(PLANTED.values())) == []


@pytest.mark.parametrize("fault", sorted(ENDS_RUN))
def test_the_run_ends_early_with_one_paragraph(fault, tmp_path):
    """As an unreachable cluster does (conftest's kube fixture: exit 4): no live requirement checked,
    no retry waited out, no traceback."""
    started = time.monotonic()
    run = run_suite("--cluster=emulator", f"--emulator-fault={fault}", FACTOR, workdir=tmp_path, timeout=WITHIN)
    took = time.monotonic() - started
    assert run.returncode == 4, run.output[-3000:]
    paragraph = next(line for line in run.output.splitlines() if "cannot reach the cluster" in line)
    for words in ENDS_RUN[fault]:
        assert words in paragraph, paragraph
    assert "Traceback" not in run.output and "AttributeError" not in run.output
    assert not any(c.outcome == "passed" for c in run.cases if c.requirement not in ("R11",)), run.output[-3000:]
    assert "retrying" not in run.output, "a certificate that does not verify was retried"
    assert took < WITHIN, f"{fault}: the run took {took:.0f} s"
    assert processes_mentioning(str(tmp_path)) == []
