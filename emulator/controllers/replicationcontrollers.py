"""The ReplicationController manager (kubernetes `pkg/controller/replication/replication_controller.go`).

Upstream it is the ReplicaSet controller run over ReplicationControllers through a conversion
adapter (`conversion.go`): the same create/delete/adopt logic, component name
`replication-controller`, a selector that is a plain label map (`spec.selector`, defaulted from the
template's labels by `pkg/apis/core/v1/defaults.go` SetDefaults_ReplicationController). Its status
has no `terminatingReplicas` (core/v1 ReplicationControllerStatus).
"""
from __future__ import annotations

from typing import Any

from .replicasets import ReplicaSetController

Obj = dict[str, Any]


class ReplicationManager(ReplicaSetController):
    RESOURCE = "replicationcontrollers"
    COMPONENT = "replication-controller"

    @staticmethod
    def selector(owner: Obj) -> Obj | None:
        selector = owner["spec"].get("selector")
        return {"matchLabels": selector} if selector else None

    @staticmethod
    def status_of(owner: Obj, pods: list[Obj]) -> Obj:
        status = ReplicaSetController.status_of(owner, pods)
        status.pop("terminatingReplicas", None)
        return status
