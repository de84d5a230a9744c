"""Scans of a pulled case's materials taken at another workstation: noted while a page is applied, fetched after.

The server's case record lists the scans its workstations added (server/case_scans.py). The department's window
working a 一件事 part (whose papers were scanned once at the comprehensive window), or the chief at his own
workstation, needs them beside the case: each one streams (bounded, its hash checked) into a file stored sealed
like a scan taken here, and only then gets its Attachment row, linked to the material of the same name. The
server holds it already: marked uploaded, no outbox op (the same paper, not a new fact).

Site-visit photos are left to the visit's own fetch on demand (app/sync/visit_photos.py).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.cases.attachments import MAX_BYTES, blob_path, store_scan
from app.core.context import AppContext
from app.core.errors import AppError
from app.sync.client import CHUNK, SyncClient
from db.models import Attachment, BlobUpload, CaseMaterial, RemoteScan

MAX_FETCH_PER_RUN = 100  # the rest come with the next run
PHOTOS = "现场核查照片"


def note(session: Session, case_id: str, scans: Any, at: Any) -> None:
    """Inside the page's transaction: remember the case's scans that are not here."""
    if not isinstance(scans, list):
        return
    for d in scans:
        if not isinstance(d, dict) or len(str(d.get("sha256", ""))) != 64 or d.get("material") == PHOTOS:
            continue
        sha, material = str(d["sha256"]), str(d.get("material") or "")
        if session.execute(select(Attachment.id).where(Attachment.case_id == case_id, Attachment.sha256 == sha)
                           ).first() is not None or session.get(RemoteScan, (case_id, sha)) is not None:
            continue
        session.add(RemoteScan(case_id=case_id, sha256=sha, filename=str(d.get("filename") or "扫描件")[:200],
                               material=material[:200], seen_at=at, last_error=""))


def _download(ctx: AppContext, client: SyncClient, sha: str) -> bytes:
    with tempfile.SpooledTemporaryFile(max_size=4 * CHUNK, dir=ctx.data.root) as sink:
        size = client.fetch_blob(sha, sink, MAX_BYTES)
        sink.seek(0)
        return sink.read(size)


def fetch(ctx: AppContext, client: SyncClient, mark: Callable[[Session], Session], cancel: threading.Event) -> int:
    """Fetch the noted scans (no transaction open across a request); returns how many came."""
    with ctx.read() as s:
        rows = [(r.case_id, r.sha256, r.filename, r.material) for r in s.execute(
            select(RemoteScan).order_by(RemoteScan.seen_at).limit(MAX_FETCH_PER_RUN)).scalars()]
    fetched = 0
    for case_id, sha, filename, material in rows:
        if cancel.is_set():
            break
        try:
            data = _download(ctx, client, sha)
            scan = store_scan(ctx, filename, data)
        except AppError as exc:  # e.g. 404: not uploaded yet (the next run tries again), or not a scan at all
            with ctx.write() as s:
                row = mark(s).get(RemoteScan, (case_id, sha))
                if row is not None:
                    row.last_error = exc.message
            continue
        with ctx.write() as s:
            mark(s)
            if s.execute(select(Attachment.id).where(Attachment.case_id == case_id, Attachment.sha256 == sha)
                         ).first() is None:
                row_id = s.execute(select(CaseMaterial.id).where(CaseMaterial.case_id == case_id,
                                                                CaseMaterial.name == material)).scalars().first()
                now = ctx.now()
                s.add(Attachment(case_id=case_id, case_material_id=row_id, filename=scan.filename, mime=scan.mime,
                                 sha256=scan.sha256, size=scan.size, added_at=now, added_by_id=None))
                s.merge(BlobUpload(sha256=sha, path=blob_path(Path(""), sha, scan.mime).as_posix(), uploaded_at=now))
            row = s.get(RemoteScan, (case_id, sha))
            if row is not None:
                s.delete(row)
        fetched += 1
    return fetched
