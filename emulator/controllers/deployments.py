"""The Deployment controller (`pkg/controller/deployment`).

- The new ReplicaSet is the one whose template equals the Deployment's, ignoring
  pod-template-hash (`EqualIgnoreHash`); when there is none it is created as
  `<deployment>-<pod-template-hash>` (`controller_utils.template_hash`, collisionCount on a name
  clash) with the hash in its labels, selector and template, a controller ownerReference, and the
  annotations deployment.kubernetes.io/revision (one above the highest), desired-replicas and
  max-replicas; the Deployment carries the same revision annotation.
- RollingUpdate (`rolling.go`): scale the new ReplicaSet up within replicas + maxSurge, then the
  old ones down while replicas - maxUnavailable pods stay available (unhealthy old pods first).
  Recreate (`recreate.go`): old ReplicaSets to 0, wait for their pods to go, then the new one.
  A template change (including `kubectl rollout restart`'s kubectl.kubernetes.io/restartedAt
  annotation) is a new ReplicaSet; a replicas change scales; `spec.paused` stops rollouts.
- Old ReplicaSets at 0 beyond revisionHistoryLimit are deleted (`cleanupDeployment`).
- Events ScalingReplicaSet "Scaled up replica set X from 0 to 2" from deployment-controller;
  status and conditions from `workloadstatus.deployment_status`; a Progressing condition that
  has not moved for progressDeadlineSeconds becomes ProgressDeadlineExceeded.
- Milestone `app-rolled-out` when a Deployment of the lab image first completes.
"""
from __future__ import annotations

import copy
import time
from typing import Any

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store, timestamp
from ..base.cluster import Milestones
from ..base.errors import ApiError
from ..base.images import is_lab_pod
from ..base.reconcile import Reconciler
from . import workloadstatus
from .controller_utils import active, controlled_by, owner_ref, template_hash
from .workloadstatus import max_surge_unavailable, revision

Obj = dict[str, Any]
COMPONENT = "deployment-controller"
HASH = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
SKIPPED_ANNOTATIONS = {"kubectl.kubernetes.io/last-applied-configuration", REVISION,
                       "deployment.kubernetes.io/revision-history", "deployment.kubernetes.io/desired-replicas",
                       "deployment.kubernetes.io/max-replicas", "deprecated.deployment.rollback.to"}


def _without_hash(template: Obj) -> Obj:
    template = copy.deepcopy(template)
    (template.get("metadata") or {}).get("labels", {}).pop(HASH, None)
    return template


