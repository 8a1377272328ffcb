"""The create-only resources that answer a question instead of storing an object.

Their registries (`pkg/registry/authorization/*`, `pkg/registry/authentication/*`) implement only
`Create`, which fills `status` and persists nothing (docs/platform.md §19.4). The emulator evaluates
no RBAC objects, only the bootstrap policy's group system:masters (docs/platform.md §18.2): an access
review is allowed for a member of it and denied otherwise; a SelfSubjectReview names the requester
(over plain http, where nobody is authenticated, minikube's user: CN minikube-user, O system:masters).
"""
from __future__ import annotations

import copy
from typing import Any

from .authentication import AUTHENTICATED, MASTERS, User

Obj = dict[str, Any]
PLAIN_HTTP_USER = User("minikube-user", (MASTERS, AUTHENTICATED))
ALL_RULES = {"resourceRules": [{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}],
             "nonResourceRules": [{"verbs": ["*"], "nonResourceURLs": ["*"]}], "incomplete": False}
NO_RULES = {"resourceRules": [], "nonResourceRules": [], "incomplete": False}
ACCESS = {"selfsubjectaccessreviews.authorization.k8s.io", "subjectaccessreviews.authorization.k8s.io",
          "localsubjectaccessreviews.authorization.k8s.io"}
RULES = "selfsubjectrulesreviews.authorization.k8s.io"
SELF = "selfsubjectreviews.authentication.k8s.io"
TOKENS = "tokenreviews.authentication.k8s.io"


def answers(key: str) -> bool:
    return key in ACCESS or key in (RULES, SELF, TOKENS)


def _status(key: str, body: Obj, requester: User) -> Obj:
    if key == SELF:
        return {"userInfo": {"username": requester.name, "groups": list(requester.groups)}}
    if key == TOKENS:       # the emulator issues no tokens
        return {"authenticated": False, "user": {}}
    spec = body.get("spec") or {}
    groups = requester.groups if key.startswith("self") else tuple(spec.get("groups") or ())
    if key == RULES:
        return copy.deepcopy(ALL_RULES if MASTERS in groups else NO_RULES)
    return {"allowed": True} if MASTERS in groups else {"allowed": False}


def answer(key: str, api_version: str, kind: str, body: Obj, requester: User | None) -> Obj:
    reviewed = copy.deepcopy(body)
    reviewed["apiVersion"], reviewed["kind"] = api_version, kind
    reviewed["metadata"] = {k: v for k, v in (reviewed.get("metadata") or {}).items() if k in ("name", "namespace")}
    reviewed["status"] = _status(key, body, requester or PLAIN_HTTP_USER)
    return reviewed
