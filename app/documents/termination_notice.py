"""终止办理告知书: a part of a 一件事 stops because its 前置 received a 不予行政许可决定.

One page, like the 不予受理通知书: which bundle, which item stops (its number and department), which 前置 was
refused (its number and decision), what the applicant may do now (take the materials back, apply again once
the 前置's conditions are met) and the remedies; sealed by the comprehensive window, signed for at the counter.
"""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocumentData, Termination
from app.documents.fonts import FontChain
from app.documents.legal_text import cn_date, rights_text


def termination_fields(t: Termination) -> dict[str, str]:
    return {"一件事编号": t.bundle_no, "一件事名称": t.theme_name, "承办部门": t.department,
            "前置事项": t.prerequisite_name, "前置事项办件编号": t.prerequisite_case_no,
            "前置事项部门": t.prerequisite_department, "不予行政许可决定书": t.denial_no,
            "行政复议机关": t.reconsideration_body, "人民法院": t.court, "材料取回地点": t.place}


def fields(doc: DocumentData) -> dict[str, str]:
    assert doc.termination is not None  # validate() refuses a notice without one
    return {**o.base_fields(doc), **termination_fields(doc.termination)}


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    return o.build(doc, lambda: _story(doc, o.make_styles(chain), chain), chain)


def decision_text(t: Termination) -> str:
    """The 前置's refusal as the sentence states it: who decided and when (its number is in the table: a long
    number inside a justified sentence would stretch the line before it apart)."""
    when = f"于{cn_date(t.denied_on)}" if t.denied_on else ""
    return f"{t.prerequisite_department}{when}作出不予行政许可决定"


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, t = doc.case, doc.termination
    assert t is not None
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"{o.you(doc)}于{cn_date(c.received_at)}通过“{t.theme_name}”一件事一并申请的{c.item_name}，"
        f"须待前置事项“{t.prerequisite_name}”准予许可后方可办理。该前置事项已由{decision_text(t)}。"
        "现将有关事项告知如下：", st.body, chain))
    rows: list[tuple[str, ...]] = [
        ("一件事", f"{t.theme_name}　编号 {t.bundle_no}"),
        ("终止办理事项", c.item_name),
        ("办件编号", c.case_no, "承办部门", t.department),
        ("前置事项", t.prerequisite_name),
        ("办件编号", t.prerequisite_case_no, "办理部门", t.prerequisite_department),
        ("前置事项决定", "不予行政许可决定书" + (f"　{t.denial_no}" if t.denial_no else "")),
    ]
    story += [o.spacer(1), o.kv_table(rows, chain, st), o.spacer(2)]
    story.append(o.paragraph(
        f"因前置事项未获准予许可，{c.item_name}不具备继续办理的条件，本事项终止办理，办理期限不再计算。",
        st.body, chain))
    story.append(o.paragraph(
        f"{o.you(doc)}可以凭本告知书到{t.place}取回本事项的申请材料；前置事项的条件具备后，可以重新提出申请。",
        st.body, chain))
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    rights = o.paragraph(rights_text(t.reconsideration_body, t.court, "本告知书"), st.body, chain)
    story.append(o.keep([rights, o.issuer_block(doc, st, chain, o.delivery_lines(doc))]))
    return story
