"""The hall CA and each window's seal credential (PKCS#12), its passphrase in the OS keyring."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from app.core import secret_store
from app.core.errors import AppError

KEYRING_SERVICE = "OneWindow"
# Only the demo may fall back to this when the machine has no keyring (headless Linux):
# real credentials are never unlocked by a passphrase kept in the program.
DEMO_PASSPHRASE = "onewindow-demo-seal"


@dataclass(frozen=True)
class CredentialPaths:
    """Where a data directory keeps the hall CA certificate and the windows' PKCS#12 files."""

    folder: Path

    @property
    def ca_cert(self) -> Path:
        return self.folder / "hall-ca.pem"

    @property
    def ca_key(self) -> Path:
        return self.folder / "hall-ca.key.pem"  # demo only: a real CA key never reaches a workstation

    def seal_p12(self, seal_code: str) -> Path:
        return self.folder / f"seal-{seal_code}.p12"


def _fit(text: str, limit: int = 64) -> str:
    """X.520 caps these attributes at 64 (the library counts UTF-8 bytes): cut whole characters."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


def _name(common: str, org: str, serial: str | None = None, unit: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(org))]
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _fit(unit)))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common)))
    if serial:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    return x509.Name(attrs)


def make_demo_ca(paths: CredentialPaths, hall_name: str) -> None:
    """A self-signed hall CA for the demo (a real hall's CA lives on the server side)."""
    paths.folder.mkdir(parents=True, exist_ok=True)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC) - timedelta(days=400)  # valid for demo cases dated in the past too
    name = _name(f"{hall_name}演示根证书", hall_name)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    paths.ca_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths.ca_key.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))


def issue_seal_credential(paths: CredentialPaths, seal_code: str, org_name: str, window_name: str,
                          passphrase: str) -> str:
    """A signing certificate for one window's seal, signed by the hall CA; returns its SHA-256."""
    ca_key = serialization.load_pem_private_key(paths.ca_key.read_bytes(), password=None)
    ca_cert = x509.load_pem_x509_certificate(paths.ca_cert.read_bytes())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC) - timedelta(days=400)
    cert = (x509.CertificateBuilder()
            .subject_name(_name(f"行政审批服务专用章 {seal_code}", org_name, seal_code, window_name))
            .issuer_name(ca_cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + timedelta(days=3000))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
                           critical=False)
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    blob = pkcs12.serialize_key_and_certificates(
        seal_code.encode(), key, cert, [ca_cert],
        serialization.BestAvailableEncryption(passphrase.encode()))
    paths.seal_p12(seal_code).write_bytes(blob)
    return cert.fingerprint(hashes.SHA256()).hex()


def keyring_available() -> bool:
    """Whether the OS offers a real keyring (not the fail or plaintext backends)."""
    return secret_store.available()


def store_passphrase(seal_code: str, passphrase: str) -> bool:
    """Put a seal's passphrase in the keyring; False when the machine has none."""
    if not keyring_available():
        return False
    import keyring

    keyring.set_password(KEYRING_SERVICE, f"seal:{seal_code}", passphrase)
    return True


def passphrase_for(seal_code: str, *, demo: bool) -> str:
    """The seal credential's passphrase from the keyring (the demo may use its demo passphrase)."""
    if keyring_available():
        import keyring

        found = keyring.get_password(KEYRING_SERVICE, f"seal:{seal_code}")
        if found:
            return found
    if demo:
        return DEMO_PASSPHRASE
    raise AppError("no_keyring", "本机钥匙串中没有印章证书口令，无法签章。请信息管理员在本机登记印章证书。")


def new_passphrase() -> str:
    return secrets.token_urlsafe(24)
