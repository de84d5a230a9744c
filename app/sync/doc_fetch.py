"""Documents of cases pulled from the server: noted while a page is applied, fetched after it.

A case made at another workstation of the window comes down with the list of its documents
(kind, number, SHA-256, void). The clerk who continues it here must be able to open and reprint
them, so their files are fetched as content-addressed blobs. The page's transaction holds no HTTP
call: it only notes what is missing (RemoteDocument); the fetch runs after the pull, verifies each
file's hash, stores it durably, and only then adds the Document row (a row never names a missing
file).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.context import AppContext
from app.documents.data import SEALED_KINDS, DocKind
from app.records.doc_register import write_blob
from app.sync import pull_certificates
from app.sync.client import ServerRefused, SyncClient
from app.sync.protocol import parse_ts
from db.models import BlobUpload, Document, RemoteDocument

log = logging.getLogger(__name__)
MAX_FETCH_PER_RUN = 200  # the rest come with the next run; a first sync of a busy window stays bounded
_KINDS = {str(k) for k in DocKind}


def note(session: Session, case_id: str, documents: Any, at: Any) -> None:
    """Inside the page's transaction: remember the documents of a pulled case that are not here."""
    if not isinstance(documents, list):
        return
    for d in documents:
        if not isinstance(d, dict) or str(d.get("kind")) not in _KINDS or len(str(d.get("sha256", ""))) != 64:
            continue  # a kind this version does not know is left on the server, not guessed at
        sha, void = str(d["sha256"]), bool(d.get("void"))
        here = session.execute(select(Document).where(Document.sha256 == sha)).scalars().first()
        if here is not None:
            if void and not here.void:  # voided at the workstation that issued it
                here.void, here.void_reason, here.voided_at = True, "在其他工作站作废（经中心服务器同步）", at
            continue
        waiting = session.get(RemoteDocument, sha)
        if waiting is None:
            issued = parse_ts(d["issued_at"]) if d.get("issued_at") else None
            session.add(RemoteDocument(sha256=sha, case_id=case_id, kind=str(d["kind"]), number=str(d.get("number", "")),
                                       void=void, issued_at=issued, seen_at=at, last_error=""))
        else:
            waiting.void = waiting.void or void


def waiting_count(session: Session) -> int:
    return len(session.execute(select(RemoteDocument.sha256)).all())


def fetch(ctx: AppContext, client: SyncClient, mark: Callable[[Session], Session],
          cancel: threading.Event) -> int:
    """Fetch the noted documents' files (no transaction open across a request); returns how many."""
    with ctx.read() as s:
        rows = [(r.sha256, r.case_id, r.kind, r.number, r.void, r.issued_at) for r in s.execute(
            select(RemoteDocument).order_by(RemoteDocument.seen_at).limit(MAX_FETCH_PER_RUN)).scalars()]
    fetched = 0
    for sha, case_id, kind, number, void, issued_at in rows:
        if cancel.is_set():
            break
        try:
            data = client.get_blob(sha)
        except ServerRefused as exc:  # e.g. 404: the issuing workstation has not uploaded it yet
            _note_error(ctx, mark, sha, exc.message)
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            log.warning("document %s from the server does not match its hash", number)
            _note_error(ctx, mark, sha, "中心服务器返回的文件与登记的摘要不符")
            continue
        now = ctx.now()
        rel, _ = write_blob(ctx.data.root, data, issued_at or now)  # fsync'd before the row that names it commits
        with ctx.write() as s:
            mark(s)
            if s.execute(select(Document.id).where(Document.kind == kind, Document.number == number,
                                                   Document.sha256 != sha)).first() is not None:
                # The same number on another document here (numbers repeated by a restored machine): both
                # stay as they are, visible, for the administrator; the sync goes on.
                row = s.get(RemoteDocument, sha)
                if row is not None:
                    row.last_error = f"文书编号 {number} 与本机另一份文书相同，请联系信息管理员"
                continue
            if s.execute(select(Document.id).where(Document.sha256 == sha)).first() is None:
                sealed = DocKind(kind) in SEALED_KINDS
                doc = Document(case_id=case_id, kind=kind, number=number, sha256=sha, path=rel, size=len(data),
                               sealed=sealed, signed=sealed, created_at=issued_at or now, created_by_id=None, void=void,
                               void_reason="在其他工作站作废（经中心服务器同步）" if void else "",
                               voided_at=now if void else None)
                s.add(doc)
                if kind == DocKind.CERTIFICATE_ORIGINAL:
                    s.flush()
                    pull_certificates.link_original(s, case_id, number, doc.id)
            s.merge(BlobUpload(sha256=sha, path=rel, uploaded_at=now))  # the server has it: never sent back
            row = s.get(RemoteDocument, sha)
            if row is not None:
                s.delete(row)
        fetched += 1
    return fetched


def _note_error(ctx: AppContext, mark: Callable[[Session], Session], sha: str, message: str) -> None:
    with ctx.write() as s:
        row = mark(s).get(RemoteDocument, sha)
        if row is not None:
            row.last_error = message
