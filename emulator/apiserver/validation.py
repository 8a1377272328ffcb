"""The subset of apiserver validation that clients commonly trip over, with the real wording.

Sources: `staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go` (names, labels),
`staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go` (messages),
`pkg/apis/core/validation/validation.go` (ValidatePod, ValidatePodUpdate, ValidateService),
`pkg/apis/apps/validation/validation.go` (selector vs template labels, immutable selector).
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

from ..base.errors import Cause, invalid
from .resources import ResourceType

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

SUBDOMAIN_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' "
                 "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "
                 "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
LABEL_MSG = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
             "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
             "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
LABEL_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                   "or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                   "'my_value',  or '12345', regex used for validation is "
                   "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")

# Resources whose names must be DNS labels rather than subdomains.
_LABEL_NAMED = {"namespaces", "services"}
# Names that need only be path segments (`pkg/apis/rbac/validation` ValidateRBACName, kube-aggregator
# `ValidateAPIServiceName`): `system:basic-user`, `v1.` (the core group's APIService).
_PATH_SEGMENT_NAMED = {"roles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io",
                       "clusterroles.rbac.authorization.k8s.io", "clusterrolebindings.rbac.authorization.k8s.io",
                       "apiservices.apiregistration.k8s.io"}


def _required(field: str, detail: str = "") -> Cause:
    return Cause(field, "FieldValueRequired", "Required value" + (f": {detail}" if detail else ""))


def _bad(field: str, value: Any, detail: str) -> Cause:
    shown = json.dumps(value) if isinstance(value, str) else str(value)
    return Cause(field, "FieldValueInvalid", f"Invalid value: {shown}: {detail}")


def _meta(resource: ResourceType, meta: dict[str, Any]) -> list[Cause]:
    causes = []
    name = meta.get("name", "")
    if not name:
        causes.append(_required("metadata.name", "name or generateName is required"))
    elif resource.key in _PATH_SEGMENT_NAMED:
        causes += _path_segment(name)
    elif resource.key in _LABEL_NAMED and (len(name) > 63 or not _DNS_LABEL.match(name)):
        causes.append(_bad("metadata.name", name, LABEL_MSG))
    elif len(name) > 253 or not _SUBDOMAIN.match(name):
        causes.append(_bad("metadata.name", name, SUBDOMAIN_MSG))
    for _, value in (meta.get("labels") or {}).items():
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
            causes.append(_bad("metadata.labels", value, LABEL_VALUE_MSG))
    return causes


def _path_segment(name: str) -> list[Cause]:
    """apimachinery `api/validation/path` IsValidPathSegmentName."""
    if name in (".", ".."):
        return [_bad("metadata.name", name, f"may not be '{name}'")]
    return [_bad("metadata.name", name, f"may not contain '{c}'") for c in ("/", "%") if c in name]


def _job(obj: dict[str, Any]) -> list[Cause]:
    """`pkg/apis/batch/validation` validateJobSpec: the pod template, and a restartPolicy a Job can finish with."""
    template_spec = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    causes = _pod_spec(template_spec, "spec.template.spec")
    policy = template_spec.get("restartPolicy")
    if policy not in ("OnFailure", "Never"):
        causes.append(Cause("spec.template.spec.restartPolicy", "FieldValueNotSupported",
                            f'Unsupported value: {json.dumps(policy or "")}: supported values: "OnFailure", "Never"'))
    return causes


def _binding(obj: dict[str, Any]) -> list[Cause]:
    """`pkg/apis/rbac/validation` ValidateRoleBinding: a roleRef naming a role."""
    ref = obj.get("roleRef") or {}
    causes = [] if ref.get("name") else [_required("roleRef.name")]
    if ref.get("kind") not in ("Role", "ClusterRole"):
        causes.append(Cause("roleRef.kind", "FieldValueNotSupported",
                            f'Unsupported value: {json.dumps(ref.get("kind") or "")}: supported values: '
                            '"Role", "ClusterRole"'))
    return causes


def _pod_spec(spec: dict[str, Any], path: str) -> list[Cause]:
    containers = spec.get("containers") or []
    if not containers:
        return [_required(f"{path}.containers")]
    causes = []
    for i, container in enumerate(containers):
        if not container.get("name"):
            causes.append(_required(f"{path}.containers[{i}].name"))
        if not container.get("image"):
            causes.append(_required(f"{path}.containers[{i}].image"))
    return causes


def _workload(obj: dict[str, Any]) -> list[Cause]:
    spec = obj.get("spec") or {}
    selector = (spec.get("selector") or {}).get("matchLabels")
    if not spec.get("selector"):
        return [_required("spec.selector")]
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    causes = _pod_spec((spec.get("template") or {}).get("spec") or {}, "spec.template.spec")
    if selector and any(template_labels.get(k) != v for k, v in selector.items()):
        causes.append(Cause("spec.template.metadata.labels", "FieldValueInvalid",
                            f"Invalid value: {_go_map(template_labels)}: `selector` does not match "
                            "template `labels`"))
    return causes


def _go_struct(ref: dict[str, Any]) -> str:
    """How the apiserver prints a RoleRef in an error (%#v of the internal type)."""
    return (f'rbac.RoleRef{{APIGroup:"{ref.get("apiGroup", "")}", Kind:"{ref.get("kind", "")}", '
            f'Name:"{ref.get("name", "")}"}}')


def _go_map(labels: dict[str, str]) -> str:
    return "map[string]string{" + ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items())) + "}"


