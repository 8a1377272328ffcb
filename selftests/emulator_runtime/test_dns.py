from emulator.base.faults import CROSS_NODE_DROP, DNS_BROKEN
from selftests.emulator_runtime.execs import run

HEADER = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"


def test_nslookup_of_a_pod_fqdn(cluster):
    result = run(cluster.api, "react-a", ["nslookup", "192-168-1-2.default.pod.cluster.local"])
    assert result.returncode == 0
    # the A answer, then the AAAA query's empty NOERROR answer (an empty line)
    assert result.stdout == HEADER + "Name:\t192-168-1-2.default.pod.cluster.local\nAddress: 192.168.1.2\n\n\n"


def test_nslookup_nxdomain(cluster):
    result = run(cluster.api, "react-a", ["nslookup", "nope.default.svc.cluster.local"])
    assert result.returncode == 1
    assert result.stdout == HEADER + "** server can't find nope.default.svc.cluster.local: NXDOMAIN\n\n" * 2


def test_nslookup_short_service_name_walks_the_search_list(cluster):
    result = run(cluster.api, "react-b", ["nslookup", "react-service"])
    assert "Name:\treact-service.default.svc.cluster.local\nAddress: 10.100.0.50\n" in result.stdout
    # BusyBox 1.3x reports the other search candidates' NXDOMAIN and exits 1
    assert "** server can't find react-service.svc.cluster.local: NXDOMAIN" in result.stdout
    assert result.returncode == 1


def test_reverse_lookup_names_the_pod_by_its_service(cluster):
    result = run(cluster.api, "react-a", ["nslookup", "192.168.1.2"])
    assert result.returncode == 0
    assert "2.1.168.192.in-addr.arpa\tname = 192-168-1-2.react-service.default.svc.cluster.local\n" in result.stdout


def test_endpoint_name_under_the_service_resolves_to_that_pod(cluster):
    result = run(cluster.api, "react-a", ["ping", "-c", "1", "192-168-1-2.react-service.default.svc.cluster.local"])
    assert result.returncode == 0
    assert "(192.168.1.2)" in result.stdout


def test_dns_broken_answers_nxdomain_for_pod_names(cluster):
    cluster.view.faults.add(DNS_BROKEN)
    result = run(cluster.api, "react-a", ["nslookup", "192-168-1-2.default.pod.cluster.local"])
    assert result.returncode == 1
    assert "** server can't find 192-168-1-2.default.pod.cluster.local: NXDOMAIN" in result.stdout


def test_unreachable_coredns_times_out(cluster):
    cluster.view.faults.add(CROSS_NODE_DROP)
    result = run(cluster.api, "react-b", ["nslookup", "192-168-0-2.default.pod.cluster.local"])
    assert result.returncode == 1
    assert result.stdout == ";; connection timed out; no servers could be reached\n\n"


def test_resolv_conf_and_hosts_as_the_kubelet_writes_them(cluster):
    resolv = run(cluster.api, "react-b", ["cat", "/etc/resolv.conf"])
    assert resolv.stdout == ("nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local "
                             "cluster.local\noptions ndots:5\n")
    hosts = run(cluster.api, "react-b", ["cat", "/etc/hosts"])
    assert hosts.stdout.startswith("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n")
    assert hosts.stdout.endswith("192.168.1.2\treact-b\n")
