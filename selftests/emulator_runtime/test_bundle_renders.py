"""The app's bundle is real JavaScript that renders the lab's texts into #root (run with node
and a minimal DOM, since no browser is needed to prove it)."""
import json
import shutil
import subprocess

import pytest

from emulator.runtime.react_app import PLACEHOLDER, BuiltApp, terser_string

NODE = shutil.which("node")

DOM_SHIM = """
class Element { constructor(tag) { this.tag = tag; this.children = []; }
  append(child) { this.children.push(child); } appendChild(child) { this.children.push(child); return child; }
  get textContent() { return this.children.map(c => typeof c === "string" ? c : c.textContent).join(""); }
  lines() { return this.children.flatMap(c => typeof c === "string" ? [] :
            (c.children.every(x => typeof x === "string") ? [c.textContent] : c.lines())); } }
const root = new Element("div");
globalThis.Node = Element;
globalThis.document = { createElement: tag => new Element(tag), getElementById: id => id === "root" ? root : null };
"""


@pytest.mark.skipif(NODE is None, reason="no node on this machine")
def test_bundle_renders_the_inlined_values():
    app = BuiltApp(username="Ivan", company=None, hostname="react-a", ip="192.168.0.2", built_at=0)
    script = DOM_SHIM + app.bundle_js().decode() + "\nconsole.log(JSON.stringify(root.lines()));"
    done = subprocess.run([NODE, "-e", script], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        "Hi there!",
        "Container was started by user: Ivan",
        f"Container was started by company: {PLACEHOLDER}",
        "Container name is: react-a",
        "Container was started with IP: 192.168.0.2",
    ]


# What terser 5.51.4 printed for these values with react-scripts 5.0.1's terserOptions (run once by
# hand with `npm install terser@5`: docs/platform.md §8.1); the emulator must write the same bytes.
TERSER_PRINTED = {
    "Renée Müller": '"Ren\\xe9e M\\xfcller"',
    "Иван Петров": '"\\u0418\\u0432\\u0430\\u043d \\u041f\\u0435\\u0442\\u0440\\u043e\\u0432"',
    'O\'Brien "Ltd"': "'O\\'Brien \"Ltd\"'",
    "😀 emoji": '"\\ud83d\\ude00 emoji"',
    "back\\slash\nnl": '"back\\\\slash\\nnl"',
}


@pytest.mark.parametrize("value, printed", TERSER_PRINTED.items())
def test_values_are_written_as_react_scripts_terser_writes_them(value, printed):
    assert terser_string(value) == printed


@pytest.mark.skipif(NODE is None, reason="no node on this machine")
def test_a_bundle_of_non_ascii_names_is_ascii_and_renders_them():
    app = BuiltApp(username="Renée Müller", company='Университет "ИТМО" 😀', hostname="react-a", ip="192.168.0.2",
                   built_at=0)
    bundle = app.bundle_js()
    assert bundle.isascii()
    done = subprocess.run([NODE, "-e", DOM_SHIM + bundle.decode() + "\nconsole.log(JSON.stringify(root.lines()));"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    lines = json.loads(done.stdout)
    assert lines[1:3] == ["Container was started by user: Renée Müller",
                          'Container was started by company: Университет "ИТМО" 😀']
