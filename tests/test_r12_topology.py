"""R12: "a diagram of containers and services": the report draws the live topology (nodes and their
racks, each node's pool, the app pods with their IPs, the Service and its endpoints, the
port-forward path, Calico and CoreDNS) as an inline SVG, read from the cluster at this moment."""
import xml.etree.ElementTree as ET

import pytest

from fixtures.report.topology import read_topology, render_svg

pytestmark = pytest.mark.requirement("R12")


def test_the_report_draws_the_live_topology(kube, provisioned, evidence):
    topology = read_topology(kube)
    svg = render_svg(topology)
    evidence.figure("The live topology (drawn from the cluster)", svg)
    gaps = topology.gaps()
    assert not gaps, provisioned.explain(f"the diagram lacks pieces of the lab: {'; '.join(gaps)}")
    texts = " ".join(el.text or "" for el in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))
    undrawn = [fact for fact in topology.facts() if fact not in texts]
    assert not undrawn, f"the drawing does not show {', '.join(undrawn)}"
