"""Using the window's seal: who may, on what, and the register entry every use leaves behind.

Routine notices are sealed under the custodian's standing authorisation; decisions and
certificates need the custodian's own password at that moment (DESIGN §5). The seal is
drawn into the page, then the whole PDF is signed with the window's credential.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core import audit
from app.core.auth import password_matches
from app.core.context import Actor, AppContext
from app.core.errors import AppError, PermissionDenied
from app.documents.data import KIND_TITLES, SEALED_KINDS, DocKind, DocumentData, SealImpression
from app.records import doc_register
from app.seal.seals import STATUS_LABELS, SealInfo, credential_paths, seal_of_window
from db.models import Document, SealAuthorization, SealUse, Setting, Staff, Window

# Procedural notices, not decisions. The 终止办理告知书 tells a consequence of a 不予许可 already decided (and
# sealed with the custodian's password): the counter issues it under the standing authorisation.
ROUTINE_KINDS = frozenset({DocKind.ACCEPTANCE, DocKind.CORRECTION, DocKind.REFUSAL, DocKind.SPECIAL_PROCEDURE,
                           DocKind.EXTENSION, DocKind.SITE_VISIT, DocKind.TERMINATION})
_signers: dict[str, object] = {}
_signers_lock = threading.Lock()


@dataclass(frozen=True)
class SealGrant:
    """Permission to use a seal once: which seal, who authorised it, how."""

    seal: SealInfo
    authorised_by_id: int
    mode: str  # standing | password


def device_code(session: Session) -> str:
    row = session.get(Setting, "device_code")
    if row is None:
        raise AppError("not_enrolled", "本机尚未登记到中心服务器，不能出具文书。请管理员先登记本机。")
    return row.value


def _standing_authorisation(session: Session, seal: SealInfo, staff_id: int, now: datetime) -> bool:
    today = now.date()
    found = session.execute(select(SealAuthorization.id).where(
        SealAuthorization.seal_id == seal.id, SealAuthorization.staff_id == staff_id,
        SealAuthorization.withdrawn_at.is_(None), SealAuthorization.valid_from <= today,
        or_(SealAuthorization.valid_to.is_(None), SealAuthorization.valid_to >= today))).first()
    return found is not None


def authorise(session: Session, actor: Actor, kind: DocKind, now: datetime,
              custodian_password: str | None = None, window_id: int | None = None) -> SealGrant:
    """Check the seal may be used for this document by this person now; raise with a clear reason.

    The seal is the one of the window the case belongs to (`window_id`), which need not be the
    window the person usually sits at: a chief representative signs for all windows of the department.
    """
    if actor.window_id is None:
        raise PermissionDenied("只有窗口人员可以用印")
    target = window_id or actor.window_id
    if target != actor.window_id:
        window, own = session.get(Window, target), session.get(Window, actor.window_id)
        if window is None or own is None or window.department_id != own.department_id:
            raise PermissionDenied("不能使用其他部门窗口的印章")
    seal = seal_of_window(session, target)
    if seal is None:
        raise AppError("no_seal", "本窗口没有登记行政审批服务专用章，不能出具需盖章的文书")
    if seal.status != "active":
        raise AppError("seal_inactive", f"本窗口印章{STATUS_LABELS.get(seal.status, seal.status)}，不能用印。"
                       "请联系印章保管人或大厅管理员。")
    if seal.custodian_id is None:
        raise AppError("no_custodian", "印章没有登记保管人，不能用印")
    if custodian_password is not None:
        if not password_matches(session.get(Staff, seal.custodian_id), custodian_password):
            session.info.setdefault("audit_on_rollback", []).append(
                (actor.staff_id, "seal_password_failed", seal.code, {"kind": str(kind)}, now))
            raise AppError("bad_custodian_password", "印章保管人密码不正确", "custodian_password")
        return SealGrant(seal, seal.custodian_id, "password")
    if kind not in ROUTINE_KINDS:
        raise AppError("custodian_password_needed",
                       f"{KIND_TITLES[kind]}用印须由印章保管人当场输入密码", "custodian_password")
    if actor.staff_id == seal.custodian_id or _standing_authorisation(session, seal, actor.staff_id, now):
        return SealGrant(seal, seal.custodian_id, "standing")
    raise PermissionDenied("您没有印章保管人的常规用印授权，请保管人授权或当场输入密码")


def signer_for(ctx: AppContext, seal_code: str) -> object:
    """The window's signer, loaded once per process (pyHanko import and key decryption ~0.9 s)."""
    from app.documents.credentials import passphrase_for
    from app.documents.signing import Pkcs12Signer

    with _signers_lock:
        signer = _signers.get(seal_code)
        if signer is None:
            p12 = credential_paths(ctx.data).seal_p12(seal_code)
            if not p12.exists():
                raise AppError("no_credential", "本机没有该印章的电子签章证书，无法签章。请信息管理员配置。")
            signer = Pkcs12Signer(p12, passphrase_for(seal_code, demo=ctx.demo))
            _signers[seal_code] = signer
    return signer


def issue(session: Session, ctx: AppContext, actor: Actor, *, kind: DocKind, case_id: str | None,
          dept_short: str, build: Callable[[str, SealImpression | None], DocumentData],
          custodian_password: str | None = None, replaces_id: str | None = None,
          number: str | None = None, window_id: int | None = None) -> Document:
    """Number, (seal,) render, (sign,) store and register one document inside the caller's transaction.

    `number`: a number made elsewhere (a certificate's number comes from its leased block, not the counter).
    """
    from app.documents.render import render

    now = ctx.now()
    grant = (authorise(session, actor, kind, now, custodian_password, window_id)
             if kind in SEALED_KINDS else None)
    number = number or doc_register.next_number(session, kind, dept_short, ctx.today().year, device_code(session))
    impression = (SealImpression(grant.seal.org_name, grant.seal.purpose, grant.seal.code) if grant else None)
    data = build(number, impression)
    pdf = render(data)
    if grant is not None:
        signer = signer_for(ctx, grant.seal.code)
        pdf = signer.sign(pdf, reason=f"{KIND_TITLES[kind]} {number}",  # type: ignore[attr-defined]
                          location=data.issuer.hall_name)
    doc = doc_register.register(session, ctx.data.root, case_id=case_id, kind=kind, number=number, pdf=pdf,
                                sealed=grant is not None, signed=grant is not None, staff_id=actor.staff_id,
                                when=now, replaces_id=replaces_id)
    if grant is not None:
        session.add(SealUse(seal_id=grant.seal.id, document_id=doc.id, document_kind=str(kind),
                            document_number=number, case_id=case_id, sha256=doc.sha256, impressions=1,
                            requested_by_id=actor.staff_id, authorised_by_id=grant.authorised_by_id,
                            authorisation=grant.mode, at=now))
        audit.record(session, actor.staff_id, "seal_use", number,
                     {"seal": grant.seal.code, "kind": str(kind), "sha256": doc.sha256, "mode": grant.mode,
                      "authorised_by": grant.authorised_by_id}, at=now)
    return doc


def documents_of_case(session: Session, case_id: str) -> list[Document]:
    return list(session.execute(select(Document).where(Document.case_id == case_id)
                                .order_by(Document.created_at)).scalars())
