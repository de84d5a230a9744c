"""Template samples of every counter document (`onewindow samples OUTDIR`), for review before a hall goes live.

A sample is not a document. It is drawn from the hall's own reference data (item, window, issuer, official
calendar, certificate type) but numbered in its own series (样张-0001 …), stamped with a sample seal (code
0000000000000) and never signed, marked 样张 across every page, and written only to OUTDIR: the run is one
read transaction, so no number is taken and nothing enters the document, certificate or seal usage registers,
the audit log or the outbox (app.documents.sample_mark; `onewindow verify` answers 样张).

Dates make sense on the official calendar: the case was received on a working day and its legal limit ends on
the last working day up to today; the decision is made on the promised day, so every deadline on every sample
falls after the intake and no sample is dated after today.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.certificates.issuance import verify_url
from app.certificates.kinds import CertType, type_of
from app.certificates.terms import decided_fields
from app.core.context import AppContext
from app.core.masking import mask_id
from app.documents.consultation_notice import ConsultationNotice
from app.documents.consultation_notice import render as render_consultation
from app.documents.data import (
    SEALED_KINDS,
    CaseFacts,
    CertificateContent,
    Commitment,
    Decision,
    DeliveryFacts,
    DocKind,
    DocumentData,
    Issuer,
    MaterialLine,
    Party,
    Refusal,
    Revocation,
    SealImpression,
    SiteVisitFacts,
    Suspension,
    Termination,
)
from app.documents.legal_text import cn_date
from app.documents.render import render
from app.documents.sample_mark import SAMPLE_PURPOSE, SAMPLE_SEAL_CODE, sample_number
from app.intake.consultations import notice_item
from app.records.doc_facts import issuer_for
from app.reference.calendar import WorkCalendar
from app.reference.catalog import FORM_LABELS, for_agent
from app.reference.workdays import current_calendar
from db.models import Hall, Item, Seal, Staff, Window

SAMPLE_ITEM = "食品经营许可"
# Device 0000 and serial 000000 are never issued: the barcode scans, yet names no case of any hall.
SAMPLE_DEVICE, SAMPLE_SERIAL = "0000", "000000"
RECONSIDERATION, COURT = "云岫市人民政府", "云岫市人民法院"
# 不予受理: another body's matter (art. 32 (1)(2)). 不予许可: the application was examined and fails a condition.
REFUSAL = Refusal("申请事项属于药品零售许可，依法不属于市场监管综合窗口食品经营许可的受理范围",
                  "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
                  "云岫市市场监督管理局药品零售许可窗口（B 区 B05）", RECONSIDERATION, COURT)
DENIAL = Refusal("经现场核查，经营场所距离旱厕不足25米，未与污染源保持规定的距离，不符合《中华人民共和国食品安全法》"
                 "第三十三条第一款第（一）项规定的条件",
                 "《中华人民共和国食品安全法》第三十五条；《中华人民共和国行政许可法》第三十八条第二款",
                 "", RECONSIDERATION, COURT)
APPROVED_CONTENT = "主体业态：食品销售经营者；经营项目：预包装食品销售（含冷藏冷冻食品）、散装食品销售（不含散装熟食）"


@dataclass(frozen=True)
class Timeline:
    """The sample case's days, all on the official calendar."""

    received: date  # a working day
    promised: date
    legal: date  # the last working day up to today
    provisional: bool
    decided: date  # the promised day
    special_notice: date  # the special procedure's notice, and (next working day) its start
    special_start: date
    special_deadline: date  # the legal limit once the expert review's days are left out
    extension_deadline: date  # the legal limit after a ten-day extension (art. 42)
    deferred_due: date  # the papers accepted on a written promise are due by then


def _workday_on_or_before(cal: WorkCalendar, d: date) -> date:
    while not cal.is_workday(d):
        d -= timedelta(days=1)
    return d


