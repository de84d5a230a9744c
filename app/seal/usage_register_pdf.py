"""The seal usage register printed: an A4 landscape table, pure (rows in, PDF bytes out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from app.documents.fonts import FontChain, default_chain
from app.documents.text import para_style, paragraph
from app.seal.usage_rows import HEADERS, SealUseRow

MM = 72 / 25.4
PAGE_W, PAGE_H = 297 * MM, 210 * MM
MARGIN = 12 * MM
# Column widths in mm; they add up to the frame width (297 − 2 × 12 = 273).
WIDTHS_MM = (10, 22, 23, 30, 48, 30, 14, 14, 24, 12, 46)


@dataclass(frozen=True)
class RegisterPrint:
    """What the printed register shows above and in its table."""

    hall_name: str
    query: str
    printed_at: datetime  # hall local time
    printed_by: str
    rows: tuple[SealUseRow, ...]


def _cells(r: SealUseRow, k: int) -> tuple[str, ...]:
    # The hash is split in two halves so it wraps at its middle rather than wherever the column ends.
    return (str(k), f"{r.at:%Y-%m-%d}\n{r.at:%H:%M:%S}", r.seal_code, r.kind_title, r.document_number, r.case_no,
            r.requested_by, r.authorised_by, r.mode, str(r.impressions), f"{r.sha256[:32]}\n{r.sha256[32:]}")


def _story(data: RegisterPrint, chain: FontChain) -> list[Any]:
    from reportlab.platypus import Spacer, Table

    title = para_style("reg-title", 18, 26, alignment=1, chain=chain)
    sub = para_style("reg-sub", 10, 15, alignment=0, chain=chain)
    head = para_style("reg-head", 9, 12, alignment=1, chain=chain)
    cell = para_style("reg-cell", 8.5, 11, alignment=0, chain=chain, rightIndent=2)
    mono = para_style("reg-hash", 7, 9, alignment=0, chain=chain)
    rows: list[list[Any]] = [[paragraph(h, head, chain) for h in HEADERS]]
    for k, r in enumerate(data.rows, 1):
        texts = _cells(r, k)
        rows.append([paragraph(t, mono if j == len(texts) - 1 else cell, chain) for j, t in enumerate(texts)])
    if not data.rows:
        rows.append([paragraph("（无符合条件的用印记录）", cell, chain)] + [""] * (len(HEADERS) - 1))
    table = Table(rows, colWidths=[w * MM for w in WIDTHS_MM], repeatRows=1, style=[
        ("FONT", (0, 0), (-1, -1), chain.main, 8.5),  # Table's default Helvetica would be named, unembedded
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
        ("BACKGROUND", (0, 0), (-1, 0), (0.92, 0.92, 0.92)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *([("SPAN", (0, 1), (-1, 1))] if not data.rows else []),
    ])
    info = (f"{data.hall_name}　查询条件：{data.query}　共 {len(data.rows)} 条　"
            f"打印：{data.printed_by} {data.printed_at:%Y-%m-%d %H:%M}")
    return [paragraph("行政审批服务专用章使用登记簿", title, chain), paragraph(info, sub, chain), Spacer(1, 3 * MM),
            table]


def render_register(data: RegisterPrint, chain: FontChain | None = None) -> bytes:
    """Lay the register out; a second pass adds "第 x 页 共 y 页" once the page count is known."""
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    chain = chain or default_chain()
    total = 0
    while True:
        buf = BytesIO()
        tpl = BaseDocTemplate(buf, pagesize=(PAGE_W, PAGE_H), leftMargin=MARGIN, rightMargin=MARGIN,
                              topMargin=MARGIN, bottomMargin=MARGIN + 4 * MM, title="行政审批服务专用章使用登记簿",
                              author=data.hall_name, creator="OneWindow", initialFontName=chain.main)

        def on_page(c: Any, d: Any, pages: int = total) -> None:
            text = f"第 {d.page} 页 共 {pages} 页" if pages else f"第 {d.page} 页"
            chain.draw_string(c, PAGE_W / 2, 8 * MM, text, 9, align="centre")

        frame = Frame(MARGIN, MARGIN + 4 * MM, PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN - 4 * MM, 0, 0, 0, 0)
        tpl.addPageTemplates([PageTemplate("page", [frame], onPage=on_page)])
        tpl.build(_story(data, chain))
        if tpl.page == total:
            return buf.getvalue()
        total = tpl.page
