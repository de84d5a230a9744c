"""材料接收凭证 on an 80 mm thermal roll: drawn on a canvas whose height is measured from its content."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from app.core.masking import mask_id
from app.documents import official as o
from app.documents import sample_mark
from app.documents.barcode import code128_width_mm, draw_code128
from app.documents.data import KIND_TITLES, DocumentData, MaterialLine
from app.documents.fonts import FontChain, make_canvas
from app.documents.legal_text import cn_date, deemed_acceptance
from app.documents.linebreak import break_lines

MM = o.MM
PAGE_W = 80 * MM
CONTENT_W = 72 * MM  # the print head's width; the roll is 80 mm
LEFT = (PAGE_W - CONTENT_W) / 2
BODY_PT, LEADING = 9, 12.5  # small, yet above the 8 pt a receipt must not go below
# 3 dots at the printer's 203 dpi (0.375 mm): an 18-digit number in set C is 154 modules = 57.8 mm.
BARCODE_DOTS, BARCODE_DPI, BARCODE_H_MM = 3, 203, 12

STATUS = {"received": "已收", "missing": "未收", "defective": "需补正", "deferred": "容缺后补", "committed": "告知承诺替代"}


@dataclass
class _Block:
    height: float
    draw: Callable[[Any, float], None]  # (canvas, y of the block's top)


def fields(doc: DocumentData) -> dict[str, str]:
    return o.base_fields(doc)


def material_state(m: MaterialLine) -> str:
    state = STATUS.get(m.status, m.status)
    if m.status in ("received", "deferred") or m.copies_received:
        state += f" {m.copies_received}/{m.copies_required}份"
    if m.original_checked:
        state += " √原件已核验"  # √ is in the Song face; ✓ would embed a second, 30 MB font's subset
    if m.status == "deferred" and m.deferred_due:
        state += f"，{cn_date(m.deferred_due)}前补交"
    return state


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    blocks = _blocks(doc, chain)
    top, bottom = 5 * MM, 10 * MM  # the bottom margin leaves room for the cutter
    if doc.sample:
        top += 4 * MM  # room for the sample's head line above the hall's name
    height = top + bottom + sum(b.height for b in blocks)
    buf = BytesIO()
    c = make_canvas(buf, (PAGE_W, height), chain)
    c.setTitle(f"{KIND_TITLES[doc.kind]} {doc.number}")
    c.setAuthor(doc.issuer.department_name)
    c.setSubject(f"受理编号 {doc.case.case_no}")
    c.setCreator("OneWindow")
    y = height - top
    for b in blocks:
        b.draw(c, y)
        y -= b.height
    if doc.sample:
        c.setKeywords(sample_mark.KEYWORD)
        sample_mark.draw_sample_mark(c, chain, PAGE_W, height)
    c.showPage()
    c.save()
    return buf.getvalue()


@dataclass(frozen=True)
class _Style:
    size: float
    leading: float
    align: str = "left"  # left or centre
    indent: float = 0  # of every line after the first
    first_indent: float = 0


BODY = _Style(BODY_PT, LEADING)
HANG = _Style(BODY_PT, LEADING, first_indent=0, indent=BODY_PT * 1.5)  # wrapped names line up after "1. "
STATE = _Style(BODY_PT, LEADING, first_indent=BODY_PT * 1.5, indent=BODY_PT * 1.5)
SMALL = _Style(8, 11)
SMALL_CENTRE = _Style(8, 11, "centre")
CENTRE = _Style(9.5, 13, "centre")
TITLE = _Style(14, 19, "centre")


def _blocks(doc: DocumentData, chain: FontChain) -> list[_Block]:
    c, i, a = doc.case, doc.issuer, doc.case.applicant

    def para(text: str, style: _Style = BODY) -> _Block:
        # A slip is plain left-aligned or centred text: greedy breaking (linebreak.py) instead of a
        # platypus Paragraph, whose generality was a third of the receipt's rendering time.
        size = style.size
        lines = break_lines(text, CONTENT_W - style.first_indent, CONTENT_W - style.indent,
                            lambda t: chain.measure_chars(t, size))

        def draw(cv: Any, y: float) -> None:
            for k, line in enumerate(lines):
                base = y - size - k * style.leading
                if style.align == "centre":
                    chain.draw_string(cv, LEFT + CONTENT_W / 2, base, line, size, align="centre")
                else:
                    chain.draw_string(cv, LEFT + (style.first_indent if k == 0 else style.indent), base, line, size)
        return _Block(style.leading * len(lines), draw)

    def gap(mm: float) -> _Block:
        return _Block(mm * MM, lambda cv, y: None)

    def rule() -> _Block:
        def draw(cv: Any, y: float) -> None:
            cv.saveState()
            cv.setDash(2, 2)
            cv.setLineWidth(0.5)
            cv.line(LEFT, y - 2 * MM, LEFT + CONTENT_W, y - 2 * MM)
            cv.restoreState()
        return _Block(4 * MM, draw)

    def barcode() -> _Block:
        width = code128_width_mm(c.case_no, BARCODE_DOTS, BARCODE_DPI) * MM
        h = (BARCODE_H_MM + 4.5) * MM
        return _Block(h, lambda cv, y: draw_code128(
            cv, LEFT + (CONTENT_W - width) / 2, y - h, c.case_no, module_dots=BARCODE_DOTS,
            dpi=BARCODE_DPI, height_mm=BARCODE_H_MM, font_chain=chain))

    def limit(label: str, days: int, deadline: Any) -> _Block:
        text = f"{label}：{days}个工作日"
        if deadline is not None:
            text += f"，{cn_date(deadline)}前" + ("（暂定）" if c.deadline_provisional else "")
        return para(text)

    out = [para(i.hall_name, CENTRE), para(i.window_name, CENTRE), gap(1), para(KIND_TITLES[doc.kind], TITLE),
           gap(1), barcode(), para(f"凭证编号：{doc.number}", SMALL_CENTRE), rule(),
           para(f"申请人：{a.name}"), para(f"证件：{a.id_label} {mask_id(a.id_number)}")]
    if a.agent_name:
        out.append(para(f"代理人：{a.agent_name}"))
    out += [para(f"事项：{c.item_name}（{c.item_code}）"), para(f"办件类型：{c.processing_label}"), rule(),
            para("申请材料：")]
    for m in c.materials:  # the state on a line of its own, lined up under the name
        out += [para(f"{m.seq}. {m.name}（{m.form_label}）", HANG), para(material_state(m), STATE)]
    out += [rule(), para(f"收件时间：{o.cn_datetime(c.received_at)}")]
    if c.accepted_at is not None:
        out.append(para(f"受理时间：{o.cn_datetime(c.accepted_at)}"))
    if c.promised_days:
        out.append(limit("承诺时限", c.promised_days, c.promised_deadline))
    elif c.accepted_at is not None:
        out.append(para("办理时限：即办件，当场办结"))
    if c.legal_days:
        out.append(limit("法定时限", c.legal_days, c.legal_deadline))
    if c.accepted_at is not None:
        out.append(para("办理期限自受理次日起按工作日计算，听证、检验、检测、鉴定、专家评审等特别程序所需时间不计入。",
                        SMALL))
    else:  # materials taken in for examination: say when silence makes it an acceptance (art. 32)
        out.append(para(deemed_acceptance(c.received_at.date()), SMALL))
    if c.deadline_provisional:
        out.append(para("注：“暂定”指该年度节假日安排尚未公布，以公布后的工作日为准。", SMALL))
    out += [rule(), para(f"进度查询：{i.query_hint}", SMALL),
            para(f"窗口电话：{i.window_phone}　投诉电话：{i.complaint_phone}", SMALL)]
    out += [para(note, SMALL) for note in doc.notes]
    out += [rule(), para(f"承办人：{c.clerk_name}　打印：{cn_date(doc.issued_on)}"), gap(6),
            _sign(chain), gap(2)]
    return out


def _sign(chain: FontChain) -> _Block:
    def draw(cv: Any, y: float) -> None:
        x = LEFT + chain.draw_string(cv, LEFT, y - BODY_PT, "申请人签字：", BODY_PT)
        cv.setLineWidth(0.6)
        cv.line(x + 1, y - BODY_PT - 2, LEFT + CONTENT_W, y - BODY_PT - 2)
    return _Block(BODY_PT + 4, draw)
