"""Shared layout of the A4 official documents: styles, title block, tables, issuer block with seal, build."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from io import BytesIO
from typing import Any

from app.documents import sample_mark
from app.documents.data import KIND_TITLES, DocumentData, SealImpression
from app.documents.fonts import FontChain
from app.documents.legal_text import SIGN_RECEIPT, cn_date
from app.documents.seal import SealSpec, draw_seal
from app.documents.text import para_style, paragraph

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
MARGIN = 25 * MM
BOTTOM = 22 * MM  # a little less at the foot, where only the page number goes
FRAME_W = PAGE_W - 2 * MARGIN
BODY_PT = 14  # 四号
TITLE_PT = 22  # 二号
CELL_PT = 12  # 小四
SEAL_MM = 42

# A line of hand-writing blanks: (label, blank after it in mm).
Blanks = Sequence[tuple[str, float]]



@dataclass(frozen=True)
class Styles:
    size: float
    leading: float
    title: Any
    number: Any
    ref: Any
    salutation: Any
    body: Any  # 2-character first-line indent, justified
    plain: Any  # no indent
    cell: Any
    cell_centre: Any
    issuer: Any
    pad: tuple[float, float] = (2, 4)  # a ruled cell's padding above and below its text


def make_styles(chain: FontChain, size: float = BODY_PT, *, cell_pt: float = CELL_PT,
                spacing: float = 1.75) -> Styles:
    """Styles for a body size: 四号 (14 pt) for letters, 小四 (12 pt) for a notice that is mostly table.

    A one-sheet form that must hold a long list (the acceptance notice) asks for smaller cells (五号 10.5 pt)
    and closer lines; `spacing` is the body's leading as a multiple of its size.
    """

    def style(name: str, sz: float, leading: float, **kw: Any) -> Any:
        return para_style(f"ow-{name}-{sz}", sz, leading, chain=chain, **kw)

    leading = round(size * spacing)
    # Left-aligned cells end half an em short: the splitter hangs closing punctuation past the line end,
    # and in a table it would run over the rule into the next cell.
    cell = {"rightIndent": cell_pt / 2}
    cell_leading = round(cell_pt * 1.25)
    return Styles(
        size=size,
        leading=leading,
        title=style("title", TITLE_PT, 30 if spacing >= 1.5 else 26, alignment=1, spaceAfter=4),
        number=style("number", size, leading, alignment=2),
        ref=style("ref", size, leading, alignment=0),
        salutation=style("salutation", size, leading, alignment=0, spaceBefore=4, spaceAfter=2),
        body=style("body", size, leading, first_line_indent=2 * size, spaceAfter=2),
        plain=style("plain", size, leading, alignment=0, spaceAfter=2),
        cell=style("cell", cell_pt, cell_leading, alignment=0, **cell),
        cell_centre=style("cell-centre", cell_pt, cell_leading, alignment=1),
        issuer=style("issuer", size, leading, alignment=1),
        pad=(2, 4) if cell_pt >= CELL_PT else (1, 3) if cell_pt >= 10.5 else (1, 2),
    )


def cn_datetime(at: datetime) -> str:
    return f"{cn_date(at)}{at.hour}时{at.minute:02d}分"


def cn_day(d: date | datetime | None) -> str:
    return cn_date(d) if d is not None else ""


def you(doc: DocumentData) -> str:
    """How the notice addresses the applicant: an organisation is 贵单位, a person 你."""
    return "贵单位" if doc.case.applicant.kind == "org" else "你"


def base_fields(doc: DocumentData) -> dict[str, str]:
    """Every text field common to all kinds, labelled as the clerk knows them (MissingGlyph names the label)."""
    i, c, a = doc.issuer, doc.case, doc.case.applicant
    fields = {
        "文书编号": doc.number, "出具机关": i.department_name, "服务大厅": i.hall_name,
        "窗口名称": i.window_name, "窗口电话": i.window_phone, "大厅地址": i.hall_address,
        "投诉电话": i.complaint_phone, "查询方式": i.query_hint, "受理编号": c.case_no,
        "事项编码": c.item_code, "事项名称": c.item_name, "设定依据": c.item_basis,
        "办件类型": c.processing_label, "承办人": c.clerk_name, "承办人电话": c.clerk_phone,
        "收费": c.fee, "收费依据": c.fee_basis, "结果送达方式": c.delivery_method,
        "申请人名称": a.name, "申请人证件类型": a.id_label, "申请人证件号码": a.id_number,
        "申请人电话": a.phone, "申请人地址": a.address, "法定代表人": a.legal_rep,
        "代理人": a.agent_name, "代理人证件类型": a.agent_id_label, "代理人证件号码": a.agent_id_number,
        "代理人电话": a.agent_phone,
    }
    for m in c.materials:
        fields[f"材料{m.seq}名称"] = m.name
        fields[f"材料{m.seq}形式"] = m.form_label
        fields[f"材料{m.seq}问题及要求"] = m.defect
    for k, note in enumerate(doc.notes, 1):
        fields[f"备注{k}"] = note
    if doc.seal is not None:
        fields.update({"印章单位": doc.seal.org_name, "印章用途": doc.seal.purpose, "印章编码": doc.seal.code})
    return fields


def title_block(doc: DocumentData, st: Styles, chain: FontChain, *, ref_label: str = "受理编号",
                salutation: bool = True) -> list[Any]:
    """Title centred; under it the case number on the left and the document number on the right; "XXX：".

    The case number stands on its own line rather than inside a sentence: a justified line that has to
    leave a long number for the next line would be stretched apart.
    """
    from reportlab.platypus import Table

    head = Table([[paragraph(f"{ref_label}：{doc.case.case_no}" if ref_label else "", st.ref, chain),
                   paragraph(doc.number, st.number, chain)]],
                 colWidths=[FRAME_W * 0.45, FRAME_W * 0.55], style=_plain_cells(chain))
    out = [paragraph(KIND_TITLES[doc.kind], st.title, chain), head]
    if salutation:
        out.append(paragraph(f"{doc.case.applicant.name}：", st.salutation, chain))
    return out


def _plain_cells(chain: FontChain) -> list[tuple[Any, ...]]:
    return [("FONT", (0, 0), (-1, -1), chain.main, CELL_PT),  # Table's own default is unembedded Helvetica
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


def grid_style(chain: FontChain, pad: tuple[float, float] = (2, 4)) -> list[tuple[Any, ...]]:
    """Ruled cells. FONT matters although every cell is a Paragraph: Table sets its cell font anyway, and
    its default, Helvetica, would be named in the PDF without being embedded."""
    return [
        ("FONT", (0, 0), (-1, -1), chain.main, CELL_PT),
        ("GRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), pad[0]),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad[1]),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


def grid(rows: Sequence[Sequence[str]], widths: Sequence[float], chain: FontChain, st: Styles, *,
         centred: Sequence[int] = ()) -> Any:
    """A ruled table of wrapped paragraphs; the header row repeats when the table breaks over pages."""
    from reportlab.platypus import Table

    cells = [
        [paragraph(text, st.cell_centre if (j in centred or i == 0) else st.cell, chain)
         for j, text in enumerate(row)]
        for i, row in enumerate(rows)
    ]
    return Table(cells, colWidths=list(widths), repeatRows=1, style=grid_style(chain, st.pad))


def kv_table(rows: Sequence[tuple[str, ...]], chain: FontChain, st: Styles, label_mm: float = 30) -> Any:
    """Label/value pairs, two pairs to a row; a row with one pair spans the full width (long values)."""
    from reportlab.platypus import Table

    lw, vw = label_mm * MM, FRAME_W / 2 - label_mm * MM
    cells, spans = [], []
    for r, row in enumerate(rows):
        line: list[Any] = [paragraph(t, st.cell_centre if k % 2 == 0 else st.cell, chain)
                           for k, t in enumerate(row)]
        if len(row) == 2:
            line += ["", ""]
            spans.append(("SPAN", (1, r), (3, r)))
        cells.append(line)
    return Table(cells, colWidths=[lw, vw, lw, vw], style=[*grid_style(chain, st.pad), *spans])


def blanks_width(chain: FontChain, parts: Blanks, size: float) -> float:
    return sum(chain.string_width(t, size) + mm * MM for t, mm in parts)


def draw_blanks(c: Any, chain: FontChain, x: float, y: float, parts: Blanks, size: float) -> None:
    """Labels each followed by a ruled blank to write on, baseline at y."""
    c.saveState()
    c.setLineWidth(0.6)
    for text, blank_mm in parts:
        x += chain.draw_string(c, x, y, text, size) if text else 0
        if blank_mm:
            c.line(x + 2, y - 3, x + blank_mm * MM - 2, y - 3)
            x += blank_mm * MM
    c.restoreState()


def date_blanks(minutes: bool = False) -> list[tuple[str, float]]:
    """年 月 日 (时 分) with room to write by hand."""
    if minutes:
        return [("", 14.0), ("年", 7.0), ("月", 7.0), ("日", 7.0), ("时", 7.0), ("分", 0.0)]
    return [("", 16.0), ("年", 9.0), ("月", 9.0), ("日", 0.0)]


@cache
def _flowables() -> tuple[type, type]:
    """The Flowable subclasses, made on first use so importing this module does not import reportlab."""
    from reportlab.platypus import Flowable

    class IssuerBlock(Flowable):  # type: ignore[misc]
        """Issuer name over the date, bottom right, with the seal stamped over both after they are drawn.

        GB/T 9704: the date ends four characters from the right margin, the name is centred over it, and
        the seal sits centred on them with the text slightly below its centre. The block always reserves
        the seal's height, so a preview without a seal has the same layout as the sealed copy. Lines to
        sign on go left of the seal when they fit there, else under it.
        """

        def __init__(self, name: str, on: date, seal: SealImpression | None, st: Styles,
                     chain: FontChain, lines: Sequence[Blanks]) -> None:
            super().__init__()
            self.name, self.on, self.seal, self.st, self.chain = name, on, seal, st, chain
            self.lines = list(lines)

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            size, chain = self.st.size, self.chain
            self.date_text = cn_date(self.on)
            self.block_w = min(0.5 * avail_w, max(chain.string_width(self.name, size),
                                                  chain.string_width(self.date_text, size)))
            self.cx = avail_w - 4 * size - self.block_w / 2
            self.name_para = paragraph(self.name, self.st.issuer, chain)
            # + 0.5: rounding must not push a name that just fits onto two lines
            self.name_para.wrap(self.block_w + 0.5, 1000)
            self.name_lines = max(1, len(getattr(self.name_para.blPara, "lines", [])))
            seal_left = self.cx - SEAL_MM * MM / 2
            widest = max((blanks_width(chain, p, CELL_PT) for p in self.lines), default=0)
            self.beside = widest <= seal_left - 4 * MM
            self.band = (SEAL_MM + 2) * MM
            below = 0 if self.beside else len(self.lines) * (CELL_PT + 14)
            self.width, self.height = avail_w, self.band + below
            return self.width, self.height

        def draw(self) -> None:
            c, chain, size, leading = self.canv, self.chain, self.st.size, self.st.leading
            cx, cy = self.cx, self.height - self.band / 2
            # A name on several lines moves the text down so the seal stays centred on name and date.
            date_base = cy - 8 * MM - (self.name_lines - 1) * leading / 2
            chain.draw_string(c, cx, date_base, self.date_text, size, align="centre")
            self.name_para.drawOn(c, cx - (self.block_w + 0.5) / 2, date_base + size)  # last line a leading up
            step = CELL_PT + 14
            base = cy - 12 * MM if self.beside else self.height - self.band - CELL_PT - 4
            for k, parts in enumerate(reversed(self.lines) if self.beside else self.lines):
                draw_blanks(c, chain, 0, base + k * step if self.beside else base - k * step, parts, CELL_PT)
            if self.seal is not None:  # after the text, as ink goes on paper; multiply keeps it legible
                spec = SealSpec(self.seal.org_name, self.seal.purpose, self.seal.code, SEAL_MM)
                draw_seal(c, cx, cy, spec, chain)

    class Drawn(Flowable):  # type: ignore[misc]
        """A full-width line drawn by a function of (canvas, width)."""

        def __init__(self, draw: Callable[[Any, float], None], height: float) -> None:
            super().__init__()
            self._draw, self._height = draw, height

        def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
            self.width = avail_w
            return avail_w, self._height

        def draw(self) -> None:
            self._draw(self.canv, self.width)

    return IssuerBlock, Drawn


def delivery_lines(doc: DocumentData) -> list[Blanks]:
    """Who handled it, the applicant's signature and the time of delivery: a notice handed over at the counter
    proves its delivery by these lines (the refusal's appeal period runs from it)."""
    c = doc.case
    return [[(f"承办人：{c.clerk_name}　联系电话：{c.clerk_phone}", 0)], [(SIGN_RECEIPT, 40)],
            [("送达时间：", 0), *date_blanks(minutes=True)]]


def issuer_block(doc: DocumentData, st: Styles, chain: FontChain, lines: Sequence[Blanks] = ()) -> Any:
    """The issuer's name and date with the seal over them; `lines` are sign-here lines for the applicant."""
    return _flowables()[0](doc.issuer.department_name, doc.issued_on, doc.seal, st, chain, lines)


def blanks_line(chain: FontChain, parts: Blanks, size: float = CELL_PT, align: str = "left") -> Any:
    """A flowable line of blanks to write on (also usable inside a table cell)."""

    def draw(c: Any, width: float) -> None:
        x = width - blanks_width(chain, parts, size) if align == "right" else 0.0
        draw_blanks(c, chain, x, 5.0, parts, size)

    return _flowables()[1](draw, size + 8)


def spacer(mm: float) -> Any:
    from reportlab.platypus import Spacer

    return Spacer(1, mm * MM)


def keep(flowables: list[Any]) -> Any:
    """Keep the closing lines and the issuer block on one page: a seal never stands on a page alone."""
    from reportlab.platypus import KeepTogether

    return KeepTogether(flowables)


def build(doc: DocumentData, make_story: Callable[[], list[Any]], chain: FontChain, *,
          first_page: Callable[[Any], None] | None = None) -> bytes:
    """Lay out the story on A4; when it runs to more pages, lay it out again with "第 x 页 共 y 页".

    The footer sits outside the frame, so adding it never changes where pages break.
    """
    return _laid_out(doc, make_story, chain, first_page)[0]


def build_fitted(doc: DocumentData, stories: Sequence[Callable[[], list[Any]]], chain: FontChain, *,
                 first_page: Callable[[Any], None] | None = None) -> bytes:
    """The first of `stories` (each tighter than the one before) that fits one sheet; else the last one,
    over as many pages as it needs. A form the applicant signs at its foot is one sheet whenever it can be."""
    pdf = b""
    for make_story in stories:
        pdf, pages = _laid_out(doc, make_story, chain, first_page)
        if pages == 1:
            break
    return pdf


def _laid_out(doc: DocumentData, make_story: Callable[[], list[Any]], chain: FontChain,
              first_page: Callable[[Any], None] | None) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    total = 1
    while True:
        buf = BytesIO()
        tpl = BaseDocTemplate(
            buf, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=BOTTOM, title=f"{KIND_TITLES[doc.kind]} {doc.number}",
            author=doc.issuer.department_name, subject=f"受理编号 {doc.case.case_no}", creator="OneWindow",
            initialFontName=chain.main,  # reportlab's default Helvetica would be named and not embedded
            keywords=sample_mark.KEYWORD if doc.sample else "",
        )

        def on_page(c: Any, d: Any, pages: int = total) -> None:
            if doc.sample:  # first, so the page's text and seal are drawn over it
                sample_mark.draw_sample_mark(c, chain, PAGE_W, PAGE_H)
            if d.page == 1 and first_page is not None:
                first_page(c)
            if pages > 1:
                chain.draw_string(c, PAGE_W / 2, 11 * MM, f"第 {d.page} 页 共 {pages} 页", CELL_PT, align="centre")

        frame = Frame(MARGIN, BOTTOM, FRAME_W, PAGE_H - MARGIN - BOTTOM, 0, 0, 0, 0, id="body")
        tpl.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
        tpl.build(make_story())
        if tpl.page == total:
            return buf.getvalue(), total
        total = tpl.page
