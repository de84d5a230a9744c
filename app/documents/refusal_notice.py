"""不予受理通知书: the reasons, the legal basis, who is competent instead, and the applicant's rights."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocumentData, Refusal
from app.documents.fonts import FontChain
from app.documents.legal_text import cn_date, competent_authority_text, rights_text


def refusal_fields(r: Refusal) -> dict[str, str]:
    return {"不予受理理由": r.reasons, "法律依据": r.basis, "有权机关": r.competent_authority,
            "行政复议机关": r.reconsideration_body, "人民法院": r.court}


def fields(doc: DocumentData) -> dict[str, str]:
    assert doc.refusal is not None  # validate() refuses a refusal without one
    return {**o.base_fields(doc), **refusal_fields(doc.refusal)}


def sentence(text: str) -> str:
    """The clerk's wording as one sentence, however it was (not) punctuated."""
    return text.strip().rstrip("。；;，,.") + "。"


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    st = o.make_styles(chain)
    return o.build(doc, lambda: _story(doc, st, chain), chain)


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, r = doc.case, doc.refusal
    assert r is not None
    story = o.title_block(doc, st, chain, ref_label="收件编号")
    story.append(o.paragraph(
        f"{o.you(doc)}于{cn_date(c.received_at)}提交的{c.item_name}申请，经审查，{sentence(r.reasons)}", st.body, chain))
    decision = f"根据{r.basis.strip().rstrip('。')}的规定，本机关决定不予受理。"
    if r.competent_authority:
        decision += competent_authority_text(r.competent_authority)
    story.append(o.paragraph(decision, st.body, chain))
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    rights = o.paragraph(rights_text(r.reconsideration_body, r.court), st.body, chain)
    story.append(o.keep([rights, o.issuer_block(doc, st, chain, o.delivery_lines(doc))]))
    return story
