"""fixtures/gate/ping.py reads BusyBox's and iputils' ping alike (docs/platform.md §5)."""
from fixtures.gate.ping import parse

BUSYBOX = """PING 192-168-1-2.default.pod.cluster.local (192.168.1.2): 56 data bytes
64 bytes from 192.168.1.2: seq=0 ttl=62 time=0.123 ms
64 bytes from 192.168.1.2: seq=1 ttl=62 time=0.101 ms
64 bytes from 192.168.1.2: seq=2 ttl=62 time=0.081 ms

--- 192-168-1-2.default.pod.cluster.local ping statistics ---
3 packets transmitted, 3 packets received, 0% packet loss
round-trip min/avg/max = 0.081/0.100/0.123 ms
"""

IPUTILS_PARTIAL = """PING 10-0-0-1.app.pod.cluster.local (10.0.0.1) 56(84) bytes of data.
64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=0.045 ms

--- 10-0-0-1.app.pod.cluster.local ping statistics ---
3 packets transmitted, 1 received, +1 duplicates, 66.6667% packet loss, time 2031ms
rtt min/avg/max/mdev = 0.035/0.041/0.045/0.004 ms
"""


def test_busybox_output():
    seen = parse(BUSYBOX)
    assert (seen.target, seen.resolved_ip) == ("192-168-1-2.default.pod.cluster.local", "192.168.1.2")
    assert (seen.transmitted, seen.received, seen.loss_percent) == (3, 3, 0.0)
    assert seen.ttls == (62, 62, 62) and seen.replied and not seen.unresolved and not seen.missing


def test_iputils_output_with_duplicates_and_a_float_loss():
    seen = parse(IPUTILS_PARTIAL)
    assert seen.resolved_ip == "10.0.0.1"
    assert (seen.transmitted, seen.received) == (3, 1)
    assert abs(seen.loss_percent - 66.6667) < 1e-6


def test_total_loss_is_no_reply():
    seen = parse(BUSYBOX.replace("3 packets received, 0%", "0 packets received, 100%").replace("64 bytes", "x"))
    assert seen.received == 0 and not seen.replied and seen.loss_percent == 100.0


def test_an_unresolvable_name_in_either_dialect():
    assert parse("ping: bad address '1-2-3-4.default.pod.cluster.local'\n").unresolved
    assert parse("ping: foo.default.pod.cluster.local: Name or service not known\n").unresolved
    assert not parse(BUSYBOX).unresolved


def test_no_ping_in_the_image():
    assert parse("sh: ping: not found\n").missing
    assert parse('OCI runtime exec failed: exec: "ping": executable file not found in $PATH: unknown').missing