def timeline(cal: WorkCalendar, today: date, promised_days: int, legal_days: int) -> Timeline:
    """The latest intake whose legal limit has run by today: every document of it is dated today or before."""
    last = _workday_on_or_before(cal, today)
    received = last
    while legal_days and cal.add_working_days(received, legal_days).day > last:
        received = _workday_on_or_before(cal, received - timedelta(days=1))
    promised = cal.add_working_days(received, promised_days)
    legal = cal.add_working_days(received, legal_days)
    notice = cal.add_working_days(received, min(2, legal_days))
    start = cal.add_working_days(notice.day, 1).day
    end = cal.add_working_days(start, 9).day  # ten working days from the start, both ends included
    return Timeline(received, promised.day, legal.day, promised.provisional or legal.provisional, promised.day,
                    notice.day, start, cal.add_working_days(received, legal_days, [(start, end)]).day,
                    cal.add_working_days(received, legal_days + 10).day, promised.day)


def _materials(item: Item, t: Timeline, problems: bool, agent: bool) -> tuple[MaterialLine, ...]:
    """Every paper handed over (originals checked), the last one the catalog lets wait on a written promise;
    for the one-time notice also one missing and one defective. The power of attorney only when someone
    acts for the applicant."""
    lines = []
    papers = [m for m in item.materials if agent or not for_agent(m.name)]
    deferred = max((m.seq for m in papers if m.may_defer), default=0)  # the catalog says which may wait
    for m in papers:
        status, defect = "received", ""
        if problems and m.seq == 2:
            status, defect = "missing", "未提交。须提交营业执照复印件一份，加盖公章"
        elif problems and m.seq == 3:
            status, defect = "defective", "身份证复印件模糊不清，无法辨认号码。须提交清晰的正反面复印件"
        elif m.seq == deferred:
            status = "deferred"
        lines.append(MaterialLine(m.seq, m.name, FORM_LABELS.get(m.form, m.form), m.copies, status,
                                  m.copies if status == "received" else 0,
                                  status == "received" and m.form != "copy", defect,
                                  t.deferred_due if status == "deferred" else None))
    return tuple(lines)


def _party(name: str, org: str) -> Party:
    if org:
        return Party("org", org, "统一社会信用代码", "91350100M000100Y43", "0589-87001234", "云岫市滨江路188号",
                     legal_rep=name, agent_name="李𠮷", agent_id_label="居民身份证",
                     agent_id_number="11010519491231002X", agent_phone="13905890017")
    return Party("person", name, "居民身份证", "11010519491231002X", "13800005678",
                 "云岫市凤栖街道桂花巷12号3幢2单元501室")


def _certificate(ctype: CertType, copy: str, number: str, party: Party, chief: str, base_url: str,
                 valid: tuple[date, date | None]) -> CertificateContent:
    """The certificate the sample decision licenses: decided fields from its words, the rest as the type
    proposes them from the case (the same sources the 制证 form uses)."""
    sources = {"applicant.name": party.name, "applicant.address": party.address, "applicant.legal_rep": party.legal_rep,
               "applicant.id_number": party.id_number, "case.item_name": SAMPLE_ITEM, "approver.name": chief,
               "bundle.premises": party.address}
    decided = decided_fields(ctype, APPROVED_CONTENT)
    values = {f.key: decided.get(f.key) or next((sources[p] for p in f.source.split("|") if sources.get(p)), "")
              or f.default for f in ctype.fields}
    spec = next((c for c in ctype.copies if c.copy == copy), ctype.copies[0])
    return CertificateContent(
        type_code=ctype.code, title=ctype.name, orientation=spec.orientation, number=number,
        holder_label=ctype.holder_label, holder=party.name, holder_id_label=ctype.holder_id_label,
        holder_id=mask_id(party.id_number) if party.kind == "person" else party.id_number,
        rows=tuple((ctype.field(k).label, values[k]) for k in spec.table if values.get(k)),
        validity_label=ctype.validity_label, valid_from=valid[0], valid_to=valid[1],
        verify_url=verify_url(base_url, number, party.name, *valid),
        side=tuple((ctype.field(k).label, values[k]) for k in spec.side if values.get(k)), notes=ctype.notes,
        accent=ctype.accent)


def _staff(s: Session, window_id: int, role: str) -> Staff | None:
    return s.execute(select(Staff).where(Staff.window_id == window_id, Staff.role == role).order_by(Staff.id)
                     ).scalars().first()


