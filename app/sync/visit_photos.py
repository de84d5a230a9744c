"""Photos of a site visit recorded at another workstation of the window, fetched from the server when asked.

The visit's result comes down with the hashes of its photos (app.sync.pull_site_visits); the files stay on the
server until the clerk (or the chief before signing off) opens them: a pull must not carry twenty photos per visit
to every workstation that never looks. Each photo streams into a spooled temporary file (a bounded piece in
memory, the rest on disk) with its hash checked on the way, is stored sealed like a scan taken here, and is then
linked to the visit in one transaction (a row never names a missing file). The server already holds it, so it is
marked uploaded and never sent back; no outbox op either — it is the same photo, not a new fact about the case.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import select

from app.cases.attachments import MAX_BYTES, blob_path, sniff, store_scan
from app.cases.site_visits import PHOTO_TYPES
from app.core.auth import Action, require
from app.core.context import Actor, AppContext
from app.core.errors import AppError, NotFound
from app.sync.client import CHUNK, SyncClient
from app.sync.credentials import CredentialStore
from app.sync.enrolment import client_for
from db.models import Attachment, BlobUpload, SiteVisit, SiteVisitPhoto

SPOOL = 4 * CHUNK  # above this a download goes to disk until it is checked


def _missing(ctx: AppContext, visit_id: str) -> tuple[str, int | None, list[str]]:
    """(case id, who recorded the result, hashes of photos not here yet)."""
    with ctx.read() as s:
        visit = s.get(SiteVisit, visit_id)
        if visit is None:
            raise NotFound("没有该现场核查安排")
        here = set(s.execute(select(Attachment.sha256).join(SiteVisitPhoto, SiteVisitPhoto.attachment_id == Attachment.id)
                             .where(SiteVisitPhoto.site_visit_id == visit_id)).scalars())
        wanted = json.loads(visit.photo_hashes_json or "[]")
        return visit.case_id, visit.result_by_id, [h for h in wanted if h not in here]


def _download(ctx: AppContext, client: SyncClient, sha: str) -> bytes:
    with tempfile.SpooledTemporaryFile(max_size=SPOOL, dir=ctx.data.root) as sink:
        size = client.fetch_blob(sha, sink, MAX_BYTES)
        sink.seek(0)
        return sink.read(size)  # bounded by MAX_BYTES: the sealed file is written from one piece


def fetch_visit_photos(ctx: AppContext, actor: Actor, store: CredentialStore | None, visit_id: str, *,
                       client: SyncClient | None = None) -> int:
    """Fetch the visit's photos taken at another workstation; returns how many came (0: all are here already)."""
    require(actor, Action.VIEW_CASES)
    case_id, result_by, missing = _missing(ctx, visit_id)
    if not missing:
        return 0
    if client is None and store is None:
        raise AppError("not_enrolled", "本机尚未登记到中心服务器，无法获取其他工作站拍摄的现场照片")
    own = client or client_for(ctx, store, actor.username)  # type: ignore[arg-type]
    fetched = 0
    try:
        for sha in missing:
            data = _download(ctx, own, sha)
            mime, ext = sniff(data)
            if mime not in PHOTO_TYPES:
                raise AppError("not_a_photo", "中心服务器上的现场照片不是 JPEG 或 PNG 图片")
            scan = store_scan(ctx, f"现场核查照片-{sha[:8]}{ext}", data, "photos")
            with ctx.write("site_visit_photo_fetch") as s:
                if s.execute(select(SiteVisitPhoto.attachment_id).join(
                        Attachment, Attachment.id == SiteVisitPhoto.attachment_id).where(
                        SiteVisitPhoto.site_visit_id == visit_id, Attachment.sha256 == sha)).first() is not None:
                    continue  # fetched meanwhile (a second click)
                now = ctx.now()
                att = Attachment(case_id=case_id, case_material_id=None, filename=scan.filename, mime=scan.mime,
                                 sha256=scan.sha256, size=scan.size, added_at=now, added_by_id=result_by)
                s.add(att)
                s.flush()
                s.add(SiteVisitPhoto(site_visit_id=visit_id, attachment_id=att.id))
                s.merge(BlobUpload(sha256=sha, path=blob_path(Path(""), sha, mime).as_posix(), uploaded_at=now))
            fetched += 1
    finally:
        if client is None:
            own.close()
    return fetched
