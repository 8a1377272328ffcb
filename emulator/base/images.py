"""What each container image brings: a shell (BusyBox ash, bash or none), its working
directory, its image ENV, and whether it runs the lab's React app.

docs/lab.md#the-app-inside-the-image: the lab image is built on node:14-alpine (BusyBox). CoreDNS,
kube-proxy and the control-plane images are distroless: no shell at all. calico/node is a
UBI-based image with bash but without the BusyBox networking tools.
"""
from __future__ import annotations

from dataclasses import dataclass, field

LAB_IMAGE = "ifilyaninitmo/itdt-contained-frontend"
ALPINE_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Image:
    shell: str | None
    """"busybox", "bash", or None (no shell in the image)."""
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=lambda: {"PATH": ALPINE_PATH})
    runs_lab_app: bool = False


_NODE14_ENV = {"PATH": ALPINE_PATH, "NODE_VERSION": "14.21.3", "YARN_VERSION": "1.22.19"}
_LAB = Image("busybox", workdir="/frontend", env=_NODE14_ENV, runs_lab_app=True)
_BUSYBOX = Image("busybox", workdir="/")
_NODE_ALPINE = Image("busybox", workdir="/", env=_NODE14_ENV)
_CALICO_NODE = Image("bash", workdir="/", env={"PATH": ALPINE_PATH})
_DISTROLESS = Image(None)


def repository(reference: str) -> str:
    """`docker.io/library/busybox:1.36@sha256:...` -> `busybox`; keeps the user part of Hub images."""
    name = reference.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name[: name.rindex(":")]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


def tag(reference: str) -> str:
    name = reference.split("@")[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else "latest"


def is_lab_pod(pod: dict) -> bool:
    """A pod that runs the lab image: the pods whose progress the milestones record."""
    return any(repository(c.get("image", "")) == LAB_IMAGE for c in pod["spec"].get("containers") or [])


def image_for(reference: str) -> Image:
    name = repository(reference)
    if name == LAB_IMAGE:
        return _LAB
    if name in ("busybox", "alpine") or (name == "node" and "alpine" in tag(reference)):
        return _NODE_ALPINE if name == "node" else _BUSYBOX
    if name == "calico/node":
        return _CALICO_NODE
    return _DISTROLESS
