"""Who a request comes from, and whether that user may make it, as kube-apiserver decides
(docs/platform.md §18.1-18.3).

Authentication (kubernetes `pkg/kubeapiserver/authenticator/config.go`): the client certificate
first (kubernetes/apiserver `pkg/authentication/request/x509/x509.go`: verified against the client
CA for client auth; user = CN, groups = O), then bearer tokens; every authenticated user also gets
`system:authenticated`. No credential at all makes the request anonymous (`system:anonymous`,
group `system:unauthenticated`), but an invalid one is never treated as anonymous
(union.NewFailOnError): 401 `Unauthorized` (`pkg/endpoints/filters/authentication.go`). The
emulator issues no tokens, so any bearer token it is shown is invalid.

Authorization follows the RBAC bootstrap policy (kubernetes
`plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go`): group system:masters is bound to
cluster-admin (everything); `system:public-info-viewer` (GET /livez, /readyz, /healthz, /version)
is bound to authenticated and unauthenticated users; `system:discovery` (also /api, /apis,
/openapi and below) and `system:basic-user` (create selfsubjectaccessreviews, selfsubjectrulesreviews,
selfsubjectreviews: `kubectl auth can-i`, `auth whoami`) to authenticated ones. Anything else is 403 with the words of
`pkg/endpoints/handlers/responsewriters/errors.go` (forbiddenMessage) and apimachinery's
NewForbidden. Request attributes as `pkg/endpoints/request/requestinfo.go` NewRequestInfo parses
them.

Impersonation (`kubectl --as`, `--as-group`; kubernetes/apiserver v0.35.1
`pkg/endpoints/filters/impersonation/impersonation.go`): each Impersonate-User / -Group / -Uid /
-Extra-* header is authorized as verb `impersonate` on users, groups, serviceaccounts, uids or userextras;
a group, uid or extra without a user is 400; the request then runs as the impersonated user, whose
groups are those named (a service account's are `system:serviceaccounts` and its namespace's when none
are) plus `system:authenticated` (`system:unauthenticated` for system:anonymous) unless named.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Mapping

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..base import errors

ANONYMOUS_NAME = "system:anonymous"
UNAUTHENTICATED = "system:unauthenticated"
AUTHENTICATED = "system:authenticated"
MASTERS = "system:masters"
PUBLIC_INFO = ("/livez", "/readyz", "/healthz", "/version", "/version/")
DISCOVERY = PUBLIC_INFO + ("/openapi", "/openapi/*", "/api", "/api/*", "/apis", "/apis/*")
NAMESPACE_SUBRESOURCES = {"status", "finalize"}
SPECIAL_VERBS = {"proxy", "watch"}
# bootstrappolicy/policy.go system:basic-user, bound to system:authenticated
BASIC_USER = {("authorization.k8s.io", "selfsubjectaccessreviews"), ("authorization.k8s.io", "selfsubjectrulesreviews"),
              ("authentication.k8s.io", "selfsubjectreviews")}


@dataclass(frozen=True)
class User:
    name: str
    groups: tuple[str, ...]


ANONYMOUS = User(ANONYMOUS_NAME, (UNAUTHENTICATED,))


@dataclass(frozen=True)
class RequestInfo:
    """The attributes RBAC decides on."""
    path: str
    verb: str
    resource_request: bool = False
    api_group: str = ""
    namespace: str = ""
    resource: str = ""
    subresource: str = ""
    name: str = ""


class Authenticator:
    def __init__(self, client_ca_pem: bytes):
        self._ca = x509.load_pem_x509_certificate(client_ca_pem)

    def user(self, peer_cert_der: bytes | None, authorization: str | None,
             now: datetime.datetime | None = None) -> User:
        """The request's user; errors.unauthorized() for a credential that does not hold."""
        if peer_cert_der:
            user = self._certificate_user(peer_cert_der, now or datetime.datetime.now(datetime.timezone.utc))
            if user:
                return User(user.name, (*user.groups, AUTHENTICATED))
        if authorization and authorization.split(" ", 1)[0].lower() == "bearer":
            raise errors.unauthorized()    # no token authenticator knows it
        if peer_cert_der:
            raise errors.unauthorized()
        return ANONYMOUS

    def _certificate_user(self, der: bytes, now: datetime.datetime) -> User | None:
        try:
            cert = x509.load_der_x509_certificate(der)
            cert.verify_directly_issued_by(self._ca)
        except (ValueError, TypeError, InvalidSignature):   # unparsable, another issuer, a bad signature
            return None
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            return None
        if not _usable_for_client_auth(cert):
            return None
        names = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)]
        if not names or not names[0]:
            return None        # CommonNameUserConversion: no CN, no user
        groups = tuple(a.value for a in cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME))
        return User(str(names[0]), tuple(str(g) for g in groups))


