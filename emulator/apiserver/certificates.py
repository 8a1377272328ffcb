"""The certificates `minikube start` mints, minted afresh for each emulated cluster (docs/platform.md §1.7).

kubernetes/minikube `pkg/minikube/bootstrapper/certs.go` (generateSharedCACerts,
generateProfileCerts) and `pkg/util/crypto.go` (GenerateCACert, GenerateSignedCert): a CA with CN
`minikubeCA` (RSA 2048, ten years, KeyUsage CertSign), and signed by it the API server's serving
cert (CN `minikube`, the node and service IPs, 127.0.0.1 and kubernetes.default... as SANs) and the
client cert of the kubeconfig's user (CN `minikube-user`); every signed cert carries
O=`system:masters` and lasts three years (constants.DefaultCertExpiration). Go's
x509.CreateCertificate adds the key identifiers, so Python's strict verification accepts them too.
"""
from __future__ import annotations

import datetime
import functools
import hashlib
import ipaddress
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_NAME = "minikubeCA"
SERVER_NAME = "minikube"
CLIENT_NAME = "minikube-user"
MASTERS = "system:masters"
CA_LIFETIME = datetime.timedelta(days=365 * 10)
CERT_LIFETIME = datetime.timedelta(hours=26280)
BACKDATED = datetime.timedelta(hours=24)           # NotBefore: now - 24h in both generators
SERVICE_IP = "10.96.0.1"                           # first address of minikube's default ServiceCIDR
ALTERNATE_DNS = ("kubernetes.default.svc.cluster.local", "kubernetes.default.svc", "kubernetes.default",
                 "kubernetes", "localhost")        # pkg/util/constants.go AlternateDNS


@dataclass(frozen=True)
class KeyPair:
    cert_pem: bytes
    key_pem: bytes

    @property
    def certificate(self) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.cert_pem)


@dataclass(frozen=True)
class ClusterCertificates:
    ca: KeyPair
    server: KeyPair
    client: KeyPair

    def server_context(self) -> ssl.SSLContext:
        """TLS 1.2+ serving the API server's cert, asking every client for a cert of the CA
        (apiserver `pkg/server/secure_serving.go` tlsConfig)."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        _load_chain(context, self.server)
        context.load_verify_locations(cadata=self.ca.cert_pem.decode())
        context.verify_mode = ssl.CERT_OPTIONAL
        return context

    def client_context(self) -> ssl.SSLContext:
        """What a kubeconfig of this cluster gives a client: trust in the CA, the user's cert."""
        context = ssl.create_default_context(cadata=self.ca.cert_pem.decode())
        _load_chain(context, self.client)
        return context


def mint(profile: str, node_ip: str, now: datetime.datetime | None = None) -> ClusterCertificates:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_cert = _ca_certificate(ca_key, now)
    ips = [ipaddress.ip_address(a) for a in (SERVICE_IP, "127.0.0.1", "10.0.0.1", node_ip)]
    names = [CA_NAME, "control-plane.minikube.internal", profile, *ALTERNATE_DNS]
    server = _signed(SERVER_NAME, _kept_key("apiserver"), ca_cert, ca_key, now, ips, names)
    client = _signed(CLIENT_NAME, _kept_key("client"), ca_cert, ca_key, now, [], [])
    return ClusterCertificates(KeyPair(_pem(ca_cert), _key_pem(ca_key)), server, client)


def fingerprint(cert_pem: bytes) -> str:
    """SHA-256 of the certificate's DER, as `openssl x509 -noout -fingerprint -sha256` prints it."""
    digest = hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert_pem.decode())).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


@functools.lru_cache(maxsize=None)
def _kept_key(role: str) -> rsa.RSAPrivateKey:
    # minikube keeps a profile's key files across starts (loadOrGeneratePrivateKey); the emulator
    # keeps one per process, which spares ~50 ms per cluster. The CA key is always new.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str, organization: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization)] if organization else []
    return x509.Name(parts + [x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _ca_certificate(key: rsa.RSAPrivateKey, now: datetime.datetime) -> x509.Certificate:
    public = key.public_key()
    return (x509.CertificateBuilder().subject_name(_name(CA_NAME)).issuer_name(_name(CA_NAME))
            .public_key(public).serial_number(1)
            .not_valid_before(now - BACKDATED).not_valid_after(now + CA_LIFETIME)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(_both_usages(), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
            .sign(key, hashes.SHA256()))


def _signed(common_name: str, key: rsa.RSAPrivateKey, ca_cert: x509.Certificate, ca_key: rsa.RSAPrivateKey,
            now: datetime.datetime, ips: list, names: list[str]) -> KeyPair:
    builder = (x509.CertificateBuilder().subject_name(_name(common_name, MASTERS)).issuer_name(ca_cert.subject)
               .public_key(key.public_key()).serial_number(2)
               .not_valid_before(now - BACKDATED).not_valid_after(now + CERT_LIFETIME)
               .add_extension(_key_usage(cert_sign=False), critical=True)
               .add_extension(_both_usages(), critical=False)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                              critical=False))
    if ips or names:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName(n) for n in names] + [x509.IPAddress(ip) for ip in ips]), critical=False)
    return KeyPair(_pem(builder.sign(ca_key, hashes.SHA256())), _key_pem(key))


def _key_usage(cert_sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, key_encipherment=True, key_cert_sign=cert_sign,
                         content_commitment=False, data_encipherment=False, key_agreement=False,
                         crl_sign=False, encipher_only=False, decipher_only=False)


def _both_usages() -> x509.ExtendedKeyUsage:
    return x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH, ExtendedKeyUsageOID.SERVER_AUTH])


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key: rsa.RSAPrivateKey) -> bytes:
    # "RSA PRIVATE KEY" (PKCS#1), as minikube writes its key files.
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def _load_chain(context: ssl.SSLContext, pair: KeyPair) -> None:
    # ssl reads a cert chain only from files: hand them over in a private folder, gone right after.
    with tempfile.TemporaryDirectory(prefix="emulator-tls-") as folder:
        cert, key = Path(folder, "tls.crt"), Path(folder, "tls.key")
        cert.write_bytes(pair.cert_pem)
        key.touch(mode=0o600)
        key.write_bytes(pair.key_pem)
        context.load_cert_chain(cert, key)
