"""Certificates made for a 一件事 part at another window, as the server sends them to the comprehensive window
that received the bundle (server/themes.py certificate_fan_out): it hands them over with the rest (统一出件).

The row is the register's facts; its 正本 comes as one of the case's documents (doc_fetch), which links itself
to the row when it arrives — the two may come in either order.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.documents.data import DocKind
from app.sync.protocol import parse_day
from db.models import Case, Certificate, Document

_STATUSES = frozenset({"issued", "delivered", "voided"})


def original_of(session: Session, case_id: str, number: str) -> str | None:
    """The 正本 of certificate `number` among the case's documents here, if it has arrived."""
    return session.execute(select(Document.id).where(
        Document.case_id == case_id, Document.kind == str(DocKind.CERTIFICATE_ORIGINAL), Document.number == number)
        .order_by(Document.created_at.desc())).scalars().first()


def link_original(session: Session, case_id: str, number: str, document_id: str) -> None:
    """A fetched 正本 names the certificate row that came before it (see the module's note)."""
    session.execute(update(Certificate).where(Certificate.case_id == case_id, Certificate.number == number,
                                              Certificate.document_id.is_(None)).values(document_id=document_id))


def apply_certificate(session: Session, rec: dict[str, Any], at: datetime) -> bool:
    """The server's record onto the local row (created if new); False when its case is not here."""
    cert_id, case_id, number = (str(rec.get(k) or "") for k in ("certificate_id", "case_id", "number"))
    status = str(rec.get("status") or "issued")
    if not cert_id or not number or session.get(Case, case_id) is None or status not in _STATUSES:
        return False
    row = session.get(Certificate, cert_id)
    if row is None:
        issued_on, valid_from = parse_day(rec.get("issued_on")), parse_day(rec.get("valid_from"))
        if issued_on is None or valid_from is None:
            return False
        row = Certificate(id=cert_id, number=number, type_code=str(rec.get("type_code") or ""), case_id=case_id,
                          holder_name=str(rec.get("holder_name") or ""),
                          holder_id_number=str(rec.get("holder_id_number") or ""),
                          fields_json=json.dumps(rec.get("fields") or {}, ensure_ascii=False),
                          issued_on=issued_on, valid_from=valid_from, valid_to=parse_day(rec.get("valid_to")),
                          status=status, replaces_id=None, document_id=original_of(session, case_id, number))
        session.add(row)
    if status == "voided" and row.status != "voided":
        row.status, row.void_reason, row.voided_at = "voided", str(rec.get("void_reason") or ""), at
    return True


def delivered_elsewhere(session: Session, case_id: str) -> None:
    """The case was handed over at another workstation (a 一件事 part at the comprehensive window): its live
    certificate here is marked delivered, so this window's register and desk do not offer it again."""
    session.execute(update(Certificate).where(Certificate.case_id == case_id, Certificate.status == "issued")
                    .values(status="delivered"))
