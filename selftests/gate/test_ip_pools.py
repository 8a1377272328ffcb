"""IPPool normalisation and checks (calicoctl's rules, docs/lab.md R4/R5)."""
from __future__ import annotations

import pytest

from fixtures.gate import ip_pools


def pool(name="rack-0", cidr="192.168.0.0/24", selector='rack == "0"', api="projectcalico.org/v3", **spec):
    body = {"apiVersion": api, "kind": "IPPool", "metadata": {"name": name},
            "spec": {"cidr": cidr, "nodeSelector": selector, **spec}}
    return body


def rack_pools():
    return [pool(), pool("rack-1", "192.168.1.0/24", 'rack == "1"')]


def messages(findings, severity="error"):
    return [f.message for f in findings if f.severity == severity]


def test_crd_body_writes_calicoctls_defaults():
    body = ip_pools.to_crd_body({"apiVersion": "projectcalico.org/v3", "kind": "IPPool",
                                 "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {"cidr": "10.0.0.0/24"}})
    assert body == {"apiVersion": "crd.projectcalico.org/v1", "kind": "IPPool",
                    "metadata": {"name": "p", "labels": {"a": "b"}},
                    "spec": {"cidr": "10.0.0.0/24", "blockSize": 26, "ipipMode": "Never", "vxlanMode": "Never",
                             "natOutgoing": False, "disabled": False, "nodeSelector": "all()",
                             "allowedUses": ["Workload", "Tunnel"], "assignmentMode": "Automatic"}}


def test_crd_body_keeps_what_the_student_wrote():
    spec = ip_pools.to_crd_body(pool(ipipMode="Always", natOutgoing=True, blockSize=28))["spec"]
    assert (spec["ipipMode"], spec["natOutgoing"], spec["blockSize"], spec["nodeSelector"]) == \
        ("Always", True, 28, 'rack == "0"')


def test_a_good_pool_has_no_findings():
    assert ip_pools.check_pool(pool(ipipMode="Always", natOutgoing=True, vxlanMode="Never", blockSize=26)) == []
    assert ip_pools.check_pool(pool(api="crd.projectcalico.org/v1")) == []


@pytest.mark.parametrize("spec, expected", [
    ({"cidr": "10.244.102.1/24"}, "write 10.244.102.0/24"),
    ({"cidr": "10.244.300.0/24"}, "is not an IP network"),
    ({"cidr": None}, "spec.cidr is missing"),
    ({"cidr": "169.254.1.0/24"}, "link-local"),
    ({"ipipMode": "always"}, "write Always"),
    ({"vxlanMode": "crosssubnet"}, "write CrossSubnet"),
    ({"ipipMode": "Sometimes"}, "must be one of Always, CrossSubnet, Never"),
    ({"ipipMode": "Always", "vxlanMode": "Always"}, "both on"),
    ({"natOutgoing": "true"}, "write true without quotes"),
    ({"disabled": "no"}, "write false without quotes"),
    ({"blockSize": 16}, "between 20 and 32"),
    ({"blockSize": "26"}, "is not a number"),
    ({"cidr": "192.168.0.0/27", "blockSize": 26}, "smaller than one /26 block"),
    ({"nodeselector": 'rack == "0"'}, "did you mean 'nodeSelector'"),
    ({"ipip": {"enabled": True}}, "write ipipMode: Always"),
    ({"nodeSelector": 'rack = "0"'}, "does not parse: expected == at column 6"),
    ({"nodeSelector": 0}, "must be a string"),
    ({"allowedUses": ["Pods"]}, "are not among Workload, Tunnel, LoadBalancer"),
])
def test_pool_errors(spec, expected):
    body = pool()
    body["spec"].update(spec)
    found = messages(ip_pools.check_pool(body))
    assert any(expected in m for m in found), found


def test_small_pool_is_fine_when_disabled():
    assert ip_pools.check_pool(pool(cidr="192.168.0.0/27", disabled=True)) == []


@pytest.mark.parametrize("body, expected", [
    (pool(api="projectcalico.org/v1"), "an IPPool is projectcalico.org/v3"),
    (pool(name="Rack_0"), "is not a valid name"),
    ({**pool(), "cidr": "10.0.0.0/24"}, "unknown top-level field 'cidr'"),
    ({"apiVersion": "projectcalico.org/v3", "kind": "IPPool", "metadata": {"name": "p"}}, "no spec"),
])
def test_envelope_errors(body, expected):
    assert any(expected in m for m in messages(ip_pools.check_pool(body)))


@pytest.mark.parametrize("spec, expected", [
    ({"assignmentMode": "Manual"}, "never picks this pool"),
    ({"allowedUses": ["Tunnel"]}, "no Workload"),
    ({"cidr": "fd00::/64", "blockSize": 122}, "IPv6"),
])
def test_pool_warnings(spec, expected):
    body = pool()
    body["spec"].update(spec)
    assert any(expected in m for m in messages(ip_pools.check_pool(body), "warning"))


def test_two_exclusive_rack_pools_pass():
    assert ip_pools.check_pool_set(rack_pools()) == []


def test_overlap_is_reported_on_the_later_pool():
    found = ip_pools.check_pool_set([pool(cidr="10.0.0.0/16"), pool("rack-1", "10.0.5.0/24", 'rack == "1"')])
    errors = [f for f in found if f.is_error]
    assert len(errors) == 1 and errors[0].object == "IPPool/rack-1" and "overlaps IPPool/rack-0" in errors[0].message


def test_pools_inside_minikubes_default_range_get_a_warning():
    found = ip_pools.check_pool_set([pool(cidr="10.244.1.0/24"), pool("rack-1", "10.244.2.0/24", 'rack == "1"')])
    assert [f.severity for f in found] == ["warning", "warning"]
    assert "delete default-ipv4-ippool" in found[0].message


@pytest.mark.parametrize("pools, expected", [
    (rack_pools()[:1], "at least two enabled pools"),
    ([pool(), pool("rack-1", "192.168.1.0/24", 'rack == "0"')], "at least two enabled pools"),
    ([*rack_pools(), pool("default-ipv4-ippool", "10.244.0.0/16", "all()")], "selects every node"),
    ([*rack_pools(), pool("any-rack", "10.0.0.0/24", "has(rack)")], "is also selected by IPPool/any-rack"),
    ([pool(), pool("rack-0", "192.168.1.0/24", 'rack == "1"')], "a second pool named 'rack-0'"),
    ([pool(), pool("rack-1", "192.168.1.0/24", 'rack == "1"', disabled=True)], "at least two enabled pools"),
])
def test_pool_set_errors(pools, expected):
    assert any(expected in m for m in messages(ip_pools.check_pool_set(pools)))


def test_a_disabled_default_pool_is_fine():
    pools = [*rack_pools(), pool("default-ipv4-ippool", "10.244.0.0/16", "all()", disabled=True)]
    assert messages(ip_pools.check_pool_set(pools)) == []


def test_selectors_it_cannot_invert_are_warned_about():
    pools = [*rack_pools(), pool("odd", "10.0.0.0/24", 'rack != "0" && rack != "1"')]
    assert any("cannot derive node labels" in m for m in messages(ip_pools.check_pool_set(pools), "warning"))


def test_pool_lookup_helpers():
    pools = rack_pools()
    assert ip_pools.pool_for_labels(pools, {"rack": "1"}) is pools[1]
    assert ip_pools.pool_for_labels(pools, {"rack": "9"}) is None
    assert ip_pools.pool_for_labels([*pools, pool("all", "10.0.0.0/24", "all()")], {"rack": "1"}) is None
    assert ip_pools.pools_selecting([pool(disabled=True)], {"rack": "0"}) == []
    assert ip_pools.pools_selecting([pool(assignmentMode="Manual")], {"rack": "0"}) == []
    assert ip_pools.node_labels_for(pools[0]) == {"rack": "0"}
    assert ip_pools.ip_in_pool("192.168.1.7", pools[1]) and ip_pools.ip_in_pool("192.168.1.7/32", pools[1])
    assert not ip_pools.ip_in_pool("192.168.2.7", pools[1])
    assert ip_pools.ip_in_pool("10.244.102.9", pool(cidr="10.244.102.1/24"))   # read as Calico does


def test_node_labels_against_pools():
    def node(name, **labels):
        return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels}}
    assert ip_pools.check_node_labels(rack_pools(), [node("a", rack="0"), node("b", rack="1")]) == []
    found = ip_pools.check_node_labels(rack_pools(), [node("a", culture="1"), node("b", rack="1")])
    assert [f.object for f in found] == ["Node/a"] and "select no enabled pool" in found[0].message
    found = ip_pools.check_node_labels(rack_pools(), [node("a", rack="0"), node("b", rack="0")])
    assert "same rack" in found[0].message
