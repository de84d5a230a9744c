"""Kept only as long as needed: closed cases past the hall's period leave the workstation, scans and
documents included, but only once the server holds them (the server is the record)."""

from __future__ import annotations

from pathlib import Path

from faults.sync_fault_kit import FOOD_CHANGE, hall, local_case_nos, server_case_nos
from ow_testkit import complete, item_named, person
from privacy.privacy_kit import scan_pdf
from sqlalchemy import select

from app.cases.attachments import add_attachment
from app.cases.queries import CaseQuery, search_cases
from app.documents.data import Refusal
from app.intake.outcomes import refuse_case
from app.station.housekeeping import run_housekeeping
from app.station.retention import held, prune
from db.models import Attachment, AuditEntry, Document

REFUSAL = Refusal("申请事项依法不需要取得行政许可", "《中华人民共和国行政许可法》第三十二条第一款第（一）项", "",
                  "云岫市人民政府", "云岫市人民法院")


def _refused(ws, name: str, scan: bytes | None = None) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    actor = ws.actor()
    made = refuse_case(ws.ctx, actor, complete(item_named(ws.ctx, FOOD_CHANGE), person(name)), REFUSAL)
    if scan is not None:
        add_attachment(ws.ctx, actor, made.case_id, "身份证.pdf", scan)
    return made.case_id, made.case_no


def _files(ws, case_id: str) -> list[Path]:  # type: ignore[no-untyped-def]
    root = ws.ctx.data.root
    with ws.ctx.read() as s:
        docs = [root / p for p in s.execute(select(Document.path).where(Document.case_id == case_id)).scalars()]
        scans = list(s.execute(select(Attachment.sha256).where(Attachment.case_id == case_id)).scalars())
    return docs + [p for sha in scans for p in (root / "attachments" / sha[:2]).glob(f"{sha}*")]


def test_old_closed_cases_go_once_the_server_holds_them(demo_template: Path) -> None:
    with hall(demo_template) as h:
        ws = h.workstation("a")
        synced_id, synced_no = _refused(ws, "甲䶮", scan_pdf())
        files = _files(ws, synced_id)
        assert len(files) == 2 and all(p.exists() for p in files)  # the refusal notice and the scan
        assert ws.sync().ok
        unsent_id, unsent_no = _refused(ws, "乙䶮")  # made offline afterwards: only here
        h.clock.advance(days=400)
        young_id, young_no = _refused(ws, "丙䶮")  # closed today
        before = held(ws.ctx)
        assert before.cases >= 3 and before.closed_due >= 2 and before.since is not None

        pruned = run_housekeeping(ws.ctx, 0).pruned
        assert pruned == (synced_no,), "the unsent case and the young one stay"
        assert synced_no not in local_case_nos(ws) and synced_no in server_case_nos(h.server)
        assert not any(p.exists() for p in files), "scan and documents gone with the case"
        assert search_cases(ws.ctx, ws.actor(), CaseQuery(text="甲䶮")).rows == ()
        assert {unsent_no, young_no} <= set(local_case_nos(ws))
        with ws.ctx.read() as s:
            entries = s.execute(select(AuditEntry).where(AuditEntry.action == "case_pruned")).scalars().all()
        assert [e.target for e in entries] == [synced_no]

        ws.sign_in()  # a year on: the server token has long expired
        assert ws.sync().ok  # now the server holds the offline case too
        assert prune(ws.ctx, 0) == ()  # 0: the hall keeps everything
        assert prune(ws.ctx, 365) == (unsent_no,)
        assert young_no in local_case_nos(ws) and unsent_id not in {young_id}
