"""The app's bundle is real JavaScript that renders the lab's texts into #root (run with node
and a minimal DOM, since no browser is needed to prove it)."""
import json
import shutil
import subprocess

import pytest

from emulator.runtime.react_app import PLACEHOLDER, BuiltApp

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
