"""The create-only resources that answer a question instead of storing an object.

Their registries (`pkg/registry/authorization/*`, `pkg/registry/authentication/*`) implement only
`Create`, which fills `status` and persists nothing. The emulator serves one user, a cluster admin
(minikube's client certificate: CN minikube-user, O system:masters; docs/platform.md §18.4), and does not
evaluate RBAC, so every access review is allowed and the rules review is the wildcard.
"""
from __future__ import annotations

import copy
from typing import Any

Obj = dict[str, Any]
USER = {"username": "minikube-user", "groups": ["system:masters", "system:authenticated"]}
ALLOWED = {"allowed": True}
ALL_RULES = {"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
             "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}

ANSWERS: dict[str, Obj] = {
    "selfsubjectaccessreviews.authorization.k8s.io": ALLOWED,
    "subjectaccessreviews.authorization.k8s.io": ALLOWED,
    "localsubjectaccessreviews.authorization.k8s.io": ALLOWED,
    "selfsubjectrulesreviews.authorization.k8s.io": ALL_RULES,
    "selfsubjectreviews.authentication.k8s.io": {"userInfo": USER},
    "tokenreviews.authentication.k8s.io": {"authenticated": False, "user": {}},
}


def answers(key: str) -> bool:
    return key in ANSWERS


def answer(key: str, api_version: str, kind: str, body: Obj) -> Obj:
    reviewed = copy.deepcopy(body)
    reviewed["apiVersion"], reviewed["kind"] = api_version, kind
    reviewed["metadata"] = {k: v for k, v in (reviewed.get("metadata") or {}).items() if k in ("name", "namespace")}
    reviewed["status"] = copy.deepcopy(ANSWERS[key])
    return reviewed
