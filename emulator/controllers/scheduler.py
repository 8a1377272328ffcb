"""kube-scheduler with the default profile, reduced to what a two-node lab cluster exercises.

Queue (`pkg/scheduler/backend/queue`): unbound pods of `default-scheduler` by priority, then age;
a pod that does not fit waits `schedule_retry`, or less when a node changes or a pod goes away.
Filters, first failure per node (`pkg/scheduler/framework/plugins`): NodeUnschedulable,
TaintToleration (NoSchedule/NoExecute), NodeAffinity (nodeSelector + required terms), NodePorts,
NodeResourcesFit (requests vs allocatable), PodTopologySpread (DoNotSchedule), InterPodAffinity
(required affinity / anti-affinity, and existing pods' anti-affinity). Scores with the default
weights: PodTopologySpread x2 (ScheduleAnyway constraints, or the system defaults hostname
maxSkew 3 / zone maxSkew 5 over the pod's Service and ReplicaSet selectors), NodeResourcesFit
LeastAllocated x1 and BalancedAllocation x1 over cpu/memory (non-zero request defaults 100m /
200Mi); ties broken at random. So the replicas of one owner land on different nodes.
Binding goes through pods/binding; events come from the events.k8s.io recorder: Scheduled
"Successfully assigned ns/pod to node", FailedScheduling "0/2 nodes are available: ...".
Not imitated: preemption, preferred affinities, ImageLocality, volumes, minDomains.
Fault `scheduler-packs`: every pod goes to the first node (by name) that passes the node-level
filters, ignoring spread and inter-pod (anti-)affinity.
"""
from __future__ import annotations

import math
import random
import time
from collections import Counter
from typing import Any

from ..apiserver.events import EventRecorder
from ..apiserver.store import Event, Store, timestamp
from ..base import label_selector, quantity
from ..base.cluster import Milestones, Timeline
from ..base.errors import ApiError
from ..base.faults import SCHEDULER_PACKS
from ..base.images import is_lab_pod
from ..base.reconcile import Reconciler

Obj = dict[str, Any]
MAX_SCORE = 100
DEFAULT_CPU, DEFAULT_MEMORY = 100, 200 * quantity.MI          # schedutil.GetNonzeroRequests
SYSTEM_DEFAULT_CONSTRAINTS = ({"maxSkew": 3, "topologyKey": "kubernetes.io/hostname"},
                              {"maxSkew": 5, "topologyKey": "topology.kubernetes.io/zone"})
SPREAD = "node(s) didn't match pod topology spread constraints"
NOT_HELPFUL = "Preemption is not helpful for scheduling"
NO_VICTIMS = "No preemption victims found for incoming pod"
# Reasons whose plugin returns UnschedulableAndUnresolvable: preemption cannot help on those nodes.
UNRESOLVABLE = ("node(s) had untolerated taint", "node(s) didn't match Pod's node affinity/selector",
                "node(s) were unschedulable", f"{SPREAD} (missing required label)")


def terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp")) or \
        (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed")


def tolerates(tolerations: list[Obj], taint: Obj) -> bool:
    for toleration in tolerations:
        if toleration.get("effect") and toleration["effect"] != taint.get("effect"):
            continue
        if toleration.get("operator") == "Exists":
            if not toleration.get("key") or toleration["key"] == taint.get("key"):
                return True
        elif toleration.get("key") == taint.get("key") and toleration.get("value", "") == taint.get("value", ""):
            return True
    return False


def requests(pod: Obj, nonzero: bool = False) -> tuple[int, int]:
    """(millicores, bytes) a pod asks for: containers summed, init containers as a maximum."""
    def of(container: Obj) -> tuple[int, int]:
        wanted = (container.get("resources") or {}).get("requests") or {}
        cpu = quantity.millicores(wanted["cpu"]) if "cpu" in wanted else (DEFAULT_CPU if nonzero else 0)
        memory = quantity.byte_count(wanted["memory"]) if "memory" in wanted else (DEFAULT_MEMORY if nonzero else 0)
        return cpu, memory
    containers = [of(c) for c in pod["spec"].get("containers") or []]
    inits = [of(c) for c in pod["spec"].get("initContainers") or []] or [(0, 0)]
    return (max(sum(c for c, _ in containers), max(c for c, _ in inits)),
            max(sum(m for _, m in containers), max(m for _, m in inits)))


