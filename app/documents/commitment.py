"""告知承诺书 and 撤销行政许可决定书: approval on the applicant's written commitment, and its revocation.

The 告知承诺书 (国办发〔2020〕42号) carries what the organ tells — conditions, standards, the materials the
commitment replaces, how and by when it checks, the consequences of a false commitment — and what the
applicant promises, with lines for the applicant's and the window's signatures. It is one A4 page: the type
gets smaller (down to 10 pt) before the page runs over, and a text still too long is refused at its field.
It is not sealed: both sides sign it. The revocation decision is a sealed official letter with the rights.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from app.core.errors import ValidationError
from app.documents import official as o
from app.documents import sample_mark
from app.documents.data import DocKind, DocumentData
from app.documents.fonts import FontChain
from app.documents.legal_text import LICENSING_LAW, cn_date, rights_text

SIZES = (14, 13, 12, 11, 10.5, 10)  # 四号 first, as the other letters
REVOKE_BASIS = f"{LICENSING_LAW}第六十九条第二款"  # obtained by deception → shall be revoked
PENALTY_BASIS = f"{LICENSING_LAW}第七十九条"
GUIDE = "《国务院办公厅关于全面推行证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）"
CONSEQUENCES = (
    f"申请人作出不实承诺、或者未履行承诺的，本机关将依照{REVOKE_BASIS}撤销行政许可决定，已发放的证照同时作废；"
    f"依照{PENALTY_BASIS}等规定依法追究申请人的法律责任；并依照{GUIDE}将不实承诺情况记入申请人信用记录，"
    "依法实施失信惩戒。")
PROMISE = (
    "（一）已经知晓本机关告知的全部内容；（二）自身已经符合本机关告知的条件、标准和要求；"
    "（三）以承诺替代的材料所证明的事项真实、准确，提交的其他材料真实有效；（四）愿意接受本机关的核查，"
    "在核查期限内如实提供有关情况；（五）愿意承担不实承诺、违反承诺的法律责任。以上承诺是申请人真实意思表示。")


def fields(doc: DocumentData) -> dict[str, str]:
    out = o.base_fields(doc)
    if doc.commitment is not None:
        m = doc.commitment
        out.update({"commitment.conditions": m.conditions, "commitment.standards": m.standards,
                    "commitment.check_method": m.check_method})
        out.update({f"commitment.replaces[{k}]": name for k, name in enumerate(m.replaces)})
    if doc.revocation is not None:
        r = doc.revocation
        out.update({"revocation.finding": r.finding, "revocation.reconsideration_body": r.reconsideration_body,
                    "revocation.court": r.court})
    return out


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    if doc.kind == DocKind.REVOCATION:
        st = o.make_styles(chain)
        return o.build(doc, lambda: _revocation(doc, st, chain), chain)
    for size in SIZES:
        pdf, pages = _one_page(doc, chain, size)
        if pages == 1:
            return pdf
    raise ValidationError("commitment.conditions", "告知的条件和标准过长，一页告知承诺书容纳不下，请精简事项目录中的表述")


def _letter(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, m = doc.case, doc.commitment
    assert m is not None
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"你（单位）申请办理的{c.item_name}（{c.item_code}）实行告知承诺制（{m.mode_label}）。根据{GUIDE}，"
        "本机关将有关事项一次性告知如下，申请人书面承诺符合条件并签字后，本机关当场作出行政许可决定。",
        st.body, chain))
    told = [("一、许可条件", m.conditions), ("二、许可标准和要求", m.standards),
            ("三、以承诺替代的材料", "；".join(f"{k}. {n}" for k, n in enumerate(m.replaces, 1))
             + "。以上材料不再提交，由申请人承诺替代。"),
            ("四、核查方式和期限", f"{m.check_method.rstrip('。')}。本机关自作出许可决定之日起 {m.check_days} 个工作日内"
             f"（{cn_date(m.check_due)}前）完成核查。"),
            ("五、不实承诺的法律后果", CONSEQUENCES)]
    for title, text in told:
        story.append(o.paragraph(f"{title}：{text}", st.plain, chain))
    story.append(o.paragraph(f"六、申请人承诺：申请人{c.applicant.name}郑重承诺：{PROMISE}", st.plain, chain))
    lines = [[("申请人（签字或盖章）：", 40)], [("签署日期：", 0), *o.date_blanks()],
             [(f"窗口工作人员（签字）：{c.clerk_name}　", 28)]]
    story.append(o.keep([o.spacer(1), o.issuer_block(doc, st, chain, lines)]))
    return story


def _one_page(doc: DocumentData, chain: FontChain, size: float) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    st = o.make_styles(chain, size)
    buf = BytesIO()
    tpl = BaseDocTemplate(buf, pagesize=(o.PAGE_W, o.PAGE_H), leftMargin=o.MARGIN, rightMargin=o.MARGIN,
                          topMargin=o.MARGIN * 0.8, bottomMargin=o.BOTTOM * 0.8, title=f"告知承诺书 {doc.number}",
                          author=doc.issuer.department_name, subject=f"受理编号 {doc.case.case_no}",
                          creator="OneWindow", initialFontName=chain.main,
                          keywords=sample_mark.KEYWORD if doc.sample else "")
    frame = Frame(o.MARGIN, o.BOTTOM * 0.8, o.FRAME_W, o.PAGE_H - 0.8 * (o.MARGIN + o.BOTTOM), 0, 0, 0, 0, id="body")

    def on_page(c: Any, _d: Any) -> None:
        if doc.sample:  # the template review's 样张, as on every other document (official.build)
            sample_mark.draw_sample_mark(c, chain, o.PAGE_W, o.PAGE_H)

    tpl.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    tpl.build(_letter(doc, st, chain))
    return buf.getvalue(), tpl.page


def _revocation(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, r = doc.case, doc.revocation
    assert r is not None
    story = o.title_block(doc, st, chain)
    story.append(o.paragraph(
        f"本机关于{cn_date(r.decided_on)}以告知承诺方式对{o.you(doc)}申请的{c.item_name}作出准予行政许可决定"
        f"（{r.decision_no}）。经事中事后核查，{r.finding.strip().rstrip('。')}，{o.you(doc)}作出的承诺与实际情况不符，"
        "属于以欺骗手段取得行政许可。", st.body, chain))
    voided = f"，{'、'.join(r.certificates)}号证照同时作废，不得继续使用" if r.certificates else ""
    story.append(o.paragraph(f"根据{REVOKE_BASIS}的规定，本机关决定撤销上述行政许可决定{voided}。", st.body, chain))
    story.append(o.paragraph(f"依照{GUIDE}，不实承诺情况已记入{o.you(doc)}的信用记录；本机关将依照{PENALTY_BASIS}"
                             "依法追究相应的法律责任。", st.body, chain))
    rights = o.paragraph(rights_text(r.reconsideration_body, r.court, "本决定书"), st.body, chain)
    story.append(o.keep([rights, o.issuer_block(doc, st, chain, o.delivery_lines(doc))]))
    return story
