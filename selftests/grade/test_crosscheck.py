"""The cross-checks on planted result blocks: each way of cheating (or slipping) is flagged with its
reason, and an honest report is not flagged at all."""
from __future__ import annotations

import pytest

from fixtures import SUITE_VERSION
from grade import crosscheck
from grade.crosscheck import report_flags, shared_identity_flags
from grade.roster import Entry
from selftests.grade.blocks import MANIFESTS, digests, emulator_verdicts, honest, own_cluster

ROSTER = Entry("Ivan Petrov", "K3321")


def flags_of(data, *, handed=None, emulator=None, roster=ROSTER):
    return report_flags(data, suite_version=SUITE_VERSION, handed=digests(MANIFESTS) if handed is None else handed,
                        emulator=emulator_verdicts() if emulator is None else emulator, roster=roster)


def codes(flags) -> set[str]:
    return {flag.code for flag in flags}


def test_an_honest_report_is_not_flagged():
    assert flags_of(honest()) == []
    assert shared_identity_flags({"ivanov": honest(), "petrov": honest("Petr Ivanov")}) == {}


def test_a_copied_report_is_flagged_on_both_rows_naming_the_other_student():
    copied = honest()
    flags = shared_identity_flags({"ivanov": copied, "petrov": copied, "sidorov": honest("Sidor Sidorov")})
    assert set(flags) == {"ivanov", "petrov"}
    (on_ivanov,), (on_petrov,) = flags["ivanov"], flags["petrov"]
    assert on_ivanov.code == on_petrov.code == crosscheck.SAME_CLUSTER
    assert "petrov" in on_ivanov.text and "ivanov" in on_petrov.text
    for what in ("kube-system UID", "systemUUID of node lab4", "systemUUID of node lab4-m02", "API server CA"):
        assert what in on_ivanov.text


@pytest.mark.parametrize("field, named", [
    ("kube_system_uid", "kube-system UID"), ("ca_fingerprint", "API server CA"),
    ("node", "systemUUID of node lab4-m02")])
def test_one_shared_identity_value_is_enough_and_is_named(field, named):
    mine, theirs = own_cluster("a"), own_cluster("b")
    if field == "node":
        theirs["nodes"][1]["system_uuid"] = mine["nodes"][1]["system_uuid"]
    else:
        theirs[field] = mine[field]
    flags = shared_identity_flags({"a": honest(cluster=mine), "b": honest(cluster=theirs)})
    assert [f.text for f in flags["a"]] == [f"same cluster identity as b's report: {named}"]


def test_placeholders_are_not_identities():
    """The emulator's plain-http kubeconfig has no CA and an unread node has "?": equal, but no identity."""
    placeholder = {"description": "x", "kube_system_uid": "(no kube-system namespace)", "ca_fingerprint":
                   "no CA (plain http)", "nodes": [{"name": "lab4", "system_uuid": "?"}]}
    assert shared_identity_flags({"a": honest(cluster=placeholder), "b": honest(cluster=dict(placeholder)),
                                  "c": honest(cluster=None, cluster_note="not reached in this run")}) == {}


def test_a_report_made_on_the_emulator_is_flagged():
    flags = flags_of(honest(provider="emulator"))
    assert codes(flags) == {crosscheck.EMULATOR_REPORT}
    assert "emulated cluster" in flags[0].text
    assert codes(flags_of(honest(provider="none"))) == {crosscheck.OFFLINE_REPORT}


def test_a_hand_edited_verdict_is_flagged_naming_the_requirement():
    flags = flags_of(honest(), emulator=emulator_verdicts(R6="failed", R10="failed"))
    assert codes(flags) == {crosscheck.VERDICTS_DIFFER}
    for req in ("R6", "R10"):
        assert f"{req} (report passed, emulator failed)" in flags[0].text


def test_verdicts_of_the_cluster_itself_and_undecided_ones_are_not_compared():
    """R1, R2, R12, R13 describe the cluster the suite ran on; a skip is no evidence either way."""
    emulator = emulator_verdicts(R1="failed", R2="failed", R12="failed", R13="not run", R7="skipped")
    assert flags_of(honest(), emulator=emulator) == []


def test_changed_manifests_are_flagged_naming_the_files():
    handed = MANIFESTS | {"service.yaml": b"kind: Service\nspec: {}\n", "extra.yaml": b"kind: ConfigMap\n"}
    del handed["ippools.yaml"]
    (flag,) = flags_of(honest(), handed=digests(handed))
    assert flag.code == crosscheck.MANIFESTS_DIFFER
    assert "changed since the report: service.yaml" in flag.text
    assert "in the report, not handed in: ippools.yaml" in flag.text
    assert "handed in, not in the report: extra.yaml" in flag.text


def test_a_wrong_name_or_group_is_flagged_but_case_and_spaces_are_not():
    assert flags_of(honest(student="ivan  PETROV ", group="k3321")) == []
    flags = flags_of(honest(student="Petr Sidorov", group="K3322"))
    assert codes(flags) == {crosscheck.ROSTER_NAME, crosscheck.ROSTER_GROUP}
    assert "'Petr Sidorov'; the roster says 'Ivan Petrov'" in flags[0].text
    (unnamed,) = flags_of(honest(student=None), roster=Entry("Ivan Petrov", ""))
    assert "no student (run without --student)" in unnamed.text


def test_without_a_roster_names_are_not_compared():
    assert flags_of(honest(student="Anyone"), roster=None) == []


@pytest.mark.parametrize("version, flagged, says", [
    ("0.9", True, "its checks were older"), ("99.0", True, "update the grader"), ("v1", True, "not a version"),
    (SUITE_VERSION, False, "")])
def test_the_suite_version(version, flagged, says):
    flags = flags_of(honest(suite_version=version))
    assert codes(flags) == ({crosscheck.OLD_SUITE} if flagged else set())
    if flagged:
        assert says in flags[0].text
