"""Bounded waits say what they wait for, while waiting and when they give up."""
import logging
import time

import pytest

from fixtures.cluster.waiting import CannotSucceed, NotYet, WaitTimeout, wait_until


def test_returns_the_probe_value_once_it_holds():
    calls = []

    def probe():
        calls.append(1)
        if len(calls) < 3:
            raise NotYet(f"{len(calls)}/3 ready")
        return "done"

    assert wait_until("three things", probe, timeout=5, interval=0.05) == "done"
    assert len(calls) == 3


def test_gives_up_at_its_bound_naming_the_last_state(caplog):
    caplog.set_level(logging.INFO, logger="lab4.wait")
    started = time.monotonic()
    with pytest.raises(WaitTimeout) as raised:
        wait_until("calico-node Ready on every node", lambda: (_ for _ in ()).throw(NotYet("calico-node Ready 1/2")),
                   timeout=0.5, interval=0.1)
    took = time.monotonic() - started
    assert 0.4 < took < 0.5 * 1.1 + 0.1  # the bound plus 10%, plus one interval of slack
    assert "gave up waiting for calico-node Ready on every node after 0 s: calico-node Ready 1/2" in str(raised.value)
    assert any("waiting for calico-node Ready on every node: calico-node Ready 1/2" in r.getMessage()
               for r in caplog.records)


def test_other_errors_are_not_swallowed():
    with pytest.raises(KeyError):
        wait_until("a bug", lambda: {}["missing"], timeout=1)


def test_a_wait_that_cannot_succeed_ends_at_once_saying_why():
    calls = []

    def probe():
        calls.append(1)
        if len(calls) < 2:
            raise NotYet("pods with an IP: 0/2")
        raise CannotSucceed("no enabled IP pool selects node lab4")

    started = time.monotonic()
    with pytest.raises(CannotSucceed) as raised:
        wait_until("the app pods to get IPs", probe, timeout=30, interval=0.05)
    assert time.monotonic() - started < 1 and len(calls) == 2
    assert str(raised.value).startswith("no enabled IP pool selects node lab4 (stopped waiting for the app pods to get "
                                        "IPs after 0 s of 30 s")
