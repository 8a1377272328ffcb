"""minikube's memory per node and what two nodes ask of Docker (docs/platform.md §1.10).

The expected numbers are worked out by hand from kubernetes/minikube v1.38.1 `cmd/minikube/cmd/start.go`
suggestMemoryAllocation (fallback 3072, maximum 6144, containerLimit − 48, a quarter of the RAM in whole
100 MB divided by the nodes) and `pkg/util/utils.go` CalculateSizeInMB (a bare number is MB, units binary).
"""
import json

import pytest

from fixtures.cluster.providers.minikube_resources import (
    Ask,
    DockerCapacity,
    cpus,
    docker_capacity,
    memory_mb,
    shortfall,
    suggested_memory_mb,
)

MIB = 2**20


@pytest.mark.parametrize("system, container, nodes, expected", [
    (16384, 16384, 2, 3072),    # Linux laptop: 4000 / 2 = 2000, raised to the 3072 fallback
    (16384, 8192, 2, 3072),     # Docker Desktop with 8 GB on a 16 GB Mac
    (32768, 8192, 2, 4050),     # int(81.92) * 100 / 2 = 4050, under 8192 - 48
    (65536, 8192, 2, 8144),     # 8150 capped at Docker's 8192 - 48: two nodes ask 16288 of 8192
    (131072, 131072, 2, 16350),  # a big Linux host: a quarter of it, halved
    (32768, 0, 1, 6144),        # a VM driver: capped at the 6144 maximum
    (2048, 0, 1, 2048),         # less RAM than the fallback: all of it
    (16384, 2500, 2, 2500),     # Docker has less than the fallback: all of Docker's
    (16384, 16384, 1, 4000),    # one node: a quarter of the RAM
])
def test_suggested_memory_per_node_is_minikubes(system, container, nodes, expected):
    assert suggested_memory_mb(system, container, nodes) == expected


@pytest.mark.parametrize("given, expected", [
    ("3072", 3072), ("3g", 3072), ("3G", 3072), ("2048m", 2048), ("2048mb", 2048), ("1.5g", 1536),
    ("4GiB", 4096), ("max", None), ("no-limit", None),
])
def test_memory_is_read_as_minikube_reads_it(given, expected):
    assert memory_mb(given) == expected


@pytest.mark.parametrize("given", ["lots", "3 gigs", "-1", ""])
def test_a_bad_memory_names_the_forms(given):
    with pytest.raises(ValueError, match="is not a size"):
        memory_mb(given)


def test_cpus():
    assert cpus("4") == 4 and cpus("max") is None
    with pytest.raises(ValueError, match="is not a number"):
        cpus("two")


def test_docker_info_gives_memtotal_and_ncpu():
    info = {"ID": "x", "NCPU": 4, "MemTotal": 8 * 1024 * MIB - 5 * MIB, "OperatingSystem": "Docker Desktop"}
    assert docker_capacity(json.dumps(info)) == DockerCapacity(memory_mb=8187, cpus=4, desktop=True)
    assert docker_capacity("Cannot connect") is None


def test_two_default_nodes_overcommit_a_4_gib_docker_desktop():
    problem = shortfall(DockerCapacity(4096, 4, desktop=True), Ask(2, 3072, 2))
    assert "gives each of its 2 nodes 3072 MiB, 6144 MiB together" in problem
    assert "Docker offers only 4096 MiB" in problem
    assert "Docker Desktop's memory limit (Settings → Resources → Memory) to at least 6144 MiB" in problem
    assert "--memory=2000" in problem


def test_they_fit_when_docker_has_room():
    assert shortfall(DockerCapacity(16384, 4, desktop=False), Ask(2, 3072, 2)) is None
    assert shortfall(DockerCapacity(4096, 4, desktop=True), Ask(2, 2000, 2)) is None
    assert shortfall(DockerCapacity(4096, 4, desktop=True), Ask(2, 0, 0)) is None  # --memory=no-limit


def test_too_little_for_two_minimal_nodes_says_only_docker_can_grow():
    problem = shortfall(DockerCapacity(3000, 4, desktop=False), Ask(2, 3000, 2))
    assert "--memory" not in problem and "below minikube's minimum" in problem


def test_an_existing_profile_cannot_change_its_memory():
    problem = shortfall(DockerCapacity(4096, 4, desktop=True), Ask(2, 3072, 2, existing="lab4"))
    assert "minikube profile lab4 gives each of its 2 nodes 3072 MiB" in problem
    assert "minikube delete -p lab4`) and run again with --memory=2000" in problem


def test_too_few_cpus_for_one_node():
    problem = shortfall(DockerCapacity(16384, 1, desktop=True), Ask(2, 3072, 2))
    assert "Docker offers 1 CPU(s), but each minikube node asks for 2" in problem
