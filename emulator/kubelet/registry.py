"""Which images the registry holds, as a minikube node's docker reaches it (Docker Hub).

The emulator cannot ask Docker Hub. It knows the lab's own repository: the lab user's namespace
holds `itdt-contained-frontend` with the tags in LAB_TAGS, and nothing else. Every other image is
taken to exist (a student's nginx:1.27 pulls). So what fails is a misspelt lab image, the way the
real registry refuses it (moby distribution/errors.go `notFoundError`, passed on by cri-dockerd;
docs/platform.md §23.1):
- a tag the repository does not have: `manifest for <name>:<tag> not found: manifest unknown: manifest unknown`;
- a repository that does not exist: `pull access denied for <name>, repository does not exist or
  may require 'docker login': denied: requested access to the resource is denied`.
"""
from __future__ import annotations

from ..base.images import LAB_IMAGE, repository, tag

LAB_NAMESPACE = LAB_IMAGE.split("/")[0]
# master is the course's tag; latest (what an untagged reference pulls) is taken to exist as well,
# since the gate accepts it with a warning only.
LAB_TAGS = ("master", "latest")
DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io")
DENIED = "denied: requested access to the resource is denied"
MANIFEST_UNKNOWN = "manifest unknown: manifest unknown"


def pull_error(reference: str) -> str | None:
    """Docker's error for pulling `reference`, or None when the registry has it."""
    first = reference.split("/", 1)[0]
    elsewhere = "/" in reference and ("." in first or ":" in first or first == "localhost") and first not in DOCKER_HUB
    name = repository(reference)
    if elsewhere or not name.startswith(LAB_NAMESPACE + "/"):
        return None
    if name != LAB_IMAGE:
        return f"pull access denied for {name}, repository does not exist or may require 'docker login': {DENIED}"
    if "@" in reference:
        return None
    if tag(reference) not in LAB_TAGS:
        return f"manifest for {name}:{tag(reference)} not found: {MANIFEST_UNKNOWN}"
    return None
