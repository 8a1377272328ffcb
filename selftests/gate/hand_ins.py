"""Hand-ins issue 11 names, built in a folder: an alias bomb, a value nested 5000 deep."""
from __future__ import annotations

from pathlib import Path

# Nine levels of nine: 9^9 = 387 million scalars once the aliases are written out.
BOMB = "a: &a [" + ",".join("x" * 9) + "]\n" + "".join(
    f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))
DEEP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: " + "[" * 5000 + "]" * 5000 + "\n"


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return folder
