"""The report's result block: written once, read back as written, and every malformed form told apart."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from fixtures.gate import result_block as result
from fixtures.gate.result_block import BlockError, NoBlock, read, render
from grade import verdicts
from selftests.grade.blocks import honest

PAGE = "<!DOCTYPE html><html><body><h1>report</h1>{}<script>var x = 1;</script></body></html>"


def test_a_block_reads_back_as_written():
    data = honest()
    assert read(PAGE.format(render(data))) == data


def test_no_value_can_end_the_script_element():
    """A reason with markup in it (a manifest's text) stays inside the block and reads back intact."""
    hostile = "</script><script>alert(1)</script> & <!-- "
    data = honest()
    data["requirements"]["R6"] = {"verdict": "failed", "reason": hostile}
    block = render(data)
    body = block.removeprefix('<script type="application/json" id="lab4-result">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert read(PAGE.format(block))["requirements"]["R6"]["reason"] == hostile


def test_every_string_is_redacted_before_it_is_written():
    data = honest(student="Ivan hunter2-secret Petrov")
    block = render(data, redact=lambda text: text.replace("hunter2-secret", "[redacted]"))
    assert "hunter2-secret" not in block and read(PAGE.format(block))["student"] == "Ivan [redacted] Petrov"


def test_a_page_without_a_block():
    with pytest.raises(NoBlock, match="no result block"):
        read(PAGE.format("<p>an older report</p>"))


@pytest.mark.parametrize("block, says", [
    ('<script type="application/json" id="lab4-result">{not json</script>', "not JSON"),
    ('<script type="application/json" id="lab4-result">[1, 2]</script>', "not a JSON object"),
    (render(honest()) * 2, "2 result blocks"),
])
def test_malformed_blocks_say_what_is_wrong(block, says):
    with pytest.raises(BlockError, match=says):
        read(PAGE.format(block))


@pytest.mark.parametrize("change, says", [
    (lambda d: d["requirements"]["R4"].update(verdict="ok"), "requirements.R4.verdict 'ok'"),
    (lambda d: d["requirements"].pop("R13"), "requirements.R13 is missing"),
    (lambda d: d["manifests"]["files"].update({"a.yaml": "123"}), "manifests.files['a.yaml']"),
    (lambda d: d.update(schema=2), "schema is not 1"),
    (lambda d: d["cluster"]["nodes"].append("lab4"), "cluster.nodes"),
])
def test_a_block_of_the_wrong_shape(change, says):
    data = honest()
    change(data)
    with pytest.raises(BlockError, match="malformed") as caught:
        read(PAGE.format(render(data)))
    assert says in str(caught.value)


def test_manifest_digests_are_what_sha256sum_prints(tmp_path):
    if not shutil.which("sha256sum"):
        pytest.skip("coreutils' sha256sum is not installed")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_bytes("kind: Service\nname: ß\r\n".encode())
    printed = subprocess.run(["sha256sum", "sub/a.yaml"], cwd=tmp_path, capture_output=True, text=True, check=True,
                             timeout=30).stdout.split()[0]
    assert result.manifest_digests(tmp_path, ["sub/a.yaml"]) == {"sub/a.yaml": printed}


def test_a_reason_that_introduces_a_list_keeps_its_first_item():
    """R11's failures read "N error(s) in the manifests (concern):" and then the errors, one a line."""
    text = "Failed: 1 error(s) in the manifests (ip-pools):\nERROR (all files): the lab needs two pools\nERROR x"
    assert result.first_reason(text) == ("Failed: 1 error(s) in the manifests (ip-pools): "
                                               "ERROR (all files): the lab needs two pools")
    assert result.first_reason("\n  pod lab-1 is not Ready\nmore") == "pod lab-1 is not Ready"
    assert result.first_reason("ends with a colon:") == "ends with a colon:"
    assert result.first_reason("") == ""


def test_the_junit_fallback_keeps_the_first_error_of_r11(tmp_path):
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite><testcase name="test_ip_pools"><properties>'
        '<property name="requirement" value="R11"/></properties>'
        '<failure message="1 error(s) in the manifests (ip-pools):&#10;ERROR (all files): no pools">x</failure>'
        '</testcase></testsuite></testsuites>')
    assert verdicts.from_junit(junit)["R11"] == (
        "failed", "1 error(s) in the manifests (ip-pools): ERROR (all files): no pools")
