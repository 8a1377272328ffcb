"""The suite on the emulated cluster when the hand-in makes success impossible: the wait that meets it
ends at once with the cause and the fix (docs/design.md#waits), the checks that need what failed are
skipped naming that requirement, and provisioning keeps the default pool when no usable rack pool
was handed in.

Before issue 11, each of these waited out its whole bound: the bad-selector hand-in 1205 s at
--timeout-factor=1 (600 s in provisioning, 600 s in R6), a Deployment of another image 1206 s;
R9's loads through a missing Service were an error of their own.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from selftests.suite.conftest import QUICK
from selftests.suite.runner import run_suite

ROOT = Path(__file__).resolve().parents[2]
SETS = ROOT / "selftests" / "gate" / "sets"
REFERENCE = ROOT / "manifests"
ROLLOUT = "test_the_deployment_rolls_out_the_lab_image"
# At QUICK every wait's bound is 60 s (rollout, app) or 30 s (Calico): a certain failure must end far sooner.
WELL_BEFORE_THE_BOUND = 20.0


def hand_in(tmp_path: Path, edits: dict[str, tuple[str, str]] = (), drop: tuple[str, ...] = ()) -> Path:
    """The reference manifests with `edits` ({file: (old, new)}) made and the files in `drop` left out."""
    folder = shutil.copytree(REFERENCE, tmp_path / "manifests")
    for name in drop:
        (folder / name).unlink()
    for name, (old, new) in dict(edits).items():
        text = (folder / name).read_text()
        assert old in text, (name, old)
        (folder / name).write_text(text.replace(old, new))
    return folder


def on_the_emulator(folder: Path, tmp_path: Path, *options: str):
    return run_suite("--cluster=emulator", *options, f"--manifests={folder}", "-k", "not test_r13",
                     workdir=tmp_path / "run")


def test_the_bad_selector_hand_in_reaches_its_verdict_within_a_minute_at_factor_1(tmp_path):
    started = time.monotonic()
    run = on_the_emulator(SETS / "bad-pool-selector-syntax" / "manifests", tmp_path)    # --timeout-factor=1
    assert time.monotonic() - started < 60, run.output[-3000:]
    rollout = run.case(ROLLOUT)
    assert rollout.outcome == "failed" and rollout.seconds < 10
    assert "no configured Calico pools for node lab4-m02" in rollout.message
    assert "label the node for a pool, or fix the pools' nodeSelectors" in rollout.message
    assert {r: run.verdicts()[r] for r in ("R7", "R8", "R9", "R10")} == dict.fromkeys(("R7", "R8", "R9", "R10"),
                                                                                      "skipped")
    report = (tmp_path / "run" / "report.html").read_text()
    assert "did not create IPPool rack-0-ippool" in report and "calicoctl refuses such a pool" in report


def test_a_crd_pool_whose_selector_does_not_parse_is_named_when_no_pod_gets_an_address(tmp_path):
    """kubectl creates such a crd.projectcalico.org/v1 pool, and then Calico IPAM fails on every node."""
    folder = hand_in(tmp_path, {"ippools.yaml": ("apiVersion: projectcalico.org/v3\nkind: IPPool\nmetadata:\n"
                                                 "  name: rack-0-ippool", "apiVersion: crd.projectcalico.org/v1\n"
                                                 "kind: IPPool\nmetadata:\n  name: rack-0-ippool")})
    text = (folder / "ippools.yaml").read_text()
    (folder / "ippools.yaml").write_text(text.replace("nodeSelector: rack == \"0\"", "nodeSelector: rack = \"0\"", 1))
    run = on_the_emulator(folder, tmp_path, QUICK)
    rollout = run.case(ROLLOUT)
    assert rollout.outcome == "failed" and rollout.seconds < WELL_BEFORE_THE_BOUND, rollout
    assert "IPPool rack-0-ippool is enabled: its nodeSelector 'rack = \"0\"' does not parse" in rollout.message


def test_a_config_map_that_is_not_there_ends_the_rollout_wait(tmp_path):
    run = on_the_emulator(hand_in(tmp_path, {"deployment.yaml": ("name: react-config", "name: react-settings")}),
                          tmp_path, QUICK)
    rollout = run.case(ROLLOUT)
    assert rollout.outcome == "failed" and rollout.seconds < WELL_BEFORE_THE_BOUND, rollout
    assert 'the kubelet says "configmap "react-settings" not found"' in rollout.message


def test_an_image_the_registry_does_not_have_ends_the_rollout_wait(tmp_path):
    sidecar = ("containers:\n", "containers:\n        - name: backend\n"
                                "          image: ifilyaninitmo/itdt-contained-backend:master\n")
    run = on_the_emulator(hand_in(tmp_path, {"deployment.yaml": sidecar}), tmp_path, QUICK)
    rollout = run.case(ROLLOUT)
    assert rollout.outcome == "failed" and rollout.seconds < WELL_BEFORE_THE_BOUND, rollout
    assert "ifilyaninitmo/itdt-contained-backend:master' of container backend does not exist" in rollout.message
    assert "pull access denied" in rollout.message and "fix the image name or tag" in rollout.message


def test_a_node_selector_no_node_matches_ends_the_rollout_wait(tmp_path):
    pinned = ("      imagePullSecrets:", "      nodeSelector:\n        disktype: ssd\n      imagePullSecrets:")
    run = on_the_emulator(hand_in(tmp_path, {"deployment.yaml": pinned}), tmp_path, QUICK)
    rollout = run.case(ROLLOUT)
    assert rollout.outcome == "failed" and rollout.seconds < WELL_BEFORE_THE_BOUND, rollout
    assert "node(s) didn't match Pod's node affinity/selector" in rollout.message


def test_a_build_killed_for_memory_again_and_again_ends_the_wait_that_meets_it(tmp_path):
    """The restarts may come during the rollout wait (R6) or after it, while R8 waits for the page."""
    small = ("memory: 1Gi", "memory: 100Mi")
    run = on_the_emulator(hand_in(tmp_path, {"deployment.yaml": small}), tmp_path, QUICK)
    waits = [run.case(ROLLOUT), run.case("test_the_page_through_the_service_shows_user_and_company")]
    [met] = [c for c in waits if c.outcome == "failed"]
    assert met.seconds < WELL_BEFORE_THE_BOUND, met
    assert "OOMKilled, limit 100Mi" in met.message and "raise resources.limits.memory" in met.message


def test_no_workload_of_the_lab_image_skips_the_pod_address_check_at_once(tmp_path):
    run = on_the_emulator(SETS / "bad-other-image" / "manifests", tmp_path, QUICK)
    check = run.case("test_each_app_pod_ip_lies_in_its_rack_pool")
    assert check.outcome == "skipped" and "no workload runs ifilyaninitmo/itdt-contained-frontend" in check.message
    assert check.seconds < 5 and run.case("test_each_node_is_selected_by_exactly_one_rack_pool").seconds < 10


def test_the_loads_through_a_missing_service_are_skipped_naming_r7(tmp_path):
    run = on_the_emulator(hand_in(tmp_path, drop=("service.yaml",)), tmp_path, QUICK)
    loads = run.case("test_loads_through_the_service_show_one_pod")
    assert loads.outcome == "skipped" and "not checked because R7 failed" in loads.message
    assert run.verdicts()["R9"] == "passed"          # each pod's own page still shows its name and IP


def test_no_pools_handed_in_keeps_the_default_pool_and_says_why(tmp_path):
    run = on_the_emulator(hand_in(tmp_path, drop=("ippools.yaml",)), tmp_path, QUICK)
    gone = run.case("test_the_default_pool_is_gone")
    assert gone.outcome == "failed"
    assert "provisioning kept it: no usable rack pool was created (no IP pools are among the manifests)" in gone.message
    assert run.verdicts()["R6"] == "passed"          # the pods got addresses: the later checks mean something