def node_matches(pod: Obj, node: Obj) -> bool:
    """NodeAffinity's filter: the nodeSelector map and any one required term."""
    labels = node["metadata"].get("labels") or {}
    if not label_selector.map_matches(pod["spec"].get("nodeSelector"), labels):
        return False
    required = ((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution")
    return not required or any(label_selector.node_term_matches(t, node)
                               for t in required.get("nodeSelectorTerms") or [])


class Scheduler:
    def __init__(self, store: Store, events: EventRecorder, timeline: Timeline, faults: frozenset[str],
                 milestones: Milestones, rng: random.Random) -> None:
        self.store, self.events, self.timeline, self.faults = store, events, timeline, faults
        self.milestones, self.rng = milestones, rng
        self.loop = Reconciler("kube-scheduler", self._sync)
        self._seen: dict[str, float] = {}         # pod uid -> when the scheduler first saw it
        self._retry_at: dict[str, float] = {}     # unschedulable pod uid -> next attempt

    def watches(self) -> set[str]:
        return {"pods", "nodes"}

    def observe(self, event: Event) -> None:
        if event.resource.key == "nodes" or event.type == "DELETED" or (
                event.resource.key == "pods" and event.object["metadata"].get("deletionTimestamp")):
            self._retry_at.clear()                 # a cluster event may make waiting pods fit
            self.loop.kick()
        elif not event.object["spec"].get("nodeName"):
            self.loop.kick()

    # --- the queue ----------------------------------------------------------------------------------
    def _sync(self) -> None:
        now = time.monotonic()
        pending = [p for p in self.store.view("pods")
                   if not p["spec"].get("nodeName") and not p["metadata"].get("deletionTimestamp")
                   and p["spec"].get("schedulerName", "default-scheduler") == "default-scheduler"]
        pending.sort(key=lambda p: (-(p["spec"].get("priority") or 0), p["metadata"]["creationTimestamp"],
                                    p["metadata"]["name"]))
        live = {p["metadata"]["uid"] for p in pending}
        self._seen = {uid: at for uid, at in self._seen.items() if uid in live}
        self._retry_at = {uid: at for uid, at in self._retry_at.items() if uid in live}
        for pod in pending:
            uid = pod["metadata"]["uid"]
            due = max(self._seen.setdefault(uid, now) + self.timeline.seconds(self.timeline.scheduling),
                      self._retry_at.get(uid, 0.0))
            if due > now:
                self.loop.later(due - now)
                continue
            self._schedule(pod)

    def _schedule(self, pod: Obj) -> None:
        nodes = sorted(self.store.list("nodes")[0], key=lambda n: n["metadata"]["name"])
        pods = self.store.view("pods")
        reasons: Counter[str] = Counter()
        feasible = []
        for node in nodes:
            reason = self._node_filters(pod, node, pods)
            if reason is None and SCHEDULER_PACKS not in self.faults:
                reason = self._spread_filter(pod, node, nodes, pods) or self._affinity_filter(pod, node, nodes, pods)
            if reason:
                reasons[reason] += 1
            else:
                feasible.append(node)
        if not feasible:
            self._unschedulable(pod, reasons, len(nodes))
        elif SCHEDULER_PACKS in self.faults:
            self._bind(pod, feasible[0])
        else:
            self._bind(pod, self._best(pod, feasible, nodes, pods))

    def _bind(self, pod: Obj, node: Obj) -> None:
        meta = pod["metadata"]
        try:
            self.store.bind(meta["namespace"], meta["name"], node["metadata"]["name"])
        except ApiError:
            return
        self._retry_at.pop(meta["uid"], None)
        self.events.record_new(pod, "Normal", "Scheduled", f"Successfully assigned {meta['namespace']}/"
                               f"{meta['name']} to {node['metadata']['name']}", controller="default-scheduler",
                               instance=f"default-scheduler-{self._control_plane()}", action="Binding")
        if is_lab_pod(pod):
            self.milestones.mark(f"app-pod-scheduled/{meta['name']}")

    def _unschedulable(self, pod: Obj, reasons: Counter[str], total: int) -> None:
        """The framework's FitError message and the PodScheduled=False condition."""
        found = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items(), key=lambda r: r[0]))
        why: Counter[str] = Counter()
        for reason, count in reasons.items():
            why[NOT_HELPFUL if reason.startswith(UNRESOLVABLE) else NO_VICTIMS] += count
        preemption = ", ".join(f"{count} {text}" for text, count in sorted(why.items()))
        message = (f"0/{total} nodes are available: {found}. "
                   f"preemption: 0/{total} nodes are available: {preemption}.")
        self._retry_at[pod["metadata"]["uid"]] = time.monotonic() + self.timeline.seconds(self.timeline.schedule_retry)
        self.loop.later(self.timeline.seconds(self.timeline.schedule_retry))
        pod = self.store.get("pods", pod["metadata"]["namespace"], pod["metadata"]["name"])
        condition = {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                     "lastTransitionTime": timestamp(), "reason": "Unschedulable", "message": message}
        status = pod.setdefault("status", {})
        previous = next((c for c in status.get("conditions") or [] if c.get("type") == "PodScheduled"), None)
        if previous and previous.get("status") == "False":
            condition["lastTransitionTime"] = previous["lastTransitionTime"]
        if previous != condition:
            status["conditions"] = [c for c in status.get("conditions") or [] if c.get("type") != "PodScheduled"] \
                + [condition]
            try:
                self.store.update("pods", pod, manager="kube-scheduler", subresource="status")
            except ApiError:
                return
        self.events.record_new(pod, "Warning", "FailedScheduling", message, controller="default-scheduler",
                               instance=f"default-scheduler-{self._control_plane()}", action="Scheduling")

    def _control_plane(self) -> str:
        nodes = sorted(n["metadata"]["name"] for n in self.store.list("nodes")[0])
        return nodes[0] if nodes else "minikube"

    # --- node-level filters ---------------------------------------------------------------------------
    def _node_filters(self, pod: Obj, node: Obj, pods: list[Obj]) -> str | None:
        spec = node.get("spec") or {}
        tolerations = pod["spec"].get("tolerations") or []
        if spec.get("unschedulable") and not tolerates(
                tolerations, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}):
            return "node(s) were unschedulable"
        for taint in spec.get("taints") or []:
            if taint.get("effect") in ("NoSchedule", "NoExecute") and not tolerates(tolerations, taint):
                return f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value', '')}}}"
        if not node_matches(pod, node):
            return "node(s) didn't match Pod's node affinity/selector"
        here = [p for p in pods if p["spec"].get("nodeName") == node["metadata"]["name"] and not terminating(p)]
        if self._host_ports(pod) & {port for p in here for port in self._host_ports(p)}:
            return "node(s) didn't have free ports for the requested pod ports"
        return self._fits(pod, node, here)

    @staticmethod
    def _host_ports(pod: Obj) -> set[tuple[str, int]]:
        return {(p.get("protocol", "TCP"), p["hostPort"]) for c in pod["spec"].get("containers") or []
                for p in c.get("ports") or [] if p.get("hostPort")}

    @staticmethod
    def _fits(pod: Obj, node: Obj, here: list[Obj]) -> str | None:
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        if len(here) + 1 > int(allocatable.get("pods", 110)):
            return "Too many pods"
        cpu, memory = requests(pod)
        used_cpu = sum(requests(p)[0] for p in here)
        used_memory = sum(requests(p)[1] for p in here)
        if cpu and used_cpu + cpu > quantity.millicores(allocatable.get("cpu", "0")):
            return "Insufficient cpu"
        if memory and used_memory + memory > quantity.byte_count(allocatable.get("memory", "0")):
            return "Insufficient memory"
        return None

    # --- PodTopologySpread ----------------------------------------------------------------------------
    def _constraints(self, pod: Obj, when: str) -> list[Obj]:
        return [c for c in pod["spec"].get("topologySpreadConstraints") or []
                if c.get("whenUnsatisfiable", "DoNotSchedule") == when]

    @staticmethod
    def _constraint_selector(pod: Obj, constraint: Obj) -> Obj | None:
        """labelSelector plus the pod's values of matchLabelKeys."""
        selector = constraint.get("labelSelector")
        keys = constraint.get("matchLabelKeys") or []
        if selector is None or not keys:
            return selector
        labels = pod["metadata"].get("labels") or {}
        extra = {k: labels[k] for k in keys if k in labels}
        return {**selector, "matchLabels": {**(selector.get("matchLabels") or {}), **extra}}

    def _domain_counts(self, pod: Obj, key: str, selector: Obj | None, nodes: list[Obj],
                       pods: list[Obj]) -> dict[str, int]:
        """Matching pods per topology value, over the nodes the pod could go to (nodeAffinityPolicy Honor)."""
        eligible = {n["metadata"]["name"]: (n["metadata"].get("labels") or {})[key] for n in nodes
                    if key in (n["metadata"].get("labels") or {}) and node_matches(pod, n)}
        counts = {domain: 0 for domain in eligible.values()}
        for other in pods:
            node = other["spec"].get("nodeName")
            if node in eligible and not terminating(other) \
                    and other["metadata"].get("namespace") == pod["metadata"]["namespace"] \
                    and label_selector.matches(selector, other["metadata"].get("labels")):
                counts[eligible[node]] += 1
        return counts

    def _spread_filter(self, pod: Obj, node: Obj, nodes: list[Obj], pods: list[Obj]) -> str | None:
        labels = node["metadata"].get("labels") or {}
        for constraint in self._constraints(pod, "DoNotSchedule"):
            key = constraint.get("topologyKey", "")
            if key not in labels:
                return f"{SPREAD} (missing required label)"
            selector = self._constraint_selector(pod, constraint)
            counts = self._domain_counts(pod, key, selector, nodes, pods)
            minimum = min(counts.values()) if len(counts) >= (constraint.get("minDomains") or 1) else 0
            own = 1 if label_selector.matches(selector, pod["metadata"].get("labels")) else 0
            if counts.get(labels[key], 0) + own - minimum > int(constraint.get("maxSkew", 1)):
                return SPREAD
        return None

    # --- InterPodAffinity -----------------------------------------------------------------------------
    @staticmethod
    def _term_selects(term: Obj, owner: Obj, other: Obj) -> bool:
        namespaces = term.get("namespaces") or ([] if term.get("namespaceSelector") is not None
                                                else [owner["metadata"]["namespace"]])
        in_namespace = other["metadata"]["namespace"] in namespaces or term.get("namespaceSelector") == {}
        return in_namespace and label_selector.matches(term.get("labelSelector"), other["metadata"].get("labels"))

    def _affinity_filter(self, pod: Obj, node: Obj, nodes: list[Obj], pods: list[Obj]) -> str | None:
        placed = {n["metadata"]["name"]: n["metadata"].get("labels") or {} for n in nodes}
        here = node["metadata"].get("labels") or {}
        others = [p for p in pods if p["spec"].get("nodeName") in placed and not terminating(p)
                  and p["metadata"]["uid"] != pod["metadata"]["uid"]]

        def same_domain(other: Obj, key: str) -> bool:
            return key in here and placed[other["spec"]["nodeName"]].get(key) == here[key]

        affinity = pod["spec"].get("affinity") or {}
        for term in (affinity.get("podAntiAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            if any(self._term_selects(term, pod, o) and same_domain(o, term.get("topologyKey", "")) for o in others):
                return "node(s) didn't match pod anti-affinity rules"
        for other in others:
            for term in ((other["spec"].get("affinity") or {}).get("podAntiAffinity") or {}).get(
                    "requiredDuringSchedulingIgnoredDuringExecution") or []:
                if self._term_selects(term, other, pod) and same_domain(other, term.get("topologyKey", "")):
                    return "node(s) didn't satisfy existing pods anti-affinity rules"
        for term in (affinity.get("podAffinity") or {}).get("requiredDuringSchedulingIgnoredDuringExecution") or []:
            matching = [o for o in others if self._term_selects(term, pod, o)]
            first_of_its_kind = not matching and self._term_selects(term, pod, pod)
            if not first_of_its_kind and not any(same_domain(o, term.get("topologyKey", "")) for o in matching):
                return "node(s) didn't match pod affinity rules"
        return None

    # --- scores ---------------------------------------------------------------------------------------
    def _best(self, pod: Obj, feasible: list[Obj], nodes: list[Obj], pods: list[Obj]) -> Obj:
        spread = self._spread_scores(pod, feasible, nodes, pods)
        totals = {}
        for node in feasible:
            name = node["metadata"]["name"]
            least, balanced = self._resource_scores(pod, node, pods)
            totals[name] = 2 * spread.get(name, 0) + least + balanced
        top = max(totals.values())
        return self.rng.choice([n for n in feasible if totals[n["metadata"]["name"]] == top])

    def _default_selector(self, pod: Obj) -> Obj | None:
        """helper.DefaultSelector: the selectors of the pod's Services and owning ReplicaSet, ANDed."""
        namespace, labels = pod["metadata"]["namespace"], pod["metadata"].get("labels") or {}
        match: dict[str, str] = {}
        for service in self.store.list("services", namespace)[0]:
            selector = (service.get("spec") or {}).get("selector")
            if selector and label_selector.map_matches(selector, labels):
                match.update(selector)
        expressions: list[Obj] = []
        for ref in pod["metadata"].get("ownerReferences") or []:
            if ref.get("controller") and ref.get("kind") in ("ReplicaSet", "StatefulSet"):
                resource = "replicasets.apps" if ref["kind"] == "ReplicaSet" else "statefulsets.apps"
                try:
                    owner = self.store.get(resource, namespace, ref["name"])
                except ApiError:
                    continue
                selector = owner["spec"].get("selector") or {}
                match.update(selector.get("matchLabels") or {})
                expressions += selector.get("matchExpressions") or []
        return {"matchLabels": match, "matchExpressions": expressions} if match or expressions else None

    def _spread_scores(self, pod: Obj, feasible: list[Obj], nodes: list[Obj], pods: list[Obj]) -> dict[str, int]:
        """podtopologyspread/scoring.go: count matching pods per domain, weight by log(domains+2),
        then normalise so the emptiest node scores 100."""
        constraints = self._constraints(pod, "ScheduleAnyway")
        if not pod["spec"].get("topologySpreadConstraints"):
            selector = self._default_selector(pod)
            constraints = [{**c, "labelSelector": selector} for c in SYSTEM_DEFAULT_CONSTRAINTS] if selector else []
        if not constraints:
            return {}
        raw: dict[str, float] = {n["metadata"]["name"]: 0.0 for n in feasible}
        for constraint in constraints:
            key = constraint["topologyKey"]
            counts = self._domain_counts(pod, key, self._constraint_selector(pod, constraint), nodes, pods)
            if not counts:
                continue
            weight = math.log(len(counts) + 2)
            for node in feasible:
                domain = (node["metadata"].get("labels") or {}).get(key)
                if domain is not None:
                    raw[node["metadata"]["name"]] += counts.get(domain, 0) * weight + int(constraint["maxSkew"]) - 1
        low, high = min(raw.values()), max(raw.values())
        return {name: MAX_SCORE if high == 0 else int(MAX_SCORE * (high + low - score) / high)
                for name, score in raw.items()}

    @staticmethod
    def _resource_scores(pod: Obj, node: Obj, pods: list[Obj]) -> tuple[int, int]:
        """LeastAllocated and BalancedAllocation over cpu and memory, the new pod included."""
        allocatable = (node.get("status") or {}).get("allocatable") or {}
        capacity = (quantity.millicores(allocatable.get("cpu", "1")),
                    quantity.byte_count(allocatable.get("memory", "1")))
        here = [p for p in pods if p["spec"].get("nodeName") == node["metadata"]["name"] and not terminating(p)]
        used = [sum(requests(p, nonzero=True)[i] for p in here + [pod]) for i in (0, 1)]
        fractions = [min(used[i] / capacity[i], 1.0) if capacity[i] else 1.0 for i in (0, 1)]
        least = int(sum((1 - f) * MAX_SCORE for f in fractions) / 2)
        balanced = int((1 - abs(fractions[0] - fractions[1]) / 2) * MAX_SCORE)
        return least, balanced
