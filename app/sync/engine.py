"""One sync run: clock check, documents, push, reference data, pull, number blocks, reconciliation.

No database transaction is ever open during an HTTP call: each step reads what it needs, calls the
server, then writes the answer in a short transaction of its own (a page of changes together with
its cursor). The run is recorded as a SyncRun row; a known failure (offline, clock, sign-in) ends
the run with a reason instead of an exception.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from app.cases.attachments import blob_path
from app.core import audit
from app.core.context import AppContext, to_local
from app.core.errors import AppError
from app.core.faults import fault_point
from app.core.outbox import current_epoch
from app.core.sealed_files import read_stored
from app.sync import blocks, doc_fetch, pull_apply, reference_data, scan_fetch
from app.sync import settings as keys
from app.sync.client import DeviceRejected, NeedLogin, ServerRefused, ServerUnavailable, SyncClient
from app.sync.credentials import CredentialStore
from app.sync.enrolment import client_for
from app.sync.outbox_push import (
    has_pending,
    outbox_top,
    pending_batch,
    record_results,
    renumber,
    requeue_from,
)
from app.sync.protocol import (
    MAX_CLOCK_SKEW,
    REFERENCE_NAMES,
    AuditHead,
    PushRefusal,
    PushRequest,
    op_ids_digest,
    parse_ts,
    to_wire,
    ts,
)
from db.models import Attachment, BlobUpload, Case, Document, OutboxOp, SyncRun

log = logging.getLogger(__name__)
Report = Callable[[int, int, str], None]
STEPS = 8
MAX_REFUSALS = 5  # new epoch / gap answers in one run before giving up (something is badly wrong)
MAX_BLOBS_PER_RUN = 200
_CHECKED_IN: weakref.WeakSet[Engine] = weakref.WeakSet()  # databases that told the server where they stand


@dataclass(frozen=True)
class SyncOutcome:
    """What a run did, or why it stopped (code: offline, clock_skew, need_login, device, refused, …)."""

    ok: bool
    code: str = ""
    message: str = ""
    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    uploaded: int = 0
    references: tuple[str, ...] = ()
    retry_after: float | None = None


def mark(session: Session) -> Session:
    """Tag a write as the sync engine's own, so it does not trigger another sync."""
    session.info["sync"] = True
    return session


