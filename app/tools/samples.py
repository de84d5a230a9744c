"""Sample documents of every kind for template review (`onewindow samples`), on the demo hall.

Samples are real documents of the demo data directory: numbered, sealed under the
custodian's password, signed, and entered in its document and seal registers.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from app.core.auth import actor_for
from app.core.context import AppContext, to_local
from app.core.sealed_files import read_stored
from app.documents.data import (
    CaseFacts,
    Decision,
    DeliveryFacts,
    DocKind,
    DocumentData,
    MaterialLine,
    Party,
    Refusal,
    SealImpression,
    SiteVisitFacts,
    Suspension,
)
from app.records.doc_facts import issuer_for
from app.records.doc_register import info_of
from app.reference.catalog import FORM_LABELS
from app.seal import sealing
from app.station.bootstrap import DEMO_PASSWORD
from db.models import Item, Seal, Staff

SAMPLE_CASE_NO = "000120261122000017"


def _materials(item: Item, problems: bool) -> tuple[MaterialLine, ...]:
    """All received (acceptance and after), or with a missing, a defective and a deferred one (notice)."""
    lines = []
    for m in item.materials:
        status, defect = "received", ""
        if not problems:
            pass
        elif m.seq == 2:
            status, defect = "missing", "未提交。须提交营业执照复印件一份，加盖公章"
        elif m.seq == 3:
            status, defect = "defective", "身份证复印件模糊不清，无法辨认号码。须提交清晰的正反面复印件"
        elif m.may_defer:
            status = "deferred"
        lines.append(MaterialLine(m.seq, m.name, FORM_LABELS.get(m.form, m.form), m.copies, status,
                                  m.copies if status == "received" else 0, status == "received", defect,
                                  date(2026, 12, 4) if status == "deferred" else None))
    return tuple(lines)


def make_samples(ctx: AppContext, outdir: Path, *, name: str = "王䶮", org: str = "") -> list[Path]:
    """Issue one document of each kind for a made-up case of the first window; copy them to outdir."""
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with ctx.write() as s:
        item = s.execute(select(Item).where(Item.name == "食品经营许可")).scalars().first()
        seal = s.execute(select(Seal).where(Seal.status == "active").order_by(Seal.id)).scalars().first()
        assert item is not None and seal is not None and seal.custodian_id is not None
        custodian = s.get(Staff, seal.custodian_id)
        clerk = s.execute(select(Staff).where(Staff.window_id == seal.window_id, Staff.role == "clerk")
                          ).scalars().first() or custodian
        assert custodian is not None
        actor = actor_for(s, custodian)
        if actor.window_id != seal.window_id:
            actor = replace(actor, window_id=seal.window_id)
        issuer, short = issuer_for(s, seal.window_id)
        received = to_local(ctx.now()).replace(tzinfo=None) - timedelta(days=2)
        party = (Party("org", org, "统一社会信用代码", "91350100M000100Y43", "0589-87001234",
                       "云岫市滨江路 188 号", legal_rep=name, agent_name="李𠮷", agent_id_label="居民身份证",
                       agent_id_number="11010519491231002X", agent_phone="13905890017")
                 if org else Party("person", name, "居民身份证", "11010519491231002X", "13800005678",
                                   "云岫市凤栖街道桂花巷 12 号 3 幢 2 单元 501 室"))
        facts = CaseFacts(
            case_no=SAMPLE_CASE_NO, item_code=item.code, item_name=item.name, item_basis=item.basis,
            processing_label="承诺件", applicant=party, received_at=received, clerk_name=clerk.name,
            clerk_phone=issuer.window_phone, materials=_materials(item, problems=False), accepted_at=received,
            legal_days=item.legal_days, promised_days=item.promised_days,
            promised_deadline=date(2026, 11, 27), legal_deadline=date(2026, 12, 4), fee=item.fee or "不收费",
            fee_basis=item.fee_basis)
        refusal = Refusal("申请事项属于药品零售许可，依法不属于市场监管综合窗口食品经营许可的受理范围",
                          "《中华人民共和国行政许可法》第三十二条第一款第（二）项",
                          "云岫市市场监督管理局药品零售许可窗口（B 区 B05）", "云岫市人民政府", "云岫市人民法院")
        plans: list[tuple[DocKind, dict[str, object]]] = [
            (DocKind.RECEIPT, {}),
            (DocKind.ACCEPTANCE, {}),
            (DocKind.CORRECTION, {"notice_due_days": 5, "case": replace(facts, materials=_materials(item, True))}),
            (DocKind.REFUSAL, {"refusal": refusal}),
            (DocKind.SPECIAL_PROCEDURE, {"suspension": Suspension("专家评审", "经营场所涉及高风险食品品种，需组织专家评审",
                                                                   10, date(2026, 11, 24), custodian.name,
                                                                   date(2026, 12, 18),
                                                                   "《中华人民共和国行政许可法》第四十五条")}),
            (DocKind.EXTENSION, {"suspension": Suspension("延期", "现场核查发现需补充检测报告，二十日内不能作出决定",
                                                           10, None, custodian.name, date(2026, 12, 18),
                                                           "《中华人民共和国行政许可法》第四十二条第一款")}),
            (DocKind.APPROVAL, {"decision": Decision(True, "经营项目：预包装食品销售（含冷藏冷冻食品）、热食类食品制售",
                                                     "2026年11月22日至2031年11月21日", "食品经营许可证",
                                                     "JY33309990000017")}),
            (DocKind.DENIAL, {"decision": Decision(False, "经现场核查，经营场所与污染源距离不符合要求",
                                                   refusal=replace(refusal, competent_authority=""))}),
            (DocKind.DELIVERY_PROOF, {"delivery": DeliveryFacts("准予行政许可决定书", "（见决定书编号）", name,
                                                                "11010519491231002X", "本人", "直接送达", None,
                                                                issuer.hall_name, clerk.name)}),
            (DocKind.SITE_VISIT, {"site_visit": SiteVisitFacts(ctx.today() + timedelta(days=5), party.address,
                                                               ("李建国", "赵敏"), "经营场所面积与布局\n冷藏冷冻设施设备")}),
        ]
        docs = []
        for kind, extra in plans:
            def build(number: str, seal_impr: SealImpression | None, kind: DocKind = kind,
                      extra: dict[str, object] = extra) -> DocumentData:
                fields = {"case": facts, **extra}
                return DocumentData(kind=kind, number=number, issued_on=ctx.today(), issuer=issuer,
                                    seal=seal_impr, **fields)  # type: ignore[arg-type]

            password = None if kind in sealing.ROUTINE_KINDS else DEMO_PASSWORD
            docs.append(sealing.issue(s, ctx, actor, kind=kind, case_id=None, dept_short=short, build=build,
                                      custodian_password=password))
        infos = [info_of(d, ctx.data.root) for d in docs]
    for info in infos:
        target = outdir / f"{info.kind}.pdf"
        target.write_bytes(read_stored(ctx.data.root, info.path))
        written.append(target)
    return written