def sample_documents(ctx: AppContext, *, name: str = "王䶮", org: str = "") -> list[DocumentData]:
    """One sample of each kind, in the order a case meets them; read only."""
    with ctx.read() as s:
        item = s.execute(select(Item).where(Item.name == SAMPLE_ITEM)).scalars().first()
        assert item is not None, "the hall's catalog has no 食品经营许可"
        seal = s.execute(select(Seal).order_by(Seal.id)).scalars().first()
        window_id = seal.window_id if seal else s.execute(select(Window.id).order_by(Window.id)).scalar_one()
        clerk = _staff(s, window_id, "clerk")
        chief = _staff(s, window_id, "chief") or clerk
        assert clerk is not None and chief is not None
        issuer, _short = issuer_for(s, window_id)
        t = timeline(current_calendar(s), ctx.today(), item.promised_days, item.legal_days)
        ctype = type_of(s, item.certificate_type_code)
        base_url = s.execute(select(Hall.verify_base_url)).scalar_one()
        party = _party(name, org)
        agent = bool(party.agent_name)
        materials, to_correct = _materials(item, t, False, agent), _materials(item, t, True, agent)
    received = datetime.combine(t.received, time(9, 5))
    case = CaseFacts(
        case_no=f"{SAMPLE_DEVICE}{t.received:%Y%m%d}{SAMPLE_SERIAL}", item_code=item.code, item_name=item.name,
        item_basis=item.basis, processing_label="承诺件", applicant=party, received_at=received,
        clerk_name=clerk.name, clerk_phone=issuer.window_phone, materials=materials,
        accepted_at=received + timedelta(minutes=36), legal_days=item.legal_days, promised_days=item.promised_days,
        promised_deadline=t.promised, legal_deadline=t.legal, deadline_provisional=t.provisional,
        fee=item.fee or "不收费", fee_basis=item.fee_basis)
    return _documents(issuer, case, replace(case, materials=to_correct, accepted_at=None), t, chief.name, ctype,
                      base_url)


