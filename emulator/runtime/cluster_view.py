"""What the pod runtime sees of the cluster: the ClusterView protocol.

The API server core implements it over its store; the runtime only reads. Every method
returns the current objects as the API would serve them (plain dicts, camelCase keys).
"""
from __future__ import annotations

from typing import AbstractSet, Protocol


class ClusterView(Protocol):
    faults: AbstractSet[str]
    """Names of the active faults in docs/design.md#fault-catalogue."""

    def now(self) -> float:
        """Current time, seconds since the epoch (the emulator's injectable clock)."""

    def nodes(self) -> list[dict]: ...

    def namespaces(self) -> list[dict]: ...

    def pods(self) -> list[dict]:
        """Pods of every namespace."""

    def services(self) -> list[dict]: ...

    def endpoints(self) -> list[dict]:
        """core/v1 Endpoints objects of every namespace."""

    def configmaps(self) -> list[dict]: ...

    def secrets(self) -> list[dict]: ...