class _Run:
    def __init__(self, ctx: AppContext, client: SyncClient, report: Report, cancel: threading.Event) -> None:
        self.ctx, self.client, self.report, self.cancel = ctx, client, report, cancel
        self.pushed = self.rejected = self.pulled = self.uploaded = 0
        self.references: list[str] = []
        self.acting: str | None = None  # who runs the sync: the person a pulled change's follow-up is done by

    def step(self, n: int, text: str) -> None:
        if self.cancel.is_set():
            raise AppError("cancelled", "同步已取消")
        self.report(n, STEPS, text)

    def check_clock(self) -> None:
        before = self.ctx.now()
        health = self.client.health()
        after = self.ctx.now()
        skew = parse_ts(health.server_time) - (before + (after - before) / 2)
        if abs(skew) > MAX_CLOCK_SKEW:
            minutes = round(abs(skew).total_seconds() / 60)
            side = "慢" if skew > timedelta(0) else "快"
            raise AppError("clock_skew", f"本机时间比中心服务器{side}约 {minutes} 分钟，已停止同步。受理时间和办件编号"
                                         "都取自本机时钟，请先校准本机时间（误差须在 5 分钟以内）。")

    def reference(self) -> None:
        calendar_changed = False
        for name in REFERENCE_NAMES:
            with self.ctx.read() as s:
                etag = keys.get(s, keys.etag_key(name)) or None
            got = self.client.reference(name, etag)
            if got is None:
                continue
            doc, new_etag = got
            with self.ctx.write() as s:
                changed = apply_reference(mark(s), name, doc, self.ctx.now())
                keys.put(s, keys.etag_key(name), new_etag)
            if changed:
                self.references.append(name)
                calendar_changed |= name == "calendar"
        if calendar_changed:
            recompute_deadlines(self.ctx)

    def blobs(self) -> None:
        with self.ctx.read() as s:
            done = select(BlobUpload.sha256).where(BlobUpload.uploaded_at.is_not(None))
            rows = s.execute(select(Document.sha256, Document.path).where(Document.sha256.not_in(done))
                             .group_by(Document.sha256).limit(MAX_BLOBS_PER_RUN)).all()
            # Scans go to the server too: it is the record once the workstation prunes old cases (#19).
            rows += [(sha, blob_path(Path(""), sha, mime).as_posix()) for sha, mime in s.execute(
                select(Attachment.sha256, Attachment.mime).where(Attachment.sha256.not_in(done))
                .group_by(Attachment.sha256).limit(MAX_BLOBS_PER_RUN)).all()]
        for sha, path in rows:
            if self.cancel.is_set():
                return
            try:
                data = read_stored(self.ctx.data.root, self.ctx.data.root / path)
            except OSError:
                log.warning("document file missing for upload: %s", path)
                continue
            if hashlib.sha256(data).hexdigest() != sha:
                log.warning("document file does not match its registered hash: %s", path)
                continue
            self.uploaded += self.client.put_blob(sha, data)
            fault_point("sync.blob.before_record")  # the server holds the blob; this database does not know yet
            with self.ctx.write() as s:
                mark(s).merge(BlobUpload(sha256=sha, path=path, uploaded_at=self.ctx.now()))

    def push(self) -> None:
        refusals = 0
        while not self.cancel.is_set():
            with self.ctx.read() as s:
                epoch = current_epoch(s)
                ops = pending_batch(s, epoch)
                top = outbox_top(s)
                head = audit.head(s)
            if not ops and self.ctx.engine in _CHECKED_IN:
                return
            # The first run after start-up asks even with nothing to send: a database restored together
            # with its keyring (a whole machine restored) learns of its new epoch before it numbers a case.
            # The audit chain's head goes with every push: the server keeps it, so a rewrite up to it shows.
            answer = self.client.push(PushRequest(epoch, ops, top, AuditHead(*head) if head else None))
            if not isinstance(answer, PushRefusal):
                _CHECKED_IN.add(self.ctx.engine)
            fault_point("sync.push.before_ack")  # the server has committed; the acks are not recorded yet
            with self.ctx.write() as s:
                mark(s)
                now = self.ctx.now()
                rejected = record_results(s, answer.results, now)
                for r in rejected:
                    if r.record and r.record.get("case_id") and not has_pending(s, "case", r.record["case_id"]):
                        pull_apply.apply_case(s, r.record, now)
                if isinstance(answer, PushRefusal):
                    refusals += 1
                    if answer.code == "new_epoch":
                        renumber(s, max(answer.epoch, epoch), answer.next_seq)
                    elif answer.code == "epoch_mismatch":
                        # The server is in a later epoch than this database knows: numbers of that epoch may
                        # have been made by the database this one was restored over, so go one further.
                        renumber(s, max(answer.epoch + 1, epoch), answer.next_seq)
                    elif answer.code == "seq_gap":
                        requeue_from(s, answer.expected_seq)
                    elif answer.code != "no_key":  # no_key: the acks above are kept, then it stops
                        raise ServerRefused(409, answer.code, answer.message)
            if isinstance(answer, PushRefusal) and answer.code == "no_key":
                # The queue waits until the op's author signs in online at this workstation.
                raise ServerRefused(409, answer.code, answer.message)
            self.pushed += len(answer.results)
            self.rejected += len(rejected)
            if refusals > MAX_REFUSALS:
                raise AppError("push_stuck", f"中心服务器多次拒收本机的操作序列（{answer.message}），请联系信息管理员")

    def pull(self) -> None:
        while not self.cancel.is_set():
            with self.ctx.read() as s:
                cursor = int(keys.get(s, keys.CURSOR) or 0)
            page = self.client.pull(cursor)
            record_forwarded(self.ctx, pull_apply.forwarded_decisions(page.changes))
            with self.ctx.write() as s:
                s.info["acting_username"] = self.acting
                stats = pull_apply.apply_page(mark(s), page.changes, self.ctx.now())
                keys.put(s, keys.CURSOR, str(page.cursor))
            fault_point("sync.pull.after_page")
            self.pulled += stats.applied
            if not page.more:
                return

    def reconcile(self) -> None:
        today = self.ctx.today()
        answer = self.client.reconciliation(today.isoformat())
        figures = self.client.figures(today.isoformat())
        anchors = [[a.entry_id, a.hash] for a in self.client.audit_anchors().anchors]
        start = datetime.combine(today, datetime.min.time())
        first = start - (to_local(start).replace(tzinfo=None) - start)  # local midnight as naive UTC
        with self.ctx.read() as s:
            ids = list(s.execute(select(OutboxOp.op_id).where(
                OutboxOp.state.in_(("acked", "rejected")), OutboxOp.created_at >= first,
                OutboxOp.created_at < first + timedelta(days=1))).scalars())
        result = {"day": today.isoformat(), "local": len(ids), "server": answer.ops,
                  "match": op_ids_digest(ids) == answer.op_ids_sha256, "at": ts(self.ctx.now())}
        with self.ctx.write() as s:
            keys.put(mark(s), keys.RECONCILED, json.dumps(result, ensure_ascii=False))
            keys.put(s, keys.FIGURES, json.dumps(to_wire(figures), ensure_ascii=False))
            keys.put(s, keys.AUDIT_ANCHORS, json.dumps(anchors))


