"""The ClusterView (emulator.runtime.cluster_view) of the live store, for the pod runtime.

Read-only, on the server loop: every call returns the current stored objects themselves
(`Store.view`, no copies), so the runtime must never change them.
"""
from __future__ import annotations

import time
from typing import AbstractSet

from .store import Store


class StoreView:
    def __init__(self, store: Store, faults: AbstractSet[str]) -> None:
        self._store = store
        self.faults = faults

    def now(self) -> float:
        return time.time()

    def _all(self, resource: str) -> list[dict]:
        return self._store.view(resource)

    def nodes(self) -> list[dict]:
        return self._all("nodes")

    def namespaces(self) -> list[dict]:
        return self._all("namespaces")

    def pods(self) -> list[dict]:
        return self._all("pods")

    def services(self) -> list[dict]:
        return self._all("services")

    def endpoints(self) -> list[dict]:
        return self._all("endpoints")

    def configmaps(self) -> list[dict]:
        return self._all("configmaps")

    def secrets(self) -> list[dict]:
        return self._all("secrets")
