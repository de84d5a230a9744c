"""受理通知书: the A4 acceptance notice, with the case number as a barcode and the materials received."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.barcode import QUIET_MODULES, code128_width_mm, draw_code128, module_width_pt
from app.documents.data import CaseFacts, DocumentData, MaterialLine
from app.documents.fonts import FontChain
from app.documents.legal_text import (
    ACCEPTANCE_EXCLUDED,
    BASIS_ACCEPT,
    DEEMED_OUTSTANDING,
    PROVISIONAL,
    SIGN_RECEIPT,
    cn_date,
    deemed_acceptance_statement,
)

MM = o.MM
# 3 dots at 300 dpi = 0.254 mm modules: whole pixels at 300/600 dpi, wide enough for any scanner.
BARCODE_DOTS, BARCODE_DPI = 3, 300
LABEL_MM = 25


def fields(doc: DocumentData) -> dict[str, str]:
    out = o.base_fields(doc)
    for n, p in enumerate(doc.bundle_parts, 1):  # 一件事: every part's names are checked for glyphs too
        out[f"事项{n}"], out[f"办理部门{n}"] = p.item_name, p.department
    return out


# Tried in order until the notice fits one sheet (body pt, table pt, line spacing): 小四 with 五号 tables holds
# an ordinary case; a long list (about ten materials with long names) takes the tighter ones.
FITS = ((12, 10.5, 1.6), (12, 10.5, 1.4), (10.5, 9, 1.3), (10.5, 9, 1.2))


def render(doc: DocumentData, chain: FontChain) -> bytes:
    """The notice the applicant signs at its foot: one sheet whenever the list allows (seal and signature
    never on a page of their own), the tightest layout breaking over pages only for a very long list."""
    chain.check_all(fields(doc))
    styles = [o.make_styles(chain, body, cell_pt=cell, spacing=spacing) for body, cell, spacing in FITS]
    stories = [lambda st=st: _story(doc, st, chain) for st in styles]
    return o.build_fitted(doc, stories, chain, first_page=lambda c: _barcode(c, doc, chain))


def _barcode(c: Any, doc: DocumentData, chain: FontChain) -> None:
    """Top right, in the margin above the title, where counters and scanners expect it."""
    width = code128_width_mm(doc.case.case_no, BARCODE_DOTS, BARCODE_DPI) * MM
    quiet = QUIET_MODULES * module_width_pt(BARCODE_DOTS, BARCODE_DPI)  # bars, not the quiet zone, meet the margin
    draw_code128(c, o.PAGE_W - o.MARGIN - width + quiet, o.PAGE_H - 22 * MM, doc.case.case_no,
                 module_dots=BARCODE_DOTS, dpi=BARCODE_DPI, height_mm=9, font_chain=chain)


def _limit(days: int, deadline: Any, provisional: bool) -> str:
    if days == 0:
        return "当场办结" + (f"\n{cn_date(deadline)}" if deadline is not None else "")
    text = f"{days}个工作日"
    if deadline is not None:
        text += f"\n{cn_date(deadline)}前" + ("（暂定）" if provisional else "")
    return text


def _rows(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[tuple[str, ...]]:
    c, i, a = doc.case, doc.issuer, doc.case.applicant
    # The ID's kind is the label of its number (居民身份证 / 统一社会信用代码 …). Pairs go two to a row; a name
    # too long for half a row takes a row of its own, and the pairs after it close up (the sheet is tight).
    pairs = [(a.id_label, a.id_number)]
    if a.legal_rep:
        pairs.append(("法定代表人", a.legal_rep))
    pairs += [("联系电话", a.phone), ("联系地址", a.address)]
    if chain.string_width(a.name, st.cell.fontSize) <= 2 * LABEL_MM * MM:
        pairs.insert(0, ("申请人", a.name))
        rows: list[tuple[str, ...]] = []
    else:
        rows = [("申请人", a.name)]
    rows += [(*pairs[k], *pairs[k + 1]) if k + 1 < len(pairs) else pairs[k] for k in range(0, len(pairs), 2)]
    if a.agent_name:
        rows.append(("代理人", f"{a.agent_name}（{a.agent_id_label} {a.agent_id_number}，电话 {a.agent_phone}）"))
    fee = c.fee + (f"（依据：{c.fee_basis}）" if c.fee_basis else "")
    if doc.bundle_parts:  # 一件事: the items, departments and limits are in the parts table below
        return rows + [
            ("一件事", c.item_name, "受理编号", c.case_no),
            ("收件时间", o.cn_datetime(c.received_at), "受理时间", _accepted(c)),
            ("办结时限", _limit(c.promised_days, c.promised_deadline, c.deadline_provisional),
             "收费", fee),
            ("结果送达", "综合窗口统一出件", "承办人", f"{c.clerk_name} {c.clerk_phone}"),
            ("进度查询", f"{i.query_hint}；投诉电话：{i.complaint_phone}"),
        ]
    return rows + [
        ("事项名称", c.item_name, "事项编码", c.item_code),
        ("设定依据", c.item_basis),
        ("收件时间", o.cn_datetime(c.received_at), "受理时间", _accepted(c)),
        ("法定时限", _limit(c.legal_days, c.legal_deadline, c.deadline_provisional),
         "承诺时限", _limit(c.promised_days, c.promised_deadline, c.deadline_provisional)),
        ("办件类型", c.processing_label, "收费", fee),
        ("结果送达", c.delivery_method, "承办人", f"{c.clerk_name} {c.clerk_phone}"),
        ("进度查询", f"{i.query_hint}；投诉电话：{i.complaint_phone}"),
    ]


def _accepted(c: CaseFacts) -> str:
    if c.deemed_accepted:  # by law from the day of receipt: a day, not the moment anyone looked at it
        return f"{cn_date(c.received_at)}\n（视为受理）"
    return o.cn_datetime(c.accepted_at) if c.accepted_at else ""


def material_note(m: MaterialLine) -> str:
    if m.status in ("missing", "defective"):  # only a deemed acceptance carries these
        return "待补正" + (f"：{m.defect}" if m.defect else "")
    notes = []
    if m.original_checked:
        notes.append("原件已核验")
    if m.status == "committed":  # 告知承诺: the applicant's signed commitment stands in for it
        notes.append("告知承诺替代")
    if m.status == "deferred":
        notes.append("容缺受理" + (f"\n{cn_date(m.deferred_due)}前补交" if m.deferred_due else ""))
    return "\n".join(notes)  # each note on a line of its own: a narrow cell would split them mid-word


def _materials(doc: DocumentData, st: o.Styles, chain: FontChain) -> Any:
    outstanding = any(m.status in ("missing", "defective") for m in doc.case.materials)
    rows = [["序号", "申请材料" if outstanding else "已收取的申请材料", "形式", "份数", "备注"]]
    for m in doc.case.materials:
        rows.append([str(m.seq), m.name, m.form_label, f"{m.copies_received}/{m.copies_required}",
                     material_note(m)])
    # 形式 as wide as 原件及复印件 on one line; the names take what is left after a two-line 备注.
    form_w = chain.string_width("原件及复印件", st.cell.fontSize) + 2 * 4 + st.cell.fontSize / 2
    widths = [11 * MM, o.FRAME_W - 58 * MM - form_w, form_w, 11 * MM, 36 * MM]
    return o.grid(rows, widths, chain, st, centred=(0, 2, 3))


def _parts(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    """一件事: every item with its department, case number and deadlines. A part that waits on a 前置 names
    it; its days are counted from the 前置's approval, and the dates shown are the expected ones."""
    rows = [["序号", "事项", "办理部门", "办件编号", "承诺办结", "法定时限"]]
    waiting = False
    for n, p in enumerate(doc.bundle_parts, 1):
        name = p.item_name + (f"\n（前置：{p.after}）" if p.after else "")
        if p.outcome != "受理":
            rows.append([str(n), name, p.department, p.case_no, p.outcome, ""])
            continue
        waiting = waiting or bool(p.after)
        mark = "*" if p.after else ""
        rows.append([str(n), name, p.department, p.case_no,
                     _limit(p.promised_days, p.promised_deadline, False) + mark,
                     _limit(p.legal_days, p.legal_deadline, False) + mark])
    widths = [9 * MM, 44 * MM, 26 * MM, 26 * MM, 31 * MM, o.FRAME_W - 136 * MM]
    out = [o.grid(rows, widths, chain, st, centred=(0,))]
    if waiting:
        out.append(o.paragraph("注：标 * 的事项自其前置事项准予之日起计算时限，所列日期为按前置事项期限推算的预计日期，"
                               "以前置事项实际准予之日为准。", st.body, chain))
    return out


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    c = doc.case
    story = o.title_block(doc, st, chain)
    if doc.bundle_parts:
        opening = (f"{o.you(doc)}于{cn_date(c.received_at)}提交的“{c.item_name}”一件事申请，经审查，申请材料齐全、"
                   f"符合法定形式。根据{BASIS_ACCEPT}的规定，予以受理，由下列部门同步办理（前置事项准予后，"
                   "依赖它的事项自准予之日起计算时限），办结后在本窗口统一出件。")
    elif c.deemed_accepted:
        opening = deemed_acceptance_statement(o.you(doc), c.received_at.date(), c.item_name)
    else:
        opening = (f"{o.you(doc)}于{cn_date(c.received_at)}提交的{c.item_name}申请，经审查，申请材料齐全、"
                   f"符合法定形式。根据{BASIS_ACCEPT}的规定，本机关决定予以受理。")
    story.append(o.paragraph(opening, st.body, chain))
    gap = 2 if st.size >= o.CELL_PT else 1
    story += [o.kv_table(_rows(doc, st, chain), chain, st, label_mm=LABEL_MM), o.spacer(gap)]
    if doc.bundle_parts:
        story += [*_parts(doc, st, chain), o.spacer(gap)]
    excluded = ACCEPTANCE_EXCLUDED
    if c.deadline_provisional:
        excluded += PROVISIONAL
    story.append(_materials(doc, st, chain))  # may break over pages (its header repeats)
    # The closing statement goes with the seal, which never stands on a page of its own.
    tail = [o.spacer(1), o.paragraph(excluded, st.body, chain)]
    if any(m.status in ("missing", "defective") for m in c.materials):
        tail.append(o.paragraph(DEEMED_OUTSTANDING, st.body, chain))
    tail += [o.paragraph(note, st.body, chain) for note in doc.notes]
    sign = [[(SIGN_RECEIPT, 40)], [("签收日期：", 0), *o.date_blanks()]]
    story.append(o.keep([*tail, o.issuer_block(doc, st, chain, sign)]))
    return story
