"""The R12 drawing as a pure function: every fact of the topology is drawn, all text is escaped."""
import dataclasses
import xml.etree.ElementTree as ET

from fixtures.report.topology import Node, Pod, Pool, Service, render_svg
from selftests.report.sample import reference_topology

SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(svg: str) -> list[str]:
    return [el.text or "" for el in ET.fromstring(svg).iter(f"{SVG}text")]


def drawn(svg: str, fact: str) -> bool:
    return any(fact in text for text in drawn_texts(svg))


def test_the_reference_topology_draws_every_fact():
    topology = reference_topology()
    svg = render_svg(topology)
    facts = topology.facts()
    assert {"192.168.0.0/24", "192.168.1.0/24", "192.168.0.66", "192.168.1.2", "rack=0", "rack=1",
            "react-service", "calico-node", "calico-kube-controllers", "CoreDNS"} <= set(facts)
    assert [f for f in facts if not drawn(svg, f)] == []
    assert topology.gaps() == []


def test_the_port_forward_path_is_drawn_from_the_students_machine():
    svg = render_svg(reference_topology())
    assert drawn(svg, "Student's machine") and drawn(svg, "kube-apiserver")
    assert drawn(svg, "kubectl port-forward service/react-service 3000:3000")
    assert drawn(svg, "pods/react-app-7c9f8d6b5-q8w7e/portforward")
    assert len(ET.fromstring(svg).findall(f"{SVG}polyline")) == 2   # machine -> apiserver -> pod


def test_each_endpoint_gets_a_line_from_the_service_and_the_lines_never_cross():
    base = reference_topology()
    reversed_endpoints = dataclasses.replace(base.service, endpoints=tuple(reversed(base.service.endpoints)))
    svg = render_svg(dataclasses.replace(base, service=reversed_endpoints))
    lines = [el for el in ET.fromstring(svg).iter(f"{SVG}line") if el.get("marker-end")]
    assert len(lines) == 2
    starts, ends = ([float(line.get(attr)) for line in lines] for attr in ("x1", "x2"))
    assert sorted(range(2), key=starts.__getitem__) == sorted(range(2), key=ends.__getitem__)


def test_text_is_escaped():
    hostile = "<script>alert('x')</script>&"
    topology = reference_topology(nodes=(Node(hostile, "1.2.3.4", True, (("rack", hostile),), ()),))
    svg = render_svg(topology)
    assert "<script>" not in svg
    assert drawn(svg, f"node {hostile}")      # parsed back, the text is the original
    assert drawn(svg, f"rack={hostile}")


def test_a_long_name_is_drawn_smaller_not_cut():
    long_name = "react-app-" + "x" * 120
    topology = reference_topology(
        pods=(Pod(long_name, "default", "lab4", "192.168.0.66", "app", True, "rack-0-ippool"),))
    svg = render_svg(topology)
    text = next(el for el in ET.fromstring(svg).iter(f"{SVG}text") if long_name in (el.text or ""))
    assert float(text.get("font-size")) < 13


def test_missing_pieces_are_named_and_drawn_as_missing():
    base = reference_topology()
    topology = dataclasses.replace(
        base, nodes=(base.nodes[0], dataclasses.replace(base.nodes[1], rack_labels=(("culture", "1"),), pools=())),
        service=None, forward=None)
    gaps = topology.gaps()
    assert any("no IP pool selects node lab4-m02" in g and "culture=1" in g for g in gaps), gaps
    assert "no Service selects the app pods" in gaps
    svg = render_svg(topology)
    assert drawn(svg, "no IP pool selects this node") and drawn(svg, "no Service selects the app pods")


def test_a_service_without_endpoints_is_a_gap():
    base = reference_topology()
    topology = dataclasses.replace(base, service=dataclasses.replace(base.service, endpoints=()))
    assert topology.gaps() == ["Service react-service has no ready endpoints"]
    assert drawn(render_svg(topology), "endpoints: none")


def test_one_node_is_a_gap():
    base = reference_topology()
    topology = dataclasses.replace(base, nodes=base.nodes[:1])
    assert "the cluster has 1 node(s), the lab's diagram has 2" in topology.gaps()


def test_pools_that_select_no_node_are_listed():
    base = reference_topology()
    topology = dataclasses.replace(base, pools=base.pools + (Pool("spare", "10.0.9.0/24", 'zone == "x"'),))
    assert drawn(render_svg(topology), "Enabled IP pools that select no node: spare 10.0.9.0/24")


def test_a_pod_outside_every_pool_is_marked():
    base = reference_topology()
    pod = dataclasses.replace(base.pods[0], ip="10.244.0.5", pool=None)
    svg = render_svg(dataclasses.replace(base, pods=(pod,) + base.pods[1:]))
    assert drawn(svg, "IP 10.244.0.5 (outside every pool)")


def test_service_type_and_ports_are_shown():
    base = reference_topology()
    service = Service("web", "labs", "NodePort", "10.96.0.9", "80->3000", ("192.168.0.66",))
    svg = render_svg(dataclasses.replace(base, service=service))
    assert drawn(svg, "Service labs/web") and drawn(svg, "NodePort 10.96.0.9 · ports 80->3000")