def _usable_for_client_auth(cert: x509.Certificate) -> bool:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return True            # Go's x509: no EKU extension means any usage
    return ExtendedKeyUsageOID.CLIENT_AUTH in usages or ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages


def request_info(method: str, path: str, query: Mapping[str, str]) -> RequestInfo:
    verb = method.lower()
    parts = [p for p in path.split("/") if p]
    if len(parts) < 3 or parts[0] not in ("api", "apis") or (parts[0] == "apis" and len(parts) < 4):
        return RequestInfo(path=path, verb=verb)
    group = parts[1] if parts[0] == "apis" else ""
    rest = parts[3:] if parts[0] == "apis" else parts[2:]
    verb = {"POST": "create", "GET": "get", "HEAD": "get", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete"}.get(method.upper(), "")
    if rest[0] in SPECIAL_VERBS and len(rest) >= 2:
        verb, rest = rest[0], rest[1:]
    namespace = ""
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else ""
    subresource = rest[2] if len(rest) >= 3 else ""
    if not name and verb == "get":
        verb = "watch" if query.get("watch", "false").lower() not in ("false", "0", "") else "list"
    if not name and verb == "delete":
        verb = "deletecollection"
    return RequestInfo(path, verb, True, group, namespace, resource, subresource, name)


SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:"
EXTRA_HEADER = "impersonate-extra-"


def impersonated(user: User, headers) -> User:
    """The user a request acts as (`headers`: a case-insensitive multidict); `user` itself without
    Impersonate-* headers."""
    name = headers.get("Impersonate-User", "")
    groups = list(headers.getall("Impersonate-Group", []))
    if not name:
        if groups or headers.get("Impersonate-Uid") or any(h.lower().startswith(EXTRA_HEADER) for h in headers):
            raise errors.bad_request("requested impersonation of groups, a uid or extras without impersonating "
                                     "a user")
        return user
    if name.startswith(SERVICE_ACCOUNT_PREFIX) and name.count(":") == 3:
        namespace, account = name[len(SERVICE_ACCOUNT_PREFIX):].split(":")
        asked = RequestInfo("", "impersonate", True, "", namespace, "serviceaccounts", "", account)
        acting = groups or ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"]
    else:
        asked = RequestInfo("", "impersonate", True, "", "", "users", "", name)
        acting = list(groups)
    for request in [asked] + [RequestInfo("", "impersonate", True, "", "", "groups", "", g) for g in groups]:
        authorize(user, request)
    if name == ANONYMOUS_NAME:
        implied = [] if UNAUTHENTICATED in acting else [UNAUTHENTICATED]
    else:
        implied = [] if {AUTHENTICATED, UNAUTHENTICATED} & set(acting) else [AUTHENTICATED]
    return User(name, tuple(acting + implied))


def authorize(user: User, info: RequestInfo) -> None:
    """Raises errors.forbidden() unless a bootstrap binding allows the request."""
    if MASTERS in user.groups:
        return
    if AUTHENTICATED in user.groups and info.verb == "create" and (info.api_group, info.resource) in BASIC_USER:
        return
    if not info.resource_request and info.verb == "get":
        allowed = DISCOVERY if AUTHENTICATED in user.groups else PUBLIC_INFO
        if any(_url_matches(rule, info.path) for rule in allowed):
            return
    raise errors.forbidden(info.api_group, info.resource, info.name, forbidden_message(user, info))


def forbidden_message(user: User, info: RequestInfo) -> str:
    if not info.resource_request:
        return f'User "{user.name}" cannot {info.verb} path "{info.path}"'
    resource = f"{info.resource}/{info.subresource}" if info.subresource else info.resource
    where = f'in the namespace "{info.namespace}"' if info.namespace else "at the cluster scope"
    return f'User "{user.name}" cannot {info.verb} resource "{resource}" in API group "{info.api_group}" {where}'


def _url_matches(rule: str, path: str) -> bool:
    # rbac/v1 NonResourceURLMatches: exact, or a trailing * as a prefix
    return path == rule or (rule.endswith("*") and path.startswith(rule[:-1]))