def _documents(issuer: Issuer, case: CaseFacts, correcting: CaseFacts, t: Timeline, chief: str,
               ctype: CertType | None, base_url: str) -> list[DocumentData]:
    seal = SealImpression(issuer.department_name, SAMPLE_PURPOSE, SAMPLE_SEAL_CODE)
    # Numbered in the order below; the certificate's 正本 and 副本 share one number, as issued ones do.
    approval_no, certificate_no = sample_number(7), sample_number(10)
    valid = (t.decided, ctype.valid_to(t.decided) if ctype else None)
    validity = f"{cn_date(valid[0])}至{cn_date(valid[1])}" if valid[1] else "长期"

    def doc(kind: DocKind, on: date, n: int, **kw: object) -> DocumentData:
        sealed = kind in SEALED_KINDS
        fields = {"case": case, **kw}
        return DocumentData(kind=kind, number=sample_number(n), issued_on=on, issuer=issuer, seal=seal if sealed
                            else None, sample=True, **fields)  # type: ignore[arg-type]

    docs = [
        doc(DocKind.RECEIPT, t.received, 1, case=replace(case, accepted_at=None)),
        doc(DocKind.ACCEPTANCE, t.received, 2),
        doc(DocKind.CORRECTION, t.received, 3, case=correcting, notice_due_days=5),
        doc(DocKind.REFUSAL, t.received, 4, case=replace(case, accepted_at=None), refusal=REFUSAL),
        doc(DocKind.SPECIAL_PROCEDURE, t.special_notice, 5, suspension=Suspension(
            "专家评审", "申请经营的冷藏冷冻食品需对贮存工艺和温控设施进行技术评审", 10, t.special_start, chief, t.special_deadline,
            "《中华人民共和国行政许可法》第四十五条")),
        doc(DocKind.EXTENSION, t.legal, 6, suspension=Suspension(
            "延期", "现场核查发现需补充检测报告，法定期限内不能作出决定", 10, None, chief, t.extension_deadline,
            "《中华人民共和国行政许可法》第四十二条第一款")),
        doc(DocKind.APPROVAL, t.decided, 7, decision=Decision(
            True, APPROVED_CONTENT, validity, ctype.name if ctype else "", certificate_no if ctype else "")),
        doc(DocKind.DENIAL, t.decided, 8, decision=Decision(False, "经现场核查，经营场所与污染源距离不符合要求",
                                                         refusal=DENIAL)),
        doc(DocKind.DELIVERY_PROOF, t.decided, 9, delivery=DeliveryFacts(
            "准予行政许可决定书", approval_no, case.applicant.name, case.applicant.id_number, "本人", "直接送达", None,
            issuer.hall_name, case.clerk_name)),
        doc(DocKind.SITE_VISIT, t.special_notice, 12, site_visit=SiteVisitFacts(
            t.special_start, case.applicant.address, ("李建国", "赵敏"), "经营场所面积与布局\n冷藏冷冻设施设备")),
        doc(DocKind.COMMITMENT, t.received, 13, commitment=Commitment(
            "申请人自愿选择", "经营场所与有毒、有害场所以及其他污染源保持规定的距离", "《食品经营许可审查通则》第十条",
            ("经营场所平面布局图",), "自作出决定之日起二十个工作日内现场核查经营场所", 20, t.extension_deadline)),
        doc(DocKind.REVOCATION, t.legal, 14, revocation=Revocation(
            approval_no, t.decided, "经核查，经营场所距离旱厕不足25米，申请人的承诺与实际情况不符",
            (certificate_no,) if ctype else (), RECONSIDERATION, COURT)),
        # The sample item as a part of a 一件事 whose 前置 (the business registration) was refused.
        doc(DocKind.TERMINATION, t.decided, 15, termination=Termination(
            f"YJ{SAMPLE_DEVICE}{t.received:%Y%m%d}000001", "开办餐饮店", issuer.department_name,
            "个体工商户设立登记", f"{SAMPLE_DEVICE}{t.received:%Y%m%d}000001", issuer.department_name,
            sample_number(8), t.decided, RECONSIDERATION, COURT, f"{issuer.hall_name} {issuer.window_name}")),
    ]
    if ctype is not None:
        for kind, copy in ((DocKind.CERTIFICATE_ORIGINAL, "original"), (DocKind.CERTIFICATE_COPY, "copy")):
            content = _certificate(ctype, copy, certificate_no, case.applicant, chief, base_url, valid)
            docs.append(doc(kind, t.decided, 10, certificate=content))
    return docs


def sample_consultation(ctx: AppContext, *, name: str = "王䶮") -> ConsultationNotice:
    """The 一次性告知单 of a visitor who asked about the food licence (this window) and an item of another
    department (named with its window, as a referral); read only."""
    with ctx.read() as s:
        item = s.execute(select(Item).where(Item.name == SAMPLE_ITEM)).scalars().first()
        assert item is not None, "the hall's catalog has no 食品经营许可"
        window = s.execute(select(Window).where(Window.department_id == item.department_id).order_by(Window.id)
                           ).scalars().first()
        assert window is not None
        items = [notice_item(item, window, True)]
        other = s.execute(select(Item).where(Item.department_id != item.department_id, Item.active.is_(True))
                          .order_by(Item.id)).scalars().first()
        if other is not None:
            elsewhere = s.execute(select(Window).where(Window.department_id == other.department_id)
                                  .order_by(Window.id)).scalars().first()
            items.append(notice_item(other, elsewhere, False))
        issuer, _short = issuer_for(s, window.id)
        staff = _staff(s, window.id, "clerk")
        assert staff is not None
        return ConsultationNotice(sample_number(11), _workday_on_or_before(current_calendar(s), ctx.today()), issuer,
                                  name, staff.name, staff.phone or window.phone, "", tuple(items), sample=True)


def make_samples(ctx: AppContext, outdir: Path, *, name: str = "王䶮", org: str = "") -> list[Path]:
    """Render every sample into outdir as KIND.pdf; nothing is written anywhere else."""
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for data in sample_documents(ctx, name=name, org=org):
        target = outdir / f"{data.kind}.pdf"
        target.write_bytes(render(data))
        written.append(target)
    target = outdir / f"{DocKind.CONSULTATION}.pdf"
    target.write_bytes(render_consultation(sample_consultation(ctx, name=name)))
    return [*written, target]
