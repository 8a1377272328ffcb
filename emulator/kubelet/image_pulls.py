"""The image cache of each node's Docker, and what pulling costs.

A fresh minikube node holds the images of its system pods; anything else is pulled the first
time (`image_pull`, longer for a bigger image). imagePullPolicy Always pulls every time, quickly
when the layers are cached. Event wording: `pkg/kubelet/images/image_manager.go` (Pulling,
Pulled with size, "already present on machine").
"""
from __future__ import annotations

from ..base.cluster import Timeline
from ..base.images import LAB_IMAGE, repository

# Approximate image sizes in bytes, for the Pulled event and the pull time.
LAB_IMAGE_BYTES = 436_771_842
DEFAULT_BYTES = 50_000_000
SMALL = {"busybox": 4_261_550, "alpine": 7_800_000}
CACHED_FACTOR = 0.1


def go_duration(seconds: float) -> str:
    """time.Duration.String for the values events show (ms below a second)."""
    if seconds < 1:
        return f"{max(round(seconds * 1000), 1)}ms"
    return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"


class ImageCache:
    def __init__(self) -> None:
        self._present: dict[str, set[str]] = {}

    def add(self, node: str, image: str) -> None:
        self._present.setdefault(node, set()).add(image)

    def present(self, node: str, image: str) -> bool:
        return image in self._present.get(node, set())

    @staticmethod
    def size(image: str) -> int:
        name = repository(image)
        return LAB_IMAGE_BYTES if name == LAB_IMAGE else SMALL.get(name, DEFAULT_BYTES)

    def pull_seconds(self, node: str, image: str, timeline: Timeline) -> float:
        """Emulated seconds the pull takes: a full pull scales with size (the lab image = image_pull)."""
        share = max(self.size(image) / LAB_IMAGE_BYTES, 0.05)
        seconds = timeline.seconds(timeline.image_pull) * share
        return seconds * CACHED_FACTOR if self.present(node, image) else seconds

    def must_pull(self, node: str, image: str, policy: str) -> bool:
        return policy == "Always" or (policy != "Never" and not self.present(node, image))
