"""Structured selectors as controllers and the scheduler evaluate them.

- `matches(selector, labels)`: a metav1.LabelSelector (matchLabels + matchExpressions In, NotIn,
  Exists, DoesNotExist); None selects nothing and {} everything (`LabelSelectorAsSelector`).
- `node_term_matches(term, node)`: a v1.NodeSelectorTerm (matchExpressions on labels, with Gt/Lt;
  matchFields on metadata.name), `component-helpers/scheduling/corev1/nodeaffinity`.
"""
from __future__ import annotations

from typing import Any

Obj = dict[str, Any]


def _requirement(expression: Obj, labels: dict[str, str]) -> bool:
    key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not present or labels[key] not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    if operator in ("Gt", "Lt") and present and values:
        try:
            value, bound = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return value > bound if operator == "Gt" else value < bound
    return False


def matches(selector: Obj | None, labels: dict[str, str] | None) -> bool:
    if selector is None:
        return False
    labels = labels or {}
    return all(labels.get(k) == v for k, v in (selector.get("matchLabels") or {}).items()) and \
        all(_requirement(e, labels) for e in selector.get("matchExpressions") or [])


def map_matches(selector: dict[str, str] | None, labels: dict[str, str] | None) -> bool:
    """A Service's or nodeSelector's plain map; an empty or missing map selects everything here."""
    labels = labels or {}
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def node_term_matches(term: Obj, node: Obj) -> bool:
    expressions, fields = term.get("matchExpressions") or [], term.get("matchFields") or []
    if not expressions and not fields:
        return False            # an empty term selects no node
    labels = node["metadata"].get("labels") or {}
    return all(_requirement(e, labels) for e in expressions) and \
        all(_requirement(f, {"metadata.name": node["metadata"]["name"]}) for f in fields)
