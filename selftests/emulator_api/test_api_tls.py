"""The emulated API server over TLS, as minikube's: its certificates, its kubeconfig, and what it answers
a request without (or with a bad) credential.

Sources: kubernetes/minikube pkg/minikube/bootstrapper/certs.go and pkg/util/crypto.go (the
certificates); kubernetes/apiserver pkg/server/secure_serving.go (tls.RequestClientCert),
pkg/authentication/request/x509/x509.go, pkg/endpoints/filters/authentication.go (401),
pkg/endpoints/handlers/responsewriters/errors.go (403 words); kubernetes/kubernetes
pkg/kubeapiserver/authenticator/config.go (a bad credential is never anonymous) and
plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go (system:public-info-viewer).
"""
from __future__ import annotations

import base64
import json
import socket
import ssl
import subprocess

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from kubernetes import client, config

from emulator import EmulatedCluster, Timeline
from emulator.apiserver import certificates
from emulator.base.faults import TLS_MISMATCH
from fixtures.cluster.identity import ca_fingerprint
from selftests.emulator_api.rawhttp import raw


def anonymous(cluster: EmulatedCluster) -> ssl.SSLContext:
    return ssl.create_default_context(cadata=cluster.certificates.ca.cert_pem.decode())


def stranger(cluster: EmulatedCluster) -> ssl.SSLContext:
    """Trusts the server, but shows a minikube-user certificate of another CA."""
    context = anonymous(cluster)
    other = certificates.mint("lab4", "192.168.49.2")
    certificates._load_chain(context, other.client)
    return context


def subject(cert: x509.Certificate, oid) -> list[str]:
    return [a.value for a in cert.subject.get_attributes_for_oid(oid)]


def test_the_kubeconfig_is_minikubes_with_the_certificates_inline(emulated_cluster, tmp_path):
    kubeconfig = yaml.safe_load(emulated_cluster.write_kubeconfig(tmp_path / "kc").read_text())
    cluster, user = kubeconfig["clusters"][0]["cluster"], kubeconfig["users"][0]["user"]
    assert cluster["server"].startswith("https://127.0.0.1:")
    assert set(user) == {"client-certificate-data", "client-key-data"}
    ca = x509.load_pem_x509_certificate(base64.b64decode(cluster["certificate-authority-data"]))
    client_cert = x509.load_pem_x509_certificate(base64.b64decode(user["client-certificate-data"]))
    assert subject(ca, NameOID.COMMON_NAME) == ["minikubeCA"]
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert subject(client_cert, NameOID.COMMON_NAME) == ["minikube-user"]
    assert subject(client_cert, NameOID.ORGANIZATION_NAME) == ["system:masters"]
    client_cert.verify_directly_issued_by(ca)
    usages = client_cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.CLIENT_AUTH in usages
    assert kubeconfig["contexts"][0]["context"]["extensions"][0]["name"] == "context_info"


def test_the_server_certificate_is_minikubes_and_verifies_for_127_0_0_1(emulated_cluster):
    port = int(emulated_cluster.url.rsplit(":", 1)[1])
    with anonymous(emulated_cluster).wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5),
                                                 server_hostname="127.0.0.1") as tls:
        served = x509.load_der_x509_certificate(tls.getpeercert(binary_form=True))
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    names = served.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert subject(served, NameOID.COMMON_NAME) == ["minikube"]
    assert {"localhost", "kubernetes.default.svc.cluster.local", "control-plane.minikube.internal", "lab4"} <= \
        set(names.get_values_for_type(x509.DNSName))
    assert {"127.0.0.1", "10.96.0.1", "192.168.49.2"} <= {str(ip) for ip in names.get_values_for_type(x509.IPAddress)}


def test_every_cluster_mints_its_own_ca():
    first, second = certificates.mint("lab4", "192.168.49.2"), certificates.mint("lab4", "192.168.49.2")
    assert first.ca.certificate.public_key().public_numbers() != second.ca.certificate.public_key().public_numbers()


def test_the_reports_fingerprint_is_the_servers_ca(emulated_cluster, tmp_path):
    """fixtures.identity reads the kubeconfig's CA; computed here from the CA that signed the served cert."""
    configuration = client.Configuration()
    config.load_kube_config(config_file=str(emulated_cluster.write_kubeconfig(tmp_path / "kc")),
                            client_configuration=configuration)
    digest = emulated_cluster.certificates.ca.certificate.fingerprint(hashes.SHA256()).hex().upper()
    assert ca_fingerprint(configuration) == ":".join(digest[i:i + 2] for i in range(0, 64, 2))


@pytest.mark.parametrize("path", ["/healthz", "/livez", "/readyz", "/version", "/version/"])
def test_health_and_version_are_public(emulated_cluster, path):
    status, _ = raw(emulated_cluster, "GET", path, context=anonymous(emulated_cluster))
    assert status == 200


