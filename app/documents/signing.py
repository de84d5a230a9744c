"""Signing a whole PDF (PAdES) with a window's seal credential, and checking such a signature.

The signer sits behind a small interface so a token/HSM or an SM2 signer (GB/T 38540) can
replace the PKCS#12 file later. pyHanko is imported lazily: it costs ~0.4 s at import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Protocol

SIGNATURE_FIELD = "OneWindowSeal"
SIGNATURE_BYTES = 8192  # room for the CMS container: an RSA-2048 signature, its two certificates, attributes


class DocumentSigner(Protocol):
    """Anything that turns a finished PDF into a signed one."""

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes: ...


class Pkcs12Signer:
    """PAdES baseline signature with a key from a PKCS#12 file; an invisible signature field.

    The seal is drawn into the page content beforehand (viewers that draw no annotation
    appearance, QtPdf among them, still show it); the signature makes the file tamper-evident.
    """

    def __init__(self, p12_path: Path, passphrase: str) -> None:
        from pyhanko.sign import signers

        loaded = signers.SimpleSigner.load_pkcs12(str(p12_path), passphrase=passphrase.encode())
        if loaded is None:
            from app.core.errors import AppError

            raise AppError("bad_credential", "印章证书无法打开（文件损坏或口令不符）")
        self._signer = _kept_key_signer(loaded)

    def sign(self, pdf: bytes, *, reason: str, location: str) -> bytes:
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers

        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD, md_algorithm="sha256", reason=reason, location=location,
            subfilter=fields.SigSeedSubFilter.PADES)
        # A fixed reservation instead of pyHanko's dry-run signature to size it (half the signing time).
        out = signers.sign_pdf(writer, meta, signer=self._signer, bytes_reserved=SIGNATURE_BYTES,
                               new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD))
        return out.getvalue()


def _kept_key_signer(loaded: object) -> object:
    """The loaded signer, made to keep its private key object.

    pyHanko's SimpleSigner parses the key from DER on every raw signature, and signs twice per document
    (a dry run to size the signature field, then the signature): two RSA key loads with their
    consistency check, 130–190 ms holding the GIL, during which the window's event loop stood still.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):  # type: ignore[misc]
        _key: object = None

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
            try:
                algo = mechanism.signature_algo
            except ValueError:
                algo = mechanism["algorithm"].native
            if algo != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)  # type: ignore[no-any-return]
            if self._key is None:
                self._key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            return self._key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))  # type: ignore[attr-defined,no-any-return]

    base = loaded  # a SimpleSigner
    return KeptKeySigner(signing_key=base.signing_key, signing_cert=base.signing_cert,  # type: ignore[attr-defined]
                         cert_registry=base.cert_registry,  # type: ignore[attr-defined]
                         signature_mechanism=base.signature_mechanism)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SignatureReport:
    """What the file itself says about its signature."""

    signed: bool
    intact: bool = False
    whole_file: bool = False
    trusted: bool = False
    signer: str = ""
    seal_code: str = ""
    signed_at: datetime | None = None
    cert_sha256: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.signed and self.intact and self.whole_file and self.trusted


def check_signature(pdf: bytes, ca_cert_pem: bytes) -> SignatureReport:
    """Intact, covering the whole file, chaining to the hall CA: each checked and reported."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:
        return SignatureReport(False, problems=(f"不是可读取的 PDF 文件：{exc}",))
    if not sigs:
        return SignatureReport(False, problems=("文件没有电子签章",))
    problems_extra = (f"文件有 {len(sigs)} 个签名，只核验最后一个",) if len(sigs) > 1 else ()
    _, _, der = pem.unarmor(ca_cert_pem)
    root = asn1_x509.Certificate.load(der)
    vc = ValidationContext(trust_roots=[root], allow_fetching=False)
    sig = sigs[-1]
    try:
        status = validate_pdf_signature(sig, vc)
    except Exception as exc:
        return SignatureReport(True, problems=(f"签名无法解析：{exc}",))
    cert = sig.signer_cert
    subject = cert.subject.native
    problems = list(problems_extra)
    if not status.intact or not status.valid:
        problems.append("签名后文件内容被改动（摘要不符）")
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    if not whole:
        problems.append("签名之后文件又被追加或改动，签名未覆盖整个文件")
    if not status.trusted:
        problems.append("签章证书不是本大厅 CA 签发的")
    return SignatureReport(
        True, bool(status.intact and status.valid), whole, bool(status.trusted),
        subject.get("common_name", ""), subject.get("serial_number", ""), status.signer_reported_dt,
        cert.sha256.hex(), tuple(problems))
