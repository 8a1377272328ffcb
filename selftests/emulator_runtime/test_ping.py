import time

from emulator.base.faults import CROSS_NODE_DROP, DNS_BROKEN, NO_PING
from selftests.emulator_runtime.execs import ping_summary, ping_ttls, run

PEER_FQDN = "192-168-1-2.default.pod.cluster.local"


def test_cross_node_ping_by_pod_fqdn_crosses_ipip(cluster):
    result = run(cluster.api, "react-a", ["ping", "-c", "3", PEER_FQDN])
    assert result.returncode == 0, result
    assert result.stdout.startswith(f"PING {PEER_FQDN} (192.168.1.2): 56 data bytes\n")
    assert ping_summary(result.stdout) == (3, 3, 0)
    assert ping_ttls(result.stdout) == [62, 62, 62]
    assert f"--- {PEER_FQDN} ping statistics ---" in result.stdout
    assert "round-trip min/avg/max = " in result.stdout


def test_same_node_ping_loses_one_hop_less(cluster):
    result = run(cluster.api, "react-a", ["ping", "-c", "2", "-W", "1", "192-168-0-3.default.pod.cluster.local."])
    assert result.returncode == 0
    assert ping_ttls(result.stdout) == [63, 63]


def test_ping_of_itself_keeps_ttl_64(cluster):
    result = run(cluster.api, "react-b", ["ping", "-c", "1", "react-b"])
    assert result.returncode == 0
    assert "PING react-b (192.168.1.2)" in result.stdout
    assert ping_ttls(result.stdout) == [64]


def test_unresolvable_name_is_a_bad_address(cluster):
    result = run(cluster.api, "react-a", ["ping", "-c", "1", "no-such-pod.default.pod.cluster.local"])
    assert result.returncode == 1
    assert result.stderr == "ping: bad address 'no-such-pod.default.pod.cluster.local'\n"
    assert result.stdout == ""


def test_pods_insecure_resolves_any_dashed_ip_but_nobody_answers(cluster):
    result = run(cluster.api, "react-a", ["ping", "-c", "2", "-W", "1", "10-244-9-9.default.pod.cluster.local"])
    assert result.returncode == 1
    assert "(10.244.9.9)" in result.stdout
    assert ping_summary(result.stdout) == (2, 0, 100)
    assert "round-trip" not in result.stdout


def test_quiet_ping_prints_only_header_and_summary(cluster):
    result = run(cluster.api, "react-b", ["ping", "-q", "-c", "2", "192.168.0.2"])
    assert result.returncode == 0
    assert ping_ttls(result.stdout) == []
    assert ping_summary(result.stdout) == (2, 2, 0)


def test_deadline_ends_an_endless_ping(cluster):
    """ping.c: one echo a second until SIGALRM at -w; the alarm races the send at t=3, so BusyBox itself
    reports 3 or 4 sent, and a loaded machine may slip one second's send past the deadline (2)."""
    started = time.monotonic()
    result = run(cluster.api, "react-a", ["ping", "-w", "3", "192.168.1.2"])
    assert result.returncode == 0
    transmitted, received, loss = ping_summary(result.stdout)
    assert 2 <= transmitted <= 4 and received == transmitted and loss == 0
    assert time.monotonic() - started < 3.0 + 10.0   # the deadline ended it: without -w it never ends


def test_cross_node_drop_loses_every_packet_between_nodes_only(cluster):
    cluster.view.faults.add(CROSS_NODE_DROP)
    across = run(cluster.api, "react-a", ["ping", "-c", "2", "-W", "1", PEER_FQDN])
    beside = run(cluster.api, "react-a", ["ping", "-c", "1", "192.168.0.3"])
    assert across.returncode == 1 and ping_summary(across.stdout) == (2, 0, 100)
    assert beside.returncode == 0 and ping_summary(beside.stdout) == (1, 1, 0)


def test_cross_node_drop_also_cuts_the_far_pod_off_coredns(cluster):
    cluster.view.faults.add(CROSS_NODE_DROP)
    result = run(cluster.api, "react-b", ["ping", "-c", "1", "192-168-0-2.default.pod.cluster.local"])
    assert result.returncode == 1
    assert result.stderr == "ping: bad address '192-168-0-2.default.pod.cluster.local'\n"


def test_dns_broken_resolves_no_pod_fqdn(cluster):
    cluster.view.faults.add(DNS_BROKEN)
    result = run(cluster.api, "react-a", ["ping", "-c", "1", PEER_FQDN])
    assert result.returncode == 1
    assert result.stderr == f"ping: bad address '{PEER_FQDN}'\n"
    by_ip = run(cluster.api, "react-a", ["ping", "-c", "1", "192.168.1.2"])
    assert by_ip.returncode == 0


def test_no_ping_in_the_image(cluster):
    cluster.view.faults.add(NO_PING)
    through_shell = run(cluster.api, "react-a", ["sh", "-c", f"ping -c 1 {PEER_FQDN}"])
    assert through_shell.returncode == 127
    assert through_shell.stderr == "sh: ping: not found\n"
    direct = run(cluster.api, "react-a", ["ping", "-c", "1", PEER_FQDN])
    assert direct.returncode == 126
    assert 'exec: "ping": executable file not found in $PATH' in direct.stdout
