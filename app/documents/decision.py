"""准予 / 不予行政许可决定书: the licence granted with its content, or the reasons for denial and the rights."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocKind, DocumentData
from app.documents.fonts import FontChain
from app.documents.legal_text import BASIS_DENY, BASIS_GRANT, cn_date, competent_authority_text, rights_text
from app.documents.refusal_notice import refusal_fields, sentence


def fields(doc: DocumentData) -> dict[str, str]:
    d = doc.decision
    assert d is not None  # validate() refuses a decision without one
    out = {**o.base_fields(doc), "许可内容": d.content, "有效期限": d.validity,
           "证件名称": d.certificate_name, "证件编号": d.certificate_no}
    if d.refusal is not None:
        out.update(refusal_fields(d.refusal))
    return out


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    st = o.make_styles(chain)
    story = _approval if doc.kind == DocKind.APPROVAL else _denial
    return o.build(doc, lambda: story(doc, st, chain), chain)


def _preamble(doc: DocumentData) -> str:
    c = doc.case
    accepted = f"本机关于{cn_date(c.accepted_at)}依法受理" if c.accepted_at else "本机关已依法受理"
    return f"{o.you(doc)}于{cn_date(c.received_at)}提出的{c.item_name}申请，{accepted}。"


def _approval(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, d = doc.case, doc.decision
    assert d is not None
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"{_preamble(doc)}经审查，{o.you(doc)}的申请符合法定条件、标准。根据{c.item_basis.rstrip('。')}"
        f"和{BASIS_GRANT}的规定，本机关决定准予行政许可。许可内容如下：", st.body, chain))
    rows: list[tuple[str, ...]] = [("被许可人", c.applicant.name),
                                   ("证件号码", f"{c.applicant.id_label} {c.applicant.id_number}"),
                                   ("许可事项", c.item_name), ("许可内容", d.content)]
    if d.validity:
        rows.append(("有效期限", d.validity))
    if d.certificate_name:
        rows.append(("证件名称", d.certificate_name, "证件编号", d.certificate_no))
    rows.append(("领取方式", c.delivery_method))
    story += [o.spacer(1), o.kv_table(rows, chain, st), o.spacer(3)]
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    duty = o.paragraph(f"{o.you(doc)}应当按照许可内容从事被许可的活动；"
                       f"{d.certificate_name or '许可'}载明的事项发生变化的，应当依法申请变更。", st.body, chain)
    story.append(o.keep([duty, o.spacer(2), o.issuer_block(doc, st, chain)]))
    return story


def _denial(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    d = doc.decision
    assert d is not None and d.refusal is not None
    r = d.refusal
    story = o.title_block(doc, st, chain)
    finding = f"经审查，{sentence(d.content)}" if d.content else "经审查，"
    story.append(o.paragraph(f"{_preamble(doc)}{finding}", st.body, chain))
    story.append(o.paragraph(f"不予许可的理由：{sentence(r.reasons)}", st.body, chain))
    decision = f"根据{r.basis.strip().rstrip('。')}和{BASIS_DENY}的规定，本机关决定不予行政许可。"
    if r.competent_authority:
        decision += competent_authority_text(r.competent_authority)
    story.append(o.paragraph(decision, st.body, chain))
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    rights = o.paragraph(rights_text(r.reconsideration_body, r.court, "本决定书"), st.body, chain)
    story.append(o.keep([rights, o.issuer_block(doc, st, chain)]))
    return story
