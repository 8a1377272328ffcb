"""API errors as the real apiserver words them: a `metav1.Status` body and its HTTP code.

Source: `staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go` (NewNotFound, NewAlreadyExists,
NewConflict, NewInvalid, NewBadRequest, NewMethodNotSupported, NewTooManyRequests, NewInternalError)
and `.../endpoints/handlers/negotiation` (NewUnsupportedMediaTypeError).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiError(Exception):
    code: int
    reason: str
    message: str
    details: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def status(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": self.message,
        }
        if self.reason:    # StatusReasonUnknown is "", and omitted
            body["reason"] = self.reason
        if self.details is not None:
            body["details"] = self.details
        body["code"] = self.code
        return body


def qualified(group: str, plural: str) -> str:
    """`pods`, `deployments.apps`: how errors name a resource (schema.GroupResource.String)."""
    return f"{plural}.{group}" if group else plural


def _details(group: str, kind: str, name: str, **extra: Any) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name}
    if group:
        details["group"] = group
    details["kind"] = kind
    details.update(extra)
    return details


def not_found(group: str, plural: str, name: str) -> ApiError:
    return ApiError(404, "NotFound", f'{qualified(group, plural)} "{name}" not found',
                    _details(group, plural, name))


def already_exists(group: str, plural: str, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists", f'{qualified(group, plural)} "{name}" already exists',
                    _details(group, plural, name))


def conflict(group: str, plural: str, name: str, why: str) -> ApiError:
    return ApiError(409, "Conflict",
                    f'Operation cannot be fulfilled on {qualified(group, plural)} "{name}": {why}',
                    _details(group, plural, name))


STALE_OBJECT = "the object has been modified; please apply your changes to the latest version and try again"


@dataclass(frozen=True)
class Cause:
    field: str
    reason: str      # FieldValueRequired, FieldValueInvalid, FieldValueForbidden, ...
    message: str     # "Required value", 'Invalid value: "x": ...'


def invalid(group: str, kind: str, name: str, causes: list[Cause]) -> ApiError:
    """422 with the aggregated message of field.ErrorList (errors.NewInvalid)."""
    what = f"{kind}.{group}" if group else kind
    listed = [f"{c.field}: {c.message}" for c in causes]
    summary = listed[0] if len(listed) == 1 else "[" + ", ".join(listed) + "]"
    return ApiError(422, "Invalid", f'{what} "{name}" is invalid: {summary}',
                    _details(group, kind, name, causes=[
                        {"reason": c.reason, "message": c.message, "field": c.field} for c in causes]))


def invalid_patch(patch_text: str, detail: str) -> ApiError:
    """handlers/patch.go applyPatchToObject: NewInvalid(schema.GroupKind{}, "", {field.Invalid("patch", ...)}),
    an error of no kind and no name (the message starts with a space, as Go's format leaves it)."""
    message = f"Invalid value: {json.dumps(patch_text, ensure_ascii=False)}: {detail}"
    return ApiError(422, "Invalid", f' "" is invalid: patch: {message}',
                    {"causes": [{"reason": "FieldValueInvalid", "message": message, "field": "patch"}]})


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def method_not_supported(group: str, plural: str, action: str) -> ApiError:
    return ApiError(405, "MethodNotAllowed",
                    f'{action} is not supported on resources of kind "{qualified(group, plural)}"',
                    {"group": group, "kind": plural} if group else {"kind": plural})


def unsupported_media_type(accepted: list[str]) -> ApiError:
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types include: "
                    + ", ".join(accepted))


def not_acceptable(served: list[str]) -> ApiError:
    """handlers/negotiation/errors.go errNotAcceptable: no type of the Accept header can be served."""
    return ApiError(406, "NotAcceptable", "only the following media types are accepted: " + ", ".join(served))


def unknown_resource() -> ApiError:
    """A path no resource serves: the generic 404 of the apiserver's NotFoundHandler."""
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def unauthorized() -> ApiError:
    """An invalid credential (`endpoints/filters/authentication.go` Unauthorized: NewUnauthorized)."""
    return ApiError(401, "Unauthorized", "Unauthorized")


# responsewriters/errors.go: "Avoid emitting errors that look like valid HTML. Quotes are okay."
_HTML_SAFE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def forbidden(group: str, plural: str, name: str, why: str) -> ApiError:
    """403 as NewForbidden(GroupResource, name, err) words it; a non-resource request has no resource."""
    why = why.translate(_HTML_SAFE)
    if not plural:
        message = f"forbidden: {why}"
    elif not name:
        message = f"{qualified(group, plural)} is forbidden: {why}"
    else:
        message = f'{qualified(group, plural)} "{name}" is forbidden: {why}'
    details = {key: value for key, value in (("name", name), ("group", group), ("kind", plural)) if value}
    return ApiError(403, "Forbidden", message, details)


def expired(message: str) -> ApiError:
    return ApiError(410, "Expired", message)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, "TooManyRequests", "Too many requests, please try again later.",
                    {"retryAfterSeconds": retry_after}, {"Retry-After": str(retry_after)})


def not_a_status(message: str) -> ApiError:
    """An error the apiserver did not turn into a Status: 500, no reason, its text as the message
    (apiserver `pkg/endpoints/handlers/responsewriters/status.go` ErrorToAPIStatus)."""
    return ApiError(500, "", message)


def internal(message: str) -> ApiError:
    return ApiError(500, "InternalError", f"Internal error occurred: {message}",
                    {"causes": [{"message": message}]})
