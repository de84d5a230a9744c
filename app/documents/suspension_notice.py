"""特别程序告知书 (art. 45) and 延期告知书 (art. 42): why the clock stops or runs longer, and until when."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocKind, DocumentData, Suspension
from app.documents.fonts import FontChain
from app.documents.legal_text import cn_date, extension_statement, special_procedure_statement


def suspension_fields(s: Suspension) -> dict[str, str]:
    return {"程序类型": s.kind_label, "理由": s.reason, "批准人": s.approver, "特别程序依据": s.basis}


def fields(doc: DocumentData) -> dict[str, str]:
    assert doc.suspension is not None  # validate() refuses a notice without one
    return {**o.base_fields(doc), **suspension_fields(doc.suspension)}


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    st = o.make_styles(chain)
    story = _special if doc.kind == DocKind.SPECIAL_PROCEDURE else _extension
    return o.build(doc, lambda: story(doc, st, chain), chain)


def _preamble(doc: DocumentData) -> str:
    c = doc.case
    accepted = f"，本机关已于{cn_date(c.accepted_at)}依法受理" if c.accepted_at else "，本机关已依法受理"
    return f"{o.you(doc)}提交的{c.item_name}申请{accepted}，法定办理期限为{c.legal_days}个工作日"


def _special(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, s = doc.case, doc.suspension
    assert s is not None
    why = s.reason.strip().rstrip("。；，")
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"{_preamble(doc)}。因{why}，本申请需要进行{s.kind_label}。{special_procedure_statement(s.kind_label)}"
        "现将有关事项告知如下：", st.body, chain))
    rows: list[tuple[str, ...]] = [("程序类型", s.kind_label, "预计所需时间", f"{s.expected_days}个工作日")]
    if s.basis:
        rows.append(("依据", s.basis))
    rows += [
        ("开始日期", o.cn_day(s.start), "批准人", s.approver),
        ("原期限届满日", o.cn_day(c.legal_deadline), "顺延后届满日", o.cn_day(s.new_deadline)),
        ("承办人", c.clerk_name, "联系电话", c.clerk_phone),
    ]
    story += [o.spacer(1), o.kv_table(rows, chain, st), o.spacer(3)]
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    story.append(o.keep([o.paragraph(
        f"{s.kind_label}结束后，本机关将继续办理并依法作出决定；实际所需时间与预计不同的，办理期限届满日"
        "相应调整，本机关将另行告知。", st.body, chain), o.spacer(2), o.issuer_block(doc, st, chain)]))
    return story


def _extension(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, s = doc.case, doc.suspension
    assert s is not None
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"{_preamble(doc)}。本机关不能在法定办理期限内作出决定。"
        f"{extension_statement(s.expected_days)}", st.body, chain))
    rows: list[tuple[str, ...]] = [
        ("延长理由", s.reason),
        ("延长期限", f"{s.expected_days}个工作日", "批准人", s.approver),
        ("原期限届满日", o.cn_day(c.legal_deadline), "延长后届满日", o.cn_day(s.new_deadline)),
        ("承办人", c.clerk_name, "联系电话", c.clerk_phone),
    ]
    if s.basis:
        rows.insert(1, ("依据", s.basis))
    story += [o.spacer(1), o.kv_table(rows, chain, st), o.spacer(3)]
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    story.append(o.keep([o.paragraph(f"本机关将在{cn_date(s.new_deadline) if s.new_deadline else '延长后的期限'}"
                                      "前依法作出决定。", st.body, chain),
                         o.spacer(2), o.issuer_block(doc, st, chain)]))
    return story