def fetch_reference(ctx: AppContext, client: SyncClient) -> list[str]:
    """Only the reference step of a run (device credential, no one signed in): what a first run needs."""
    run = _Run(ctx, client, lambda *_: None, threading.Event())
    run.reference()
    return run.references


def apply_reference(session: Session, name: str, doc: dict, now: datetime) -> bool:
    """One reference document through app/reference_data (or the number blocks); True if anything changed."""
    if name == "hall":
        if not doc.get("hall"):
            return False
        # A seal whose status was changed here and not yet pushed keeps the local status.
        seals = [x for x in doc.get("seals", []) if not has_pending(session, "seal", x["code"])]
        reference_data.load_hall(session, {**doc, "seals": seals}, lambda _username: "")
        return True
    if name == "catalog":
        if not doc.get("items"):
            return False
        reference_data.load_catalog(session, doc, "server")
        return True
    if name == "calendar":
        return reference_data.load_calendar(session, doc)
    if name == "certificate-types":
        if not doc.get("types"):
            return False
        reference_data.load_certificate_types(session, doc)
        return True
    if name == "number-blocks":
        return blocks.apply_leases(session, doc.get("blocks", []), now) > 0
    return False


def recompute_deadlines(ctx: AppContext) -> None:
    """The case desk's recompute after a calendar update (open cases, flags moved printed dates)."""
    try:
        from app.cases.special_procedures import recompute_after_calendar_update
    except ImportError:
        return
    recompute_after_calendar_update(ctx)


def record_forwarded(ctx: AppContext, records: list[dict]) -> None:
    """Back-office decisions go through the case desk's own rules first (idempotent: a repeat is a no-op)."""
    try:
        from app.signoff.decisions import record_backoffice_decision
    except ImportError:
        return
    for rec in records:
        with ctx.read() as s:
            case = s.get(Case, rec["case_id"])
            if case is None or case.state != "forwarded" or has_pending(s, "case", case.id):
                continue
        bo = rec["backoffice"]
        try:
            record_backoffice_decision(
                ctx, case.id, bo["outcome"], decided_at=parse_ts(bo["decided_at"]), decided_by=bo["decided_by"],
                opinion=bo.get("opinion", ""), content=bo.get("content", ""), validity=bo.get("validity", ""),
                reasons=bo.get("reasons", ""), basis=bo.get("basis", ""),
                competent_authority=bo.get("competent_authority", ""))
        except AppError as exc:  # applied by the generic path instead (state and a back-office review row)
            log.warning("back-office decision for %s not recorded by the case desk: %s", case.case_no, exc.message)


