"""`onewindow verify`: is this PDF a sound, sealed document of this hall, and still in force?"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import AppContext, to_local
from app.documents import sample_mark
from app.documents.data import CERTIFICATE_KINDS
from app.documents.signing import check_signature
from app.records.doc_register import find_by_sha256, info_of
from app.seal.seals import STATUS_LABELS, credential_paths, seal_by_code
from db.models import Certificate, Seal, Window


@dataclass(frozen=True)
class Line:
    """One finding. ok=None is information that neither passes nor fails the file."""

    ok: bool | None
    zh: str
    en: str


@dataclass(frozen=True)
class VerifyReport:
    lines: tuple[Line, ...]
    sample: bool = False  # a 样张 for template review: never valid, and said so rather than "not signed"

    @property
    def ok(self) -> bool:
        return (not self.sample and all(line.ok is not False for line in self.lines)
                and any(line.ok for line in self.lines))


SAMPLE_LINE = Line(False, "样张：本文件是模板审核用的样张，不是出具的文书，不具法律效力",
                   "SAMPLE: a template sample for review, not an issued document")


def verify_pdf(ctx: AppContext, pdf: bytes) -> VerifyReport:
    """Signature intact and covering the file; signer from the hall CA; seal active when signed; not voided."""
    lines: list[Line] = []
    if _info(pdf, "/Keywords") == sample_mark.KEYWORD or sample_mark.is_sample_number(_title_number(pdf)):
        return VerifyReport((SAMPLE_LINE,), sample=True)
    ca = credential_paths(ctx.data).ca_cert
    if not ca.exists():
        return VerifyReport((Line(False, "本机没有大厅 CA 证书，无法核验", "no hall CA certificate on this workstation"),))
    sig = check_signature(pdf, ca.read_bytes())
    if not sig.signed:
        return VerifyReport((Line(False, "；".join(sig.problems) or "文件没有电子签章", "the file is not signed"),))
    lines.append(Line(sig.intact, "签名完整，文件未被改动" if sig.intact else "文件在签章后被改动",
                      "signature intact" if sig.intact else "file altered after signing"))
    lines.append(Line(sig.whole_file, "签名覆盖整个文件" if sig.whole_file else "签名未覆盖整个文件（签章后有追加内容）",
                      "signature covers the whole file" if sig.whole_file else "signature does not cover the whole file"))
    lines.append(Line(sig.trusted, "签章证书由本大厅 CA 签发" if sig.trusted else "签章证书不是本大厅 CA 签发的",
                      "signer chains to the hall CA" if sig.trusted else "signer does not chain to the hall CA"))
    # pyHanko reports an aware datetime; the database and SealInfo work in naive UTC.
    when = sig.signed_at.astimezone(UTC).replace(tzinfo=None) if sig.signed_at else None
    local = to_local(when) if when else None
    with ctx.read() as s:
        seal = seal_by_code(s, sig.seal_code)
        if seal is None:
            lines.append(Line(False, f"印章编码 {sig.seal_code} 不在本大厅印章登记中",
                              f"seal {sig.seal_code} is not registered in this hall"))
        else:
            window = s.get(Window, seal.window_id)
            row = s.execute(select(Seal).where(Seal.id == seal.id)).scalar_one()
            lines.append(Line(None, f"印章：{seal.org_name}{seal.purpose}（编码 {seal.code}），"
                                    f"窗口 {window.number if window else ''} {window.name if window else ''}",
                              f"seal {seal.code} of window {window.number if window else '?'}"))
            lines.append(Line(None, f"签章时间：{local:%Y-%m-%d %H:%M:%S}" if local else "签章时间：未知",
                              f"signed at {when.isoformat() + 'Z' if when else 'unknown'}"))
            if row.cert_fingerprint and row.cert_fingerprint != sig.cert_sha256:
                lines.append(Line(False, "签章证书不是该印章登记的证书", "signer certificate is not the seal's"))
            active = when is not None and seal.active_at(when)
            status_now = STATUS_LABELS.get(seal.status, seal.status)
            lines.append(Line(active, f"签章时印章有效（现状态：{status_now}）" if active else
                              f"签章时印章已不可用（现状态：{status_now}）",
                              "seal was active when signed" if active else "seal was not active when signed"))
        doc = find_by_sha256(s, hashlib.sha256(pdf).hexdigest())
        if doc is None:
            lines.append(Line(None, "本机文书登记簿中无此文件（可能由其他工作站出具）",
                              "not in this workstation's document register"))
        else:
            info = info_of(doc, ctx.data.root)
            lines.append(Line(None, f"文书：{info.title} {info.number}", f"document {info.kind} {info.number}"))
            lines.append(Line(not info.void, "文书有效，未作废" if not info.void else f"文书已作废：{info.void_reason}",
                              "not voided" if not info.void else "VOIDED"))
        number = doc.number if doc is not None and doc.kind in CERTIFICATE_KINDS else _certificate_number(pdf)
        if number:
            lines.extend(_certificate_lines(s, number, ctx.today()))
    return VerifyReport(tuple(lines))


def _info(pdf: bytes, key: str) -> str:
    """One text entry of the PDF's document information ("" when absent or not a PDF we can read)."""
    from io import BytesIO

    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return str(PdfFileReader(BytesIO(pdf), strict=False).trailer_view["/Info"][key])
    except Exception:  # not ours, or no such entry: nothing to look up
        return ""


def _title_number(pdf: bytes) -> str:
    """Our documents are titled "名称 编号"."""
    return _info(pdf, "/Title").rpartition(" ")[2]


def _certificate_number(pdf: bytes) -> str:
    """A certificate from another workstation: its number from the (signed) document title, "名称（正本） 编号"."""
    head, _, number = _info(pdf, "/Title").rpartition(" ")
    return number if head.endswith(("（正本）", "（副本）")) else ""


def _certificate_lines(session: Session, number: str, today: date) -> list[Line]:
    """The certificate register's word: issued and in force, or voided (a voided certificate fails)."""
    cert = session.execute(select(Certificate).where(Certificate.number == number)).scalar_one_or_none()
    if cert is None:
        return [Line(None, f"本机证照登记簿中无证照 {number}（可能由其他工作站出具）",
                     f"certificate {number} not in this workstation's register")]
    out = [Line(None, f"证照：{number}，持证主体 {cert.holder_name}，有效期 {cert.valid_from}"
                      f" 至 {cert.valid_to or '长期'}", f"certificate {number} held by {cert.holder_name}")]
    if cert.status == "voided":
        out.append(Line(False, f"证照已作废：{cert.void_reason}", "certificate VOIDED"))
    elif cert.valid_to is not None and cert.valid_to < today:
        out.append(Line(False, f"证照已于 {cert.valid_to} 到期", "certificate expired"))
    else:
        out.append(Line(True, "证照在登记簿中有效，未作废", "certificate in force, not voided"))
    return out
