"""What the emulated `kind create cluster` makes of a kind config (emulator.seed.kind_config).

kubernetes-sigs/kind v0.31.0: node names from `pkg/cluster/internal/providers/common/namer.go`; kubeadm's
control-plane taint unless `InitConfiguration.nodeRegistration.taints` is set (kubeadm v1beta3
NodeRegistrationOptions.Taints), applied as RFC 7386 merge patches matched on kind (`pkg/internal/patch`), and
lifted by kind only for one node (`pkg/cluster/internal/create/actions/kubeadminit/init.go`); strict decoding
(`pkg/internal/apis/config/encoding/load.go`).
"""
from __future__ import annotations

import pytest
import yaml

from emulator.seed.kind_config import KindConfigError, parse
from fixtures.cluster.providers.kind import KIND_CONFIG
from selftests.emulator_controllers.test_kind_flavour import TAINTED_CONFIG

TAINT = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}


def _taints(text: str) -> dict[str, tuple]:
    return {n.name: n.taints for n in parse(text, "lab4").nodes}


def test_two_nodes_keep_kubeadms_control_plane_taint():
    assert _taints(TAINTED_CONFIG) == {"lab4-control-plane": (TAINT,), "lab4-worker": ()}


def test_the_providers_patch_registers_the_control_plane_untainted():
    assert _taints(KIND_CONFIG) == {"lab4-control-plane": (), "lab4-worker": ()}


def test_a_cluster_wide_patch_matches_by_kind_and_a_wrong_kind_matches_nothing():
    wide = TAINTED_CONFIG + ("kubeadmConfigPatches:\n- |\n  kind: InitConfiguration\n"
                             "  nodeRegistration:\n    taints: []\n")
    assert _taints(wide)["lab4-control-plane"] == ()
    wrong = wide.replace("kind: InitConfiguration", "kind: JoinConfiguration")
    assert _taints(wrong)["lab4-control-plane"] == (TAINT,)


def test_one_node_is_untainted_by_kind_and_more_workers_are_numbered():
    single = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  disableDefaultCNI: true\n"
    assert _taints(single) == {"lab4-control-plane": ()}
    three = TAINTED_CONFIG + "  - role: worker\n"
    assert list(_taints(three)) == ["lab4-control-plane", "lab4-worker", "lab4-worker2"]


def test_the_flavour_has_kinds_subnets_addresses_and_kubeadm_config():
    flavor = parse(KIND_CONFIG, "lab4").flavor()
    assert [(n.name, n.ip, n.pod_cidr) for n in flavor.nodes] == [
        ("lab4-control-plane", "172.18.0.2", "10.244.0.0/24"), ("lab4-worker", "172.18.0.3", "10.244.1.0/24")]
    assert (flavor.service_subnet, flavor.api_port, flavor.kubeconfig_name) == ("10.96.0.0/16", 6443, "kind-lab4")
    uploaded = yaml.safe_load(flavor.cluster_configuration)
    assert uploaded["apiVersion"] == "kubeadm.k8s.io/v1beta4"
    assert uploaded["controlPlaneEndpoint"] == "lab4-control-plane:6443"
    assert "podSubnet: 10.244.0.0/16\n" in flavor.cluster_configuration   # what calico-node's regex reads


@pytest.mark.parametrize("text, words", [
    ("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha3\n", "unknown apiVersion: kind.x-k8s.io/v1alpha3"),
    (TAINTED_CONFIG + "featureGates: {}\n", "field featureGates is not imitated"),
    (TAINTED_CONFIG.replace("  - role: worker", "  - role: wrker"), '"wrker" is not a valid node role'),
    (TAINTED_CONFIG.replace("disableDefaultCNI: true", "disableDefaultCNI: false"), "does not imitate kindnet"),
    (TAINTED_CONFIG.replace("10.244.0.0/16", "10.244.0.0/33"), "invalid pod subnet"),
])
def test_a_config_it_cannot_imitate_is_refused_in_one_line(text, words):
    with pytest.raises(KindConfigError) as refused:
        parse(text, "lab4")
    assert words in str(refused.value) and "\n" not in str(refused.value)
