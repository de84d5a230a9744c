"""Transport: no plain http:// off this machine; the server speaks TLS; the client trusts the hall's CA."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sync_testkit import Clock, LiveServer, seed_demo

from app.core.errors import AppError, ValidationError
from app.sync.client import SyncClient, plain_http_refused
from app.sync.enrolment import clean_url
from server.cli import run


@pytest.mark.parametrize("url", ["http://192.168.1.10:8765", "http://hall-server", "http://10.0.0.5",
                                 "http://[fe80::1]:8765", "http://127.0.0.1.evil.example"])
def test_plain_http_to_another_machine_is_refused(url: str) -> None:
    assert plain_http_refused(url)
    with pytest.raises(ValidationError) as bad:
        clean_url(url)
    assert bad.value.field == "server_url" and "https://" in bad.value.message
    with pytest.raises(AppError) as refused:
        SyncClient(url)
    assert refused.value.code == "plain_http"


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765",
                                 "http://127.8.0.1", "https://hall-server", "https://192.168.1.10:8443"])
def test_https_anywhere_and_plain_http_on_this_machine_are_allowed(url: str) -> None:
    assert plain_http_refused(url) is None
    assert clean_url(url) == url


def test_server_refuses_to_listen_off_this_machine_without_tls(tmp_path: Path) -> None:
    served: list[tuple[str, int]] = []
    db = f"sqlite:///{tmp_path / 's.sqlite'}"
    assert run(["--db", db, "--host", "0.0.0.0", "serve"], serve=lambda _c, h, p: served.append((h, p))) == 2
    assert served == []
    assert run(["--db", db, "--host", "0.0.0.0", "--tls-cert", "c.pem", "serve"], serve=lambda *_: None) == 2
    assert run(["--db", db, "--host", "0.0.0.0", "--behind-proxy", "serve"],
               serve=lambda _c, h, p: served.append((h, p))) == 0
    assert run(["--db", db, "--host", "127.0.0.1", "serve"], serve=lambda _c, h, p: served.append((h, p))) == 0
    assert served == [("0.0.0.0", 8765), ("127.0.0.1", 8765)]


def _cert(subject: str, issuer_key: ec.EllipticCurvePrivateKey | None = None,
          issuer: x509.Name | None = None) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    now = datetime.now(UTC)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
               .not_valid_after(now + timedelta(days=30)))
    if issuer is None:  # the hall's CA
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True).add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(
            ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return builder.sign(issuer_key or key, hashes.SHA256()), key


def test_client_verifies_the_server_against_the_hall_ca(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ca, ca_key = _cert("云岫市政务服务大厅 CA")
    server_cert, server_key = _cert("127.0.0.1", ca_key, ca.subject)
    (tmp_path / "server.pem").write_bytes(server_cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "server-key.pem").write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    (tmp_path / "hall-ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    clock = Clock()
    db = f"sqlite:///{tmp_path / 'server.sqlite'}"
    seed_demo(db, clock)
    live = LiveServer(db, clock, tls=(tmp_path / "server.pem", tmp_path / "server-key.pem")).start()
    try:
        assert live.url.startswith("https://")
        with pytest.raises(AppError):  # the hall's CA is not yet installed on this workstation: refused
            SyncClient(live.url).health()
        # Installed in the OS trust store (OpenSSL reads SSL_CERT_FILE, as the system bundle on Linux).
        monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "hall-ca.pem"))
        assert SyncClient(live.url).health() is not None
    finally:
        live.stop()
