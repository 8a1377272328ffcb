"""The files a container's tools can read: the ones the kubelet mounts (/etc/hosts,
/etc/resolv.conf, /etc/hostname), and what commands wrote there while the emulator runs."""
from __future__ import annotations

import posixpath
from collections.abc import Callable

# The directories at the root of every emulated image (BusyBox's, as `ls /` lists them).
ROOT_DIRECTORIES = ("bin", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv",
                    "sys", "tmp", "usr", "var")


class PodFiles:
    def __init__(self, workdir: str, mounted: Callable[[], dict[str, bytes]], written: dict[str, bytes]):
        self._workdir = workdir
        self._mounted = mounted
        self._written = written

    def path(self, name: str) -> str:
        return posixpath.normpath(posixpath.join(self._workdir, name))

    def read(self, name: str) -> bytes | None:
        path = self.path(name)
        if path in self._written:
            return self._written[path]
        return self._mounted().get(path)

    def write(self, name: str, data: bytes, append: bool) -> None:
        path = self.path(name)
        if path == "/dev/null":
            return
        before = (self.read(path) or b"") if append else b""
        self._written[path] = before + data

    def listing(self, directory: str, always: tuple[str, ...] = ()) -> list[str] | None:
        """The names directly under `directory` (sorted), or None when nothing is known there."""
        prefix = directory.rstrip("/") + "/"
        known = set(always) | {path[len(prefix):].split("/", 1)[0]
                               for path in [*self._mounted(), *self._written] if path.startswith(prefix)}
        if directory in self._written or directory in self._mounted():
            return [directory.rsplit("/", 1)[-1]]
        if not known and directory not in (self._workdir, "/"):
            return None
        return sorted(known)
