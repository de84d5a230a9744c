"""一次性告知书: everything the applicant must supply or correct, said once, in one table."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocumentData, MaterialLine
from app.documents.fonts import FontChain
from app.documents.legal_text import BASIS_CORRECT, CORRECTION_CLOCK, ONE_TIME_NOTICE, cn_date

MM = o.MM
TO_CORRECT = ("missing", "defective", "deferred")
SITUATION = {"missing": "未提交", "defective": "需补正", "deferred": "容缺后补"}


def fields(doc: DocumentData) -> dict[str, str]:
    return o.base_fields(doc)


def lines_to_correct(doc: DocumentData) -> list[MaterialLine]:
    return [m for m in doc.case.materials if m.status in TO_CORRECT]


def requirement(m: MaterialLine) -> str:
    """What is wrong and what is required: the clerk's words, completed for the kinds that need no words."""
    if m.status == "missing":
        return m.defect or "未提交该材料，请按要求补充提交。"
    if m.status == "deferred":
        due = f"请于{cn_date(m.deferred_due)}前" if m.deferred_due else "请在承诺期限内"
        return "；".join(t for t in (m.defect, f"已作书面承诺，{due}补交") if t) + "。"
    return m.defect


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    st = o.make_styles(chain, o.CELL_PT)  # 小四, like the acceptance notice: a form built round a table
    return o.build(doc, lambda: _story(doc, st, chain), chain)


def _table(doc: DocumentData, st: o.Styles, chain: FontChain) -> Any:
    rows = [["序号", "材料名称", "情形", "存在的问题及补正要求", "提交形式"]]
    for k, m in enumerate(lines_to_correct(doc), 1):
        # form and copies on lines of their own: "原件及复印件" must not break inside the word
        rows.append([str(k), m.name, SITUATION[m.status], requirement(m), f"{m.form_label}\n{m.copies_required}份"])
    form_w = chain.string_width("原件及复印件", st.cell.fontSize) + 2 * 4 + 2  # the cell's padding, a little air
    widths = [12 * MM, 47 * MM, 20 * MM, o.FRAME_W - 79 * MM - form_w, form_w]
    return o.grid(rows, widths, chain, st, centred=(0, 2, 4))


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c, i = doc.case, doc.issuer
    you = o.you(doc)
    n = len(lines_to_correct(doc))
    story = o.title_block(doc, st, chain, ref_label="收件编号")
    story.append(o.paragraph(
        f"{you}于{cn_date(c.received_at)}提交的{c.item_name}申请材料，经审查，申请材料不齐全或者不符合法定形式。根据{BASIS_CORRECT}的规定，"
        f"现将需要补充、补正的全部内容（共{n}项）一次性告知如下：", st.body, chain))
    story += [o.spacer(1), _table(doc, st, chain), o.spacer(3)]
    where = f"{i.hall_name}{i.window_name}"
    within = f"自收到本告知书之日起{doc.notice_due_days}个工作日内，" if doc.notice_due_days else ""
    story.append(o.paragraph(f"请{you}{within}将上述材料补齐、补正后提交至{where}。{CORRECTION_CLOCK}",
                             st.body, chain))
    story += [o.paragraph(note, st.body, chain) for note in doc.notes]
    lines = o.delivery_lines(doc)
    # The one-time statement stays with the seal: it is what the seal vouches for.
    story.append(o.keep([o.paragraph(ONE_TIME_NOTICE, st.body, chain), o.issuer_block(doc, st, chain, lines)]))
    return story
