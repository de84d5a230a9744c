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
from app.certificates.delivery import HandoverInput, hand_over
from app.certificates.issuance import draft_for_case, issue_certificate
from app.documents.data import Refusal
from app.intake.outcomes import accept_case, refuse_case
from app.signoff.decisions import DecisionInput
from app.signoff.review import record_review, sign_off
from app.station.bootstrap import DEMO_PASSWORD
from app.station.housekeeping import run_housekeeping
from app.station.retention import held, prune
from app.sync import status
from db.models import Attachment, AuditEntry, Case, Certificate, Delivery, Document

TERMS = "主体业态：食品销售经营者；经营项目：预包装食品销售"  # what the signed decision licenses
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


def _certified(ws, name: str, id_number: str, deliver: bool) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A food licence through review, the chief's sign-off and issue (handed over in person when `deliver`)."""
    clerk_, chief = ws.actor("zhangmin"), ws.actor("zhoujianhua")
    case_id = accept_case(ws.ctx, clerk_, complete(item_named(ws.ctx, "食品经营许可"), person(name, id_number))).case_id
    add_attachment(ws.ctx, clerk_, case_id, "身份证.pdf", scan_pdf() + id_number.encode())  # a scan of its own
    record_review(ws.ctx, clerk_, case_id, DecisionInput("approve", "符合条件", TERMS))
    sign_off(ws.ctx, chief, case_id, DecisionInput("approve", "同意", TERMS), custodian_password=DEMO_PASSWORD)
    values = {f.key: f.value for f in draft_for_case(ws.ctx, clerk_, case_id).fields}
    values["quality"] = values.get("quality") or "李秀英"
    cert = issue_certificate(ws.ctx, clerk_, case_id, values, DEMO_PASSWORD)
    if deliver:
        hand_over(ws.ctx, clerk_, HandoverInput(cert.id, "in_person", name, "resident_id", id_number))
    return case_id, cert.id


def test_certificate_cases_keep_the_record_and_lose_the_personal_data(demo_template: Path) -> None:
    handed_id_no, current_id_no = "110105194912310046", "110105195001010039"  # check digits per GB 11643
    with hall(demo_template) as h:
        ws = h.workstation("a")
        assert ws.sync().ok  # number blocks for this year's certificates are leased
        handed, handed_cert = _certified(ws, "戊䶮", handed_id_no, deliver=True)
        current, _cert = _certified(ws, "己䶮", current_id_no, deliver=False)  # valid, never collected
        outcome = ws.sync()
        # The scans' own ops come back unknown_actor from the reference server (a known gap, reported); the
        # scans themselves are uploaded as blobs, which is what retention asks of them.
        assert outcome.ok and {r.what.split()[0] for r in status.rejections(ws.ctx)} <= {"attachment"}
        with ws.ctx.read() as s:
            cert_doc = s.get(Certificate, handed_cert).document_id
            kept_pdf = ws.ctx.data.root / s.get(Document, cert_doc).path
        files = _files(ws, handed)  # documents and the scan
        h.clock.advance(days=400)
        ws.sign_in()
        assert ws.sync().ok

        with ws.ctx.read() as s:
            case_no = s.get(Case, handed).case_no
        assert prune(ws.ctx, 365) == (case_no,)  # the handed-over licence's case; the current one stays whole
        with ws.ctx.read() as s:
            case, cert = s.get(Case, handed), s.get(Certificate, handed_cert)
            given = s.execute(select(Delivery).where(Delivery.case_id == handed)).scalar_one()
            other = s.get(Case, current)
            left = s.execute(select(Document.id).where(Document.case_id == handed)).scalars().all()
            entry = s.execute(select(AuditEntry).where(AuditEntry.action == "case_personal_data_removed")).scalar_one()
        # The record stays: the case, the register row with its number, content, validity and status, the PDF.
        assert case is not None and case.state == "delivered" and case.applicant_name == "戊䶮"
        assert cert.status == "delivered" and cert.holder_name == "戊䶮" and kept_pdf.exists()
        assert cert_doc in left and len(left) == 2  # 正本 and 副本
        # The personal data goes: full ID numbers, phone, address, scans, the notices that carry the full ID.
        assert case.applicant_id_number == "1101**********0046" == cert.holder_id_number == given.recipient_id_number
        assert case.applicant_phone == case.applicant_address == ""
        with ws.ctx.read() as s:
            copies = {ws.ctx.data.root / p for p in s.execute(select(Document.path).where(Document.id.in_(left))).scalars()}
        assert [p for p in files if p.exists() and p not in copies] == [] and entry.target == case_no
        assert search_cases(ws.ctx, ws.actor(), CaseQuery(text=handed_id_no)).rows == ()
        assert other.applicant_id_number == current_id_no and other.applicant_phone != ""
        assert prune(ws.ctx, 365) == ()  # done once
