"""R12: "a diagram of containers and services": the report draws the live topology (nodes and their
racks, each node's pool, the app pods with their IPs, the Service and its endpoints, the
port-forward path, Calico and CoreDNS) as an inline SVG, read from the cluster at this moment."""
import pytest

from fixtures.report.topology import read_topology, render_svg, undrawn_facts

pytestmark = pytest.mark.requirement("R12")


def test_the_report_draws_the_live_topology(kube, provisioned, evidence):
    topology = read_topology(kube)
    svg = render_svg(topology)
    evidence.figure("The live topology (drawn from the cluster)", svg)
    gaps = topology.gaps()
    assert not gaps, provisioned.explain(f"the diagram lacks pieces of the lab: {'; '.join(gaps)}")
    undrawn = undrawn_facts(topology, svg)
    assert not undrawn, f"the drawing does not show {', '.join(undrawn)}"