@pytest.mark.parametrize("method, path, message, details", [
    ("GET", "/", 'forbidden: User "system:anonymous" cannot get path "/"', {}),
    ("GET", "/api", 'forbidden: User "system:anonymous" cannot get path "/api"', {}),
    ("GET", "/healthz/ping", 'forbidden: User "system:anonymous" cannot get path "/healthz/ping"', {}),
    ("GET", "/api/v1/namespaces/default/pods",
     'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace '
     '"default"', {"kind": "pods"}),
    ("GET", "/api/v1/nodes?watch=true",
     'nodes is forbidden: User "system:anonymous" cannot watch resource "nodes" in API group "" at the cluster '
     'scope', {"kind": "nodes"}),
    ("DELETE", "/apis/apps/v1/namespaces/default/deployments/react-app",
     'deployments.apps "react-app" is forbidden: User "system:anonymous" cannot delete resource "deployments" in '
     'API group "apps" in the namespace "default"', {"name": "react-app", "group": "apps", "kind": "deployments"}),
    ("POST", "/api/v1/namespaces/default/pods/react-a/exec",
     'pods "react-a" is forbidden: User "system:anonymous" cannot create resource "pods/exec" in API group "" in '
     'the namespace "default"', {"name": "react-a", "kind": "pods"}),
])
def test_anything_else_is_forbidden_to_an_anonymous_user(emulated_cluster, method, path, message, details):
    status, body = raw(emulated_cluster, method, path, context=anonymous(emulated_cluster))
    assert status == 403
    assert json.loads(body) == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": message, "reason": "Forbidden", "details": details, "code": 403}


UNAUTHORIZED = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": "Unauthorized",
                "reason": "Unauthorized", "code": 401}


@pytest.mark.parametrize("path", ["/healthz", "/api/v1/namespaces/default/pods"])
def test_a_certificate_of_another_ca_passes_the_handshake_and_is_401(emulated_cluster, path):
    status, body = raw(emulated_cluster, "GET", path, context=stranger(emulated_cluster))
    assert (status, json.loads(body)) == (401, UNAUTHORIZED)


def test_a_bearer_token_the_server_never_issued_is_401_not_anonymous(emulated_cluster):
    status, body = raw(emulated_cluster, "GET", "/healthz", headers={"Authorization": "Bearer not-a-token"},
                       context=anonymous(emulated_cluster))
    assert (status, json.loads(body)) == (401, UNAUTHORIZED)


def test_the_kubeconfig_user_is_a_cluster_admin(emulated_cluster):
    assert raw(emulated_cluster, "GET", "/api/v1/namespaces/default/pods")[0] == 200
    assert raw(emulated_cluster, "DELETE", "/api/v1/namespaces/default/configmaps/none")[0] == 404   # allowed, absent


def test_plain_http_is_there_for_debugging_and_checks_nothing(tmp_path):
    with EmulatedCluster((), Timeline(scale=0.05), plain_http=True) as cluster:
        assert cluster.url.startswith("http://") and cluster.certificates is None
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kc")
        assert "certificate-authority-data" not in kubeconfig.read_text()
        assert raw(cluster, "GET", "/api/v1/namespaces/default/pods")[0] == 200


def test_tls_mismatch_hands_out_another_clusters_ca(tmp_path):
    with EmulatedCluster((TLS_MISMATCH,), Timeline(scale=0.05)) as cluster:
        kubeconfig = cluster.write_kubeconfig(tmp_path / "kc")
        handed = base64.b64decode(yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]
                                  ["certificate-authority-data"])
        assert handed != cluster.certificates.ca.cert_pem
        result = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "nodes"],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode == 1 and "x509: certificate signed by unknown authority" in result.stderr
        assert raw(cluster, "GET", "/api/v1/nodes")[0] == 200    # the cluster's own CA and user still work


def test_kubectl_as_runs_the_request_as_the_impersonated_user(kubectl):
    """kubernetes/apiserver v0.35.1 `pkg/endpoints/filters/impersonation/impersonation.go`: minikube-user
    (system:masters) may impersonate; the request then runs as the named user with the named groups plus
    system:authenticated, a service account with its two groups. The emulator ignored the headers, so
    `--as=` answered as cluster-admin. `kubectl auth can-i` works for anyone authenticated
    (bootstrappolicy system:basic-user)."""
    denied = kubectl("get", "pods", "--as=alice", check=False)
    assert denied.returncode == 1
    assert ('pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace '
            '"default"') in denied.stderr
    assert kubectl("get", "pods", "--as=alice", "--as-group=system:masters").returncode == 0
    assert kubectl("auth", "can-i", "create", "pods", "--as=system:serviceaccount:default:default",
                   check=False).stdout.strip() == "no"
    whoami = kubectl("auth", "whoami", "--as=system:serviceaccount:default:default", "-o", "json").stdout
    assert json.loads(whoami)["status"]["userInfo"] == {
        "username": "system:serviceaccount:default:default",
        "groups": ["system:serviceaccounts", "system:serviceaccounts:default", "system:authenticated"]}


def test_impersonating_groups_without_a_user_is_a_bad_request(emulated_cluster):
    """buildImpersonationRequests: a group, uid or extra without Impersonate-User is 400."""
    status, text = raw(emulated_cluster, "GET", "/api/v1/pods", headers={"Impersonate-Group": "system:masters"})
    assert status == 400 and json.loads(text)["reason"] == "BadRequest"