class DeploymentController:
    def __init__(self, store: Store, events: EventRecorder, milestones: Milestones) -> None:
        self.store, self.events, self.milestones = store, events, milestones
        self.loop = Reconciler(COMPONENT, self._sync)
        self._deadlines: set[tuple[str, str]] = set()     # (uid, lastUpdateTime) with a timer set

    def watches(self) -> set[str]:
        return {"deployments.apps", "replicasets.apps", "pods"}

    def observe(self, event: Event) -> None:
        self.loop.kick()

    def _sync(self) -> None:
        for deployment in self.store.list("deployments.apps")[0]:
            if not deployment["metadata"].get("deletionTimestamp"):
                self._sync_one(deployment)

    def _owned(self, deployment: Obj) -> list[Obj]:
        replicasets = self.store.list("replicasets.apps", deployment["metadata"]["namespace"])[0]
        return sorted((rs for rs in replicasets if controlled_by(rs, deployment)),
                      key=lambda rs: (rs["metadata"]["creationTimestamp"], rs["metadata"]["name"]))

    def _sync_one(self, deployment: Obj) -> None:
        owned = self._owned(deployment)
        new_rs = next((rs for rs in owned if _without_hash(rs["spec"]["template"]) ==
                       _without_hash(deployment["spec"]["template"])), None)
        old = [rs for rs in owned if rs is not new_rs]
        if new_rs is not None and old and revision(new_rs) <= max(revision(rs) for rs in old):
            self._bump_revision(new_rs, max(revision(rs) for rs in old) + 1)     # a rollback: newest again
            return
        if not deployment["spec"].get("paused"):
            if (deployment["spec"].get("strategy") or {}).get("type") == "Recreate":
                changed = self._recreate(deployment, new_rs, old)
            else:
                changed = self._rolling(deployment, new_rs, old)
            if changed:
                return                      # the ReplicaSet writes bring us back for the status
            self._clean_up(deployment, old)
        owned = self._owned(deployment)
        new_rs = next((rs for rs in owned if _without_hash(rs["spec"]["template"]) ==
                       _without_hash(deployment["spec"]["template"])), None)
        self._write_status(deployment, owned, new_rs)

    # --- rollouts ---------------------------------------------------------------------------------
    def _rolling(self, deployment: Obj, new_rs: Obj | None, old: list[Obj]) -> bool:
        wanted = deployment["spec"].get("replicas", 1)
        surge, unavailable = max_surge_unavailable(deployment)
        all_rs = old + ([new_rs] if new_rs else [])
        current = sum(rs["spec"].get("replicas", 0) for rs in all_rs)
        new_replicas = new_rs["spec"].get("replicas", 0) if new_rs else 0
        if new_replicas > wanted:
            target = wanted
        else:
            target = new_replicas + max(min(wanted + surge - current, wanted - new_replicas), 0)
        if new_rs is None:
            self._create_new(deployment, old, target)
            return True
        if target != new_replicas:
            self._scale(deployment, new_rs, target)
            return True
        return self._scale_down_old(deployment, new_rs, old, wanted - unavailable)

    def _scale_down_old(self, deployment: Obj, new_rs: Obj, old: list[Obj], min_available: int) -> bool:
        old = [rs for rs in old if rs["spec"].get("replicas", 0) > 0]
        if not old:
            return False
        everything = old + [new_rs]
        total = sum(rs["spec"].get("replicas", 0) for rs in everything)
        new_unavailable = new_rs["spec"].get("replicas", 0) - (new_rs.get("status") or {}).get("availableReplicas", 0)
        budget = total - min_available - new_unavailable
        if budget <= 0:
            return False
        changed = False
        for rs in old:                                       # cleanupUnhealthyReplicas
            unhealthy = rs["spec"]["replicas"] - (rs.get("status") or {}).get("availableReplicas", 0)
            cut = min(budget, unhealthy)
            if cut > 0:
                self._scale(deployment, rs, rs["spec"]["replicas"] - cut)
                rs["spec"]["replicas"] -= cut
                budget -= cut
                changed = True
        available = sum((rs.get("status") or {}).get("availableReplicas", 0) for rs in everything)
        budget = available - min_available
        for rs in old:                                       # scaleDownOldReplicaSetsForRollingUpdate
            if budget <= 0:
                break
            cut = min(rs["spec"]["replicas"], budget)
            if cut > 0:
                self._scale(deployment, rs, rs["spec"]["replicas"] - cut)
                budget -= cut
                changed = True
        return changed

    def _recreate(self, deployment: Obj, new_rs: Obj | None, old: list[Obj]) -> bool:
        running = [rs for rs in old if rs["spec"].get("replicas", 0) > 0]
        for rs in running:
            self._scale(deployment, rs, 0)
        if running:
            return True
        pods = self.store.view("pods", deployment["metadata"]["namespace"])
        if any(active(p) or p["metadata"].get("deletionTimestamp") for p in pods
               for rs in old if controlled_by(p, rs)):
            return False
        wanted = deployment["spec"].get("replicas", 1)
        if new_rs is None:
            self._create_new(deployment, old, wanted)
            return True
        if new_rs["spec"].get("replicas", 0) != wanted:
            self._scale(deployment, new_rs, wanted)
            return True
        return False

    def _create_new(self, deployment: Obj, old: list[Obj], replicas: int) -> None:
        template = _without_hash(deployment["spec"]["template"])
        collisions = (deployment.get("status") or {}).get("collisionCount", 0)
        while True:
            pod_hash = template_hash(template, collisions)
            name = f"{deployment['metadata']['name']}-{pod_hash}"
            try:
                self.store.get("replicasets.apps", deployment["metadata"]["namespace"], name)
            except ApiError:
                break
            collisions += 1
        surge, _ = max_surge_unavailable(deployment)
        wanted = deployment["spec"].get("replicas", 1)
        number = str(max([revision(rs) for rs in old] + [0]) + 1)
        annotations = {k: v for k, v in (deployment["metadata"].get("annotations") or {}).items()
                       if k not in SKIPPED_ANNOTATIONS}
        annotations.update({REVISION: number, "deployment.kubernetes.io/desired-replicas": str(wanted),
                            "deployment.kubernetes.io/max-replicas": str(wanted + surge)})
        template.setdefault("metadata", {}).setdefault("labels", {})[HASH] = pod_hash
        selector = copy.deepcopy(deployment["spec"]["selector"])
        selector.setdefault("matchLabels", {})[HASH] = pod_hash
        rs = self.store.create("replicasets.apps", {"metadata": {
            "name": name, "namespace": deployment["metadata"]["namespace"],
            "labels": dict(template["metadata"]["labels"]), "annotations": annotations,
            "ownerReferences": [owner_ref(deployment)]},
            "spec": {"replicas": replicas, "minReadySeconds": deployment["spec"].get("minReadySeconds", 0),
                     "selector": selector, "template": template}}, manager="kube-controller-manager")
        self.store.patch("deployments.apps", deployment["metadata"]["namespace"], deployment["metadata"]["name"],
                         "merge", {"metadata": {"annotations": {REVISION: number}}}, manager="kube-controller-manager")
        status = copy.deepcopy(deployment.get("status") or {})
        if collisions:
            status["collisionCount"] = collisions
        workloadstatus.set_condition(status, {
            "type": "Progressing", "status": "True", "lastUpdateTime": timestamp(),
            "lastTransitionTime": timestamp(), "reason": "NewReplicaSetCreated",
            "message": f'Created new replica set "{name}"'})
        self._put_status(deployment, status)
        if replicas:
            self.events.record(deployment, "Normal", "ScalingReplicaSet",
                               f"Scaled up replica set {rs['metadata']['name']} from 0 to {replicas}",
                               component=COMPONENT)

    def _scale(self, deployment: Obj, rs: Obj, replicas: int) -> None:
        before = rs["spec"].get("replicas", 0)
        if before == replicas:
            return
        surge, _ = max_surge_unavailable(deployment)
        wanted = deployment["spec"].get("replicas", 1)
        self.store.patch("replicasets.apps", rs["metadata"]["namespace"], rs["metadata"]["name"], "merge", {
            "metadata": {"annotations": {"deployment.kubernetes.io/desired-replicas": str(wanted),
                                         "deployment.kubernetes.io/max-replicas": str(wanted + surge)}},
            "spec": {"replicas": replicas}}, manager="kube-controller-manager")
        direction = "up" if replicas > before else "down"
        self.events.record(deployment, "Normal", "ScalingReplicaSet",
                           f"Scaled {direction} replica set {rs['metadata']['name']} from {before} to {replicas}",
                           component=COMPONENT)

    def _bump_revision(self, rs: Obj, number: int) -> None:
        self.store.patch("replicasets.apps", rs["metadata"]["namespace"], rs["metadata"]["name"], "merge",
                         {"metadata": {"annotations": {REVISION: str(number)}}}, manager="kube-controller-manager")

    def _clean_up(self, deployment: Obj, old: list[Obj]) -> None:
        limit = deployment["spec"].get("revisionHistoryLimit", 10)
        idle = sorted((rs for rs in old if rs["spec"].get("replicas", 0) == 0
                       and not (rs.get("status") or {}).get("replicas")), key=revision)
        for rs in idle[:max(len(idle) - limit, 0)]:
            try:
                self.store.delete("replicasets.apps", rs["metadata"]["namespace"], rs["metadata"]["name"])
            except ApiError:
                pass

    # --- status -----------------------------------------------------------------------------------
    def _write_status(self, deployment: Obj, owned: list[Obj], new_rs: Obj | None) -> None:
        if new_rs is not None and revision(new_rs) and \
                (deployment["metadata"].get("annotations") or {}).get(REVISION) != str(revision(new_rs)):
            deployment = self.store.patch("deployments.apps", deployment["metadata"]["namespace"],
                                          deployment["metadata"]["name"], "merge", {"metadata": {"annotations": {
                                              REVISION: str(revision(new_rs))}}}, manager="kube-controller-manager")[0]
        if new_rs is not None and not any(c["type"] == "Progressing"
                                          for c in (deployment.get("status") or {}).get("conditions") or []):
            found = copy.deepcopy(deployment.get("status") or {})
            workloadstatus.set_condition(found, {
                "type": "Progressing", "status": "True", "lastUpdateTime": timestamp(),
                "lastTransitionTime": timestamp(), "reason": "FoundNewReplicaSet",
                "message": f'Found new replica set "{new_rs["metadata"]["name"]}"'})
            deployment["status"] = found
        status = workloadstatus.deployment_status(deployment, owned, new_rs, timestamp(), time.time())
        self._put_status(deployment, status)
        self._watch_deadline(deployment, status)
        complete = any(c["type"] == "Progressing" and c["reason"] == "NewReplicaSetAvailable"
                       for c in status.get("conditions") or [])
        if complete and is_lab_pod({"spec": deployment["spec"]["template"]["spec"]}):
            self.milestones.mark("app-rolled-out")

    def _put_status(self, deployment: Obj, status: Obj) -> None:
        fresh = self.store.get("deployments.apps", deployment["metadata"]["namespace"], deployment["metadata"]["name"])
        if (fresh.get("status") or {}) != status:
            fresh["status"] = status
            deployment["status"] = self.store.update("deployments.apps", fresh, manager="kube-controller-manager",
                                                     subresource="status")["status"]

    def _watch_deadline(self, deployment: Obj, status: Obj) -> None:
        progressing = next((c for c in status.get("conditions") or [] if c["type"] == "Progressing"), None)
        if progressing and progressing["reason"] in ("ReplicaSetUpdated", "NewReplicaSetCreated",
                                                     "FoundNewReplicaSet"):
            key = (deployment["metadata"]["uid"], progressing["lastUpdateTime"])
            if key not in self._deadlines:
                self._deadlines.add(key)
                self.loop.later(deployment["spec"].get("progressDeadlineSeconds", 600) + 1)