def sync_once(ctx: AppContext, store: CredentialStore, username: str | None, *, client: SyncClient | None = None,
              report: Report | None = None, cancel: threading.Event | None = None) -> SyncOutcome:
    """One complete run (call it off the UI thread); the outcome says what happened or why it stopped."""
    with ctx.write() as s:
        run_row = SyncRun(started_at=ctx.now())
        mark(s).add(run_row)
        s.flush()
        run_id = run_row.id
    outcome = SyncOutcome(False, "error", "同步出错")
    run: _Run | None = None
    try:
        own = client or client_for(ctx, store, username)
        run = _Run(ctx, own, report or (lambda *_: None), cancel or threading.Event())
        run.acting = username
        try:
            run.step(0, "检查与中心服务器的时间差…")
            run.check_clock()
            run.step(1, "上传文书…")
            run.blobs()
            run.step(2, "推送本机操作…")
            run.push()  # before reference data: what changed here (a seal sealed away) is told first
            run.step(3, "更新参考数据…")
            run.reference()
            run.step(4, "拉取本窗口办件…")
            run.pull()
            run.step(5, "下载其他工作站出具的文书…")
            doc_fetch.fetch(ctx, own, mark, run.cancel)
            scan_fetch.fetch(ctx, own, mark, run.cancel)  # the papers scanned at other workstations
            run.step(6, "领取证照编号段…")
            blocks.lease_low(ctx, own, mark)
            run.step(7, "对账…")
            run.reconcile()
            run.step(8, "完成")
        finally:
            if client is None:
                own.close()
        outcome = SyncOutcome(True, "", "同步完成", run.pushed, run.rejected, run.pulled, run.uploaded,
                              tuple(run.references))
    except ServerUnavailable as exc:
        outcome = _failed(run, "offline", exc.message, exc.retry_after)
    except NeedLogin as exc:
        outcome = _failed(run, "need_login", exc.message)
    except DeviceRejected as exc:
        outcome = _failed(run, "device", exc.message)
    except AppError as exc:
        outcome = _failed(run, exc.code, exc.message)
    except Exception as exc:
        outcome = _failed(run, "bug", f"同步出现程序错误：{type(exc).__name__}")
        raise
    finally:
        _finish(ctx, run_id, outcome)
    return outcome


def _failed(run: _Run | None, code: str, message: str, retry_after: float | None = None) -> SyncOutcome:
    if run is None:
        return SyncOutcome(False, code, message, retry_after=retry_after)
    return SyncOutcome(False, code, message, run.pushed, run.rejected, run.pulled, run.uploaded,
                       tuple(run.references), retry_after)


def _finish(ctx: AppContext, run_id: int, outcome: SyncOutcome) -> None:
    with ctx.write() as s:
        row = mark(s).get(SyncRun, run_id)
        if row is None:
            return
        row.finished_at, row.pushed, row.pulled, row.rejected = ctx.now(), outcome.pushed, outcome.pulled, \
            outcome.rejected
        row.error = "" if outcome.ok else f"{outcome.code}: {outcome.message}"
        if outcome.ok:
            keys.put(s, keys.LAST_SUCCESS, ts(ctx.now()))


def on_local_commit(ctx: AppContext, callback: Callable[[], None]) -> Callable[[Session], None]:
    """Call `callback` after every commit that is not the sync engine's own (returns the hook to remove later)."""

    def hook(session: Session) -> None:
        if not session.info.get("sync"):
            callback()

    ctx.after_commit.append(hook)
    return hook
