"""一次性告知单 for a visitor who only asked (咨询): each item's guide and its whole list of materials, on one page.

So the visitor comes back once with everything (首问负责制): when an item is handled at another window the
sheet names that window, and the person asked first — who stays responsible — signs it with a phone number.
It carries no seal: it tells, it decides nothing. One page is a promise of the form; the type gets smaller
(down to 8 pt) before it runs over, then the conditions give way to the materials; a sheet that would still
not fit is refused at the items field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from app.core.errors import ValidationError
from app.documents import official as o
from app.documents import sample_mark
from app.documents.data import Issuer
from app.documents.fonts import FontChain, default_chain
from app.documents.legal_text import cn_date
from app.documents.text import para_style, paragraph

TITLE = "一次性告知单"
MARGIN = 16 * o.MM  # a form, not a letter: narrower margins than the official documents' 25 mm
FRAME_W = o.PAGE_W - 2 * MARGIN
SIZES = (10.5, 10.0, 9.5, 9.0, 8.5, 8.0)  # 五号 first; smaller only when the items would not fit on one page
ONLY_THESE = ("以上为办理该事项需要提交的全部材料，窗口不会要求提交清单以外的材料（《中华人民共和国行政许可法》"
              "第三十条、第三十一条）。材料齐全的，可当场受理。")


@dataclass(frozen=True)
class NoticeMaterial:
    name: str
    form_label: str
    copies: int
    note: str = ""


@dataclass(frozen=True)
class NoticeItem:
    """An item asked about, as its published guide states it."""

    code: str
    name: str
    department: str
    window: str  # the window that handles it, e.g. "A03 卫生健康综合窗口"
    here: bool  # handled at the window that was asked (no referral)
    processing_label: str
    legal_days: int
    promised_days: int
    conditions: str
    fee: str
    location: str
    enquiry_phone: str
    materials: tuple[NoticeMaterial, ...]


@dataclass(frozen=True)
class ConsultationNotice:
    number: str
    issued_on: date
    issuer: Issuer  # the window that was asked
    visitor: str  # may be blank: the name is optional
    staff_name: str  # 首问责任人
    staff_phone: str
    answer: str
    items: tuple[NoticeItem, ...]
    sample: bool = False  # a 样张 for template review (sample_mark)


def fields(doc: ConsultationNotice) -> dict[str, str]:
    """Every printed text by field name, so a character no font covers is named where it was typed."""
    out = {"number": doc.number, "visitor": doc.visitor, "staff_name": doc.staff_name, "answer": doc.answer,
           "issuer.window_name": doc.issuer.window_name, "issuer.hall_name": doc.issuer.hall_name}
    for k, item in enumerate(doc.items):
        out[f"items[{k}].name"] = item.name
        out[f"items[{k}].conditions"] = item.conditions
        out[f"items[{k}].window"] = item.window
        for j, m in enumerate(item.materials):
            out[f"items[{k}].materials[{j}]"] = m.name + m.note
    return out


def validate(doc: ConsultationNotice) -> None:
    if not doc.items:
        raise ValidationError("items", "请选择咨询的事项")
    if not doc.number.strip():
        raise ValidationError("number", "告知单编号不能为空")
    if not doc.staff_name.strip():
        raise ValidationError("staff_name", "首问责任人不能为空")
    if doc.sample != sample_mark.is_sample_number(doc.number):
        raise ValidationError("number", "样张须使用样张编号" if doc.sample else "样张编号只能用于样张")


def render(doc: ConsultationNotice, chain: FontChain | None = None) -> bytes:
    """One A4 page, or ValidationError('items') when even the smallest type does not fit."""
    validate(doc)
    chain = chain or default_chain()
    chain.check_all(fields(doc))
    # The whole guide first; when even 8 pt runs over, the conditions give way to the materials, which are
    # what the visitor must bring (the conditions stay in the published guide the sheet points to).
    for conditions, sizes in ((True, SIZES), (False, SIZES[2:])):
        for size in sizes:
            pdf, pages = _build(doc, chain, size, conditions)
            if pages == 1:
                return pdf
    raise ValidationError("items", "所选事项的材料过多，一页告知单容纳不下，请分次打印")


def _styles(chain: FontChain, size: float) -> dict[str, Any]:
    lead = round(size * 1.3, 1)  # a dense form: tighter than the letters' 1.75

    def style(name: str, sz: float, **kw: Any) -> Any:
        return para_style(f"ow-consult-{name}-{sz}", sz, round(sz * 1.3, 1), chain=chain, **kw)

    return {"title": para_style(f"ow-consult-title-{size}", 18, 24, chain=chain, alignment=1, spaceAfter=2),
            "plain": style("plain", size, alignment=0, spaceAfter=1.5),
            "body": style("body", size, first_line_indent=2 * size, spaceAfter=1.5),
            "head": style("head", size + 1, role="hei", alignment=0, spaceBefore=3, spaceAfter=1.5),
            "cell": style("cell", size - 0.5, alignment=0, rightIndent=size / 2),
            "centre": style("centre", size - 0.5, alignment=1), "right": style("right", size, alignment=2),
            "lead": lead}


def _materials(item: NoticeItem, st: dict[str, Any], chain: FontChain, size: float) -> Any:
    from reportlab.platypus import Table

    rows = [["序号", "材料名称", "提交形式", "份数", "说明"]]
    rows += [[str(k), m.name, m.form_label, str(m.copies), m.note] for k, m in enumerate(item.materials, 1)]
    cells = [[paragraph(t, st["centre"] if (j in (0, 2, 3) or i == 0) else st["cell"], chain)
              for j, t in enumerate(row)] for i, row in enumerate(rows)]
    widths = [10 * o.MM, 76 * o.MM, 24 * o.MM, 10 * o.MM, FRAME_W - 120 * o.MM]
    style = [*o.grid_style(chain), ("FONT", (0, 0), (-1, -1), chain.main, size - 0.5),
             ("TOPPADDING", (0, 0), (-1, -1), 0.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
             ("LEFTPADDING", (0, 0), (-1, -1), 2), ("RIGHTPADDING", (0, 0), (-1, -1), 2)]
    return Table(cells, colWidths=widths, repeatRows=1, style=style)


def _story(doc: ConsultationNotice, chain: FontChain, size: float, conditions: bool) -> list[Any]:
    st, i = _styles(chain, size), doc.issuer
    numerals = "一二三四五六七八九十"
    story: list[Any] = [paragraph(i.hall_name, st["plain"], chain), paragraph(TITLE, st["title"], chain),
                        paragraph(f"编号：{doc.number}", st["right"], chain)]
    who = f"{doc.visitor}：" if doc.visitor.strip() else "咨询人："
    story.append(paragraph(who, st["plain"], chain))
    story.append(paragraph(f"您于{cn_date(doc.issued_on)}在{i.window_name}咨询的下列事项，办理条件和需要提交的全部材料"
                           "一次性告知如下。请备齐材料后到所列窗口办理，力争一次办成。", st["body"], chain))
    for k, item in enumerate(doc.items):
        mark = numerals[k] if k < len(numerals) else str(k + 1)
        story.append(paragraph(f"{mark}、{item.name}（{item.code}）", st["head"], chain))
        where = (f"办理窗口：{item.window}（本窗口）" if item.here
                 else f"办理窗口：{item.window}（本事项不在本窗口办理，请到该窗口办理；如有疑问，请联系首问责任人）")
        limits = f"{item.processing_label}，法定时限 {item.legal_days} 个工作日，承诺时限 {item.promised_days} 个工作日"
        story.append(paragraph(f"{where}。实施部门：{item.department}；{limits}；收费：{item.fee or '不收费'}。",
                               st["plain"], chain))
        if item.conditions.strip():
            told = item.conditions.strip() if conditions else f"详见本事项办事指南（{i.hall_name}、政务服务网公开）"
            story.append(paragraph(f"办理条件：{told}", st["plain"], chain))
        story.append(_materials(item, st, chain, size))
    story.append(paragraph(ONLY_THESE, st["body"], chain))
    if doc.answer.strip():
        story.append(paragraph(f"答复：{doc.answer.strip()}", st["body"], chain))
    phone = doc.staff_phone or i.window_phone
    story.append(paragraph(f"首问责任人：{doc.staff_name}（{i.department_name} {i.window_name}）"
                           + (f"　联系电话：{phone}" if phone else ""), st["plain"], chain))
    story.append(paragraph(f"地址：{i.hall_address}　监督电话：{i.complaint_phone}　告知日期：{cn_date(doc.issued_on)}",
                           st["plain"], chain))
    return story


def _build(doc: ConsultationNotice, chain: FontChain, size: float, conditions: bool = True) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    buf = BytesIO()
    margin = MARGIN
    tpl = BaseDocTemplate(buf, pagesize=(o.PAGE_W, o.PAGE_H), leftMargin=margin, rightMargin=margin,
                          topMargin=margin, bottomMargin=margin, title=f"{TITLE} {doc.number}",
                          author=doc.issuer.department_name, creator="OneWindow", initialFontName=chain.main,
                          keywords=sample_mark.KEYWORD if doc.sample else "")
    frame = Frame(margin, margin, o.PAGE_W - 2 * margin, o.PAGE_H - 2 * margin, 0, 0, 0, 0, id="body")

    def on_page(c: Any, _doc: Any) -> None:
        if doc.sample:
            sample_mark.draw_sample_mark(c, chain, o.PAGE_W, o.PAGE_H)

    tpl.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
    tpl.build(_story(doc, chain, size, conditions))
    return buf.getvalue(), tpl.page