def _service(obj: dict[str, Any]) -> list[Cause]:
    spec = obj.get("spec") or {}
    if spec.get("type", "ClusterIP") != "ExternalName" and not spec.get("ports") \
            and spec.get("clusterIP") != "None":
        return [_required("spec.ports")]
    return []


_KIND_RULES = {"pods": lambda o: _pod_spec(o.get("spec") or {}, "spec"),
               "deployments.apps": _workload, "replicasets.apps": _workload,
               "daemonsets.apps": _workload, "services": _service, "jobs.batch": _job,
               "replicationcontrollers": lambda o: _pod_spec(((o.get("spec") or {}).get("template") or {})
                                                            .get("spec") or {}, "spec.template.spec"),
               "rolebindings.rbac.authorization.k8s.io": _binding,
               "clusterrolebindings.rbac.authorization.k8s.io": _binding}


def validate_create(resource: ResourceType, obj: dict[str, Any]) -> None:
    causes = _meta(resource, obj.get("metadata") or {})
    rule = _KIND_RULES.get(resource.key)
    if rule:
        causes += rule(obj)
    if causes:
        raise invalid(resource.group, resource.kind, obj.get("metadata", {}).get("name", ""), causes)


# Pod spec fields a running pod may change (ValidatePodUpdate's mungedPodSpec).
def _mutable_pod_spec_removed(spec: dict[str, Any]) -> dict[str, Any]:
    spec = copy.deepcopy(spec)
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        container.pop("image", None)
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        spec.pop(key, None)
    return spec


def validate_update(resource: ResourceType, old: dict[str, Any], new: dict[str, Any]) -> None:
    validate_create(resource, new)
    name = new["metadata"]["name"]
    causes = []
    if resource.key == "pods":
        if _mutable_pod_spec_removed(old.get("spec", {})) != _mutable_pod_spec_removed(new.get("spec", {})):
            causes.append(Cause("spec", "FieldValueForbidden",
                                "Forbidden: pod updates may not change fields other than "
                                "`spec.containers[*].image`,`spec.initContainers[*].image`,"
                                "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
                                "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to "
                                "be set to 1 if it was previously negative)"))
    if resource.key in ("deployments.apps", "replicasets.apps", "daemonsets.apps", "jobs.batch") \
            and old.get("spec", {}).get("selector") != new.get("spec", {}).get("selector"):
        causes.append(Cause("spec.selector", "FieldValueInvalid",
                            f"Invalid value: {new.get('spec', {}).get('selector')}: field is immutable"))
    if resource.key == "services" and old.get("spec", {}).get("clusterIP") \
            and new.get("spec", {}).get("clusterIP") not in (None, "", old["spec"]["clusterIP"]):
        causes.append(Cause("spec.clusterIPs[0]", "FieldValueInvalid",
                            f'Invalid value: []string{{"{new["spec"]["clusterIP"]}"}}: may not change once set'))
    if resource.key.endswith("rolebindings.rbac.authorization.k8s.io") and old.get("roleRef") != new.get("roleRef"):
        causes.append(Cause("roleRef", "FieldValueInvalid",
                            f"Invalid value: {_go_struct(new.get('roleRef') or {})}: cannot change roleRef"))
    if causes:
        raise invalid(resource.group, resource.kind, name, causes)
