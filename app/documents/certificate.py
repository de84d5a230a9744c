"""证照正本 / 副本: a formal A4 certificate (portrait or landscape) drawn on a canvas, QR code and seal included.

The layout follows the printed licences it stands in for: a double ruled border in the type's colour,
the title large and spaced, the number under it, the licensed particulars in a bordered table, the QR
code with its human-readable details at the bottom left, and the issuing authority with the date at the
bottom right, the seal stamped over both. Nothing is ever cut off: content that does not fit is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from typing import Any

from app.core.errors import ValidationError
from app.documents import sample_mark
from app.documents.data import CERTIFICATE_KINDS, DocKind, DocumentData
from app.documents.fonts import FontChain, make_canvas
from app.documents.legal_text import cn_date
from app.documents.qr import draw_qr
from app.documents.seal import SealSpec, draw_seal
from app.documents.text import para_style, paragraph

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
SEAL_MM = 42
QR_MM = 32
SMALL_PT = 9.5
COPY_LABELS = {DocKind.CERTIFICATE_ORIGINAL: "正本", DocKind.CERTIFICATE_COPY: "副本"}


@dataclass(frozen=True)
class Box:
    """A rectangle in points: left, bottom, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Layout:
    """Where everything goes on one orientation of the page (points)."""

    size: tuple[float, float]
    title_y: float
    title_pt: float
    table: Box  # the table's top is fixed; it may use the height down to table.y
    number_at: tuple[float, float, str]  # x, baseline, align of the "编号" line
    side: Box | None  # the column beside the table (landscape) for number and side fields
    qr: tuple[float, float]  # lower left of the QR code
    details: Box  # human-readable QR details, right of the QR code
    issuer: tuple[float, float]  # centre x and baseline of the authority's name
    cell_pt: float = 15  # the largest table text; smaller when the rows need the room
    issuer_w: float = 60 * MM  # room for the authority's name (it must not run into the QR details)


def _layout(orientation: str) -> Layout:
    if orientation == "landscape":
        w, h = A4[1], A4[0]
        return Layout(size=(w, h), title_y=h - 36 * MM, title_pt=40,
                      table=Box(24 * MM, 60 * MM, 174 * MM, h - 60 * MM - 58 * MM),
                      number_at=(206 * MM, h - 64 * MM, "left"), side=Box(206 * MM, 66 * MM, 68 * MM, h - 144 * MM),
                      qr=(24 * MM, 26 * MM), details=Box(60 * MM, 26 * MM, 110 * MM, 32 * MM),
                      issuer=(236 * MM, 42 * MM), cell_pt=13, issuer_w=84 * MM)
    w, h = A4
    return Layout(size=(w, h), title_y=h - 46 * MM, title_pt=36,
                  table=Box(24 * MM, 84 * MM, w - 48 * MM, h - 84 * MM - 84 * MM),
                  number_at=(w / 2, h - 72 * MM, "centre"), side=None,
                  qr=(24 * MM, 26 * MM), details=Box(60 * MM, 26 * MM, 70 * MM, 54 * MM),
                  issuer=(156 * MM, 50 * MM))


def fields(doc: DocumentData) -> dict[str, str]:
    """Every printed text, labelled, for the glyph check (MissingGlyph names the label)."""
    c = doc.certificate
    assert c is not None  # validate() refuses a certificate document without its content
    out = {"证照名称": c.title, "证照编号": c.number, c.holder_label: c.holder, c.holder_id_label: c.holder_id,
           "发证机关": doc.issuer.department_name, "原证编号": c.replaces_number}
    out.update({label: value for label, value in (*c.rows, *c.side)})
    out.update({f"附注{k}": note for k, note in enumerate(c.notes, 1)})
    if doc.seal is not None:
        out.update({"印章单位": doc.seal.org_name, "印章用途": doc.seal.purpose, "印章编码": doc.seal.code})
    return out


def validity_text(doc: DocumentData) -> str:
    c = doc.certificate
    assert c is not None
    if c.valid_to is None:
        return "长期"
    if c.validity_label.endswith("至"):
        return cn_date(c.valid_to)
    return f"{cn_date(c.valid_from)}至{cn_date(c.valid_to)}"


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    c = doc.certificate
    assert c is not None and doc.kind in CERTIFICATE_KINDS
    lay = _layout(c.orientation)
    buf = BytesIO()
    cv = make_canvas(buf, lay.size, chain)
    cv.setTitle(f"{c.title}（{COPY_LABELS[doc.kind]}） {c.number}")
    cv.setAuthor(doc.issuer.department_name)
    cv.setSubject(f"受理编号 {doc.case.case_no}")
    cv.setCreator("OneWindow")
    _border(cv, lay, c.accent)
    _title(cv, chain, lay, c.title, COPY_LABELS[doc.kind])
    _number(cv, chain, lay, doc)
    _table(cv, chain, lay, doc)
    if lay.side is not None:
        _side(cv, chain, lay.side, c.side)
    _qr_and_details(cv, chain, lay, doc)
    _notes(cv, chain, lay, doc)
    _issuer(cv, chain, lay, doc)
    if c.preview:
        _watermark(cv, chain, lay)
    if doc.sample:
        cv.setKeywords(sample_mark.KEYWORD)
        sample_mark.draw_sample_mark(cv, chain, *lay.size)
    cv.showPage()
    cv.save()
    return buf.getvalue()


def _hex(colour: str) -> tuple[float, float, float]:
    h = colour.lstrip("#")
    return int(h[0:2], 16) / 255, int(h[2:4], 16) / 255, int(h[4:6], 16) / 255


def _border(cv: Any, lay: Layout, accent: str) -> None:
    """A heavy outer rule and a fine inner one, with corner brackets: the frame of a printed licence."""
    w, h = lay.size
    cv.saveState()
    cv.setStrokeColorRGB(*_hex(accent))
    cv.setLineWidth(3.2)
    cv.rect(9 * MM, 9 * MM, w - 18 * MM, h - 18 * MM)
    cv.setLineWidth(0.8)
    cv.rect(11.5 * MM, 11.5 * MM, w - 23 * MM, h - 23 * MM)
    cv.setLineWidth(1.6)
    arm = 7 * MM
    for x, y, dx, dy in ((14, 14, 1, 1), (w / MM - 14, 14, -1, 1), (14, h / MM - 14, 1, -1),
                         (w / MM - 14, h / MM - 14, -1, -1)):
        cv.line(x * MM, y * MM, x * MM + dx * arm, y * MM)
        cv.line(x * MM, y * MM, x * MM, y * MM + dy * arm)
    cv.restoreState()


def _spaced(cv: Any, chain: FontChain, cx: float, y: float, text: str, size: float, gap: float,
            bold: bool = False) -> None:
    """Characters drawn one by one with `gap` between them, centred on cx (titles are letter-spaced)."""
    widths = [chain.string_width(ch, size) for ch in text]
    x = cx - (sum(widths) + gap * (len(text) - 1)) / 2
    cv.saveState()
    if bold:
        # Fill and stroke: the shipped Song face is light, and a licence's title is heavy.
        cv.setLineWidth(size * 0.03)
        cv.setLineJoin(1)
    for ch, wd in zip(text, widths, strict=True):
        t = cv.beginText(x, y)
        if bold:
            t.setTextRenderMode(2)
        t.setFont(chain.font_for(ch) or chain.main, size)
        t.textOut(ch)
        cv.drawText(t)
        x += wd + gap
    cv.restoreState()


def _title(cv: Any, chain: FontChain, lay: Layout, title: str, copy: str) -> None:
    cx = lay.size[0] / 2
    gap = lay.title_pt * (0.45 if len(title) <= 7 else 0.25)
    _spaced(cv, chain, cx, lay.title_y, title, lay.title_pt, gap, bold=True)
    _spaced(cv, chain, cx, lay.title_y - 13 * MM, f"（{copy}）", 16, 4)


def _number(cv: Any, chain: FontChain, lay: Layout, doc: DocumentData) -> None:
    c = doc.certificate
    assert c is not None
    number = "（签发时编号）" if c.preview else c.number
    x, y, align = lay.number_at
    if lay.side is not None:  # landscape: label over the number in the right-hand column
        chain.draw_string(cv, x, y, "编号", 12)
        size = _fit(chain, number, 15, lay.side.w)
        chain.draw_string(cv, x, y - 8 * MM, number, size)
        return
    chain.draw_string(cv, x, y, f"编号：{number}", _fit(chain, f"编号：{number}", 15, lay.table.w), align=align)


def _fit(chain: FontChain, text: str, size: float, width: float) -> float:
    """The largest size up to `size` at which one line of text fits `width` (never below 10 pt)."""
    wd = chain.string_width(text, size)
    if wd <= width:
        return size
    fitted = size * width / wd
    if fitted < 10:
        raise ValidationError("certificate.number", f"“{text}”过长，无法在证照上完整打印")
    return fitted


def _rows(doc: DocumentData) -> list[tuple[str, str]]:
    c = doc.certificate
    assert c is not None
    rows = [(c.holder_label, c.holder), (c.holder_id_label, c.holder_id), *c.rows,
            (c.validity_label, validity_text(doc))]
    if c.replaces_number:
        rows.append(("补发说明", f"本证为补发，原证（编号 {c.replaces_number}）已作废"))
    return rows


def _make_table(chain: FontChain, lay: Layout, rows: list[tuple[str, str]], size: float) -> Any:
    from reportlab.platypus import Table

    label = para_style(f"cert-label-{size}", size, size * 1.35, alignment=1, chain=chain)
    value = para_style(f"cert-value-{size}", size, size * 1.35, alignment=0, chain=chain, rightIndent=size / 2)
    # A long label breaks before its bracketed part, never inside it: "统一社会信用代码 / （身份证号码）".
    def label_text(k: str) -> str:
        return k.replace("（", "\n（", 1) if chain.string_width(k, size) > 40 * MM else k

    widest = max(chain.string_width(line, size) for k, _ in rows for line in label_text(k).split("\n"))
    label_w = min(50 * MM, widest + 6 * MM)

    cells = [[paragraph(label_text(k), label, chain), paragraph(v, value, chain)] for k, v in rows]
    return Table(cells, colWidths=[label_w, lay.table.w - label_w], style=[
        ("FONT", (0, 0), (-1, -1), chain.main, size),  # Table's default Helvetica would not be embedded
        ("BOX", (0, 0), (-1, -1), 1.4, (0, 0, 0)),
        ("INNERGRID", (0, 0), (-1, -1), 0.6, (0, 0, 0)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), size * 0.35), ("BOTTOMPADDING", (0, 0), (-1, -1), size * 0.55),
        ("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ])


def _table(cv: Any, chain: FontChain, lay: Layout, doc: DocumentData) -> None:
    """The particulars in a ruled table, in the largest size (down to 11 pt) at which they fit the space."""
    rows = _rows(doc)
    side_line = lay.side is None and doc.certificate is not None and bool(doc.certificate.side)
    room = lay.table.h - (9 * MM if side_line else 0)
    for size in range(int(lay.cell_pt), 10, -1):
        table = _make_table(chain, lay, rows, size)
        _w, h = table.wrapOn(cv, lay.table.w, room)
        if h <= room:
            break
    else:
        raise ValidationError("certificate.rows", "证照内容超出版面，请精简经营项目、地址等较长的内容")
    table.drawOn(cv, lay.table.x, lay.table.top - h)
    if side_line and doc.certificate:  # portrait: the side fields on one line under the table
        line = "　　".join(f"{k}：{v}" for k, v in doc.certificate.side)
        y = lay.table.top - h - 7 * MM
        if y < lay.table.y or chain.string_width(line, 12) > lay.table.w:
            raise ValidationError("certificate.side", "证照内容超出版面，请精简较长的内容")
        chain.draw_string(cv, lay.table.x + lay.table.w, y, line, 12, align="right")


def _side(cv: Any, chain: FontChain, box: Box, side: tuple[tuple[str, str], ...]) -> None:
    """Landscape: the side fields (supervising office, complaint line, signer) in the right-hand column."""
    style = para_style("cert-side", 12, 17, alignment=0, chain=chain)
    y = box.top
    for label, val in side:
        p = paragraph(f"{label}：{val}", style, chain)
        _w, h = p.wrap(box.w, 1000)
        if y - h < box.y:
            raise ValidationError("certificate.side", f"“{label}”内容过长，超出版面")
        p.drawOn(cv, box.x, y - h)
        y -= h + 3 * MM


def _qr_and_details(cv: Any, chain: FontChain, lay: Layout, doc: DocumentData) -> None:
    c = doc.certificate
    assert c is not None
    x, y = lay.qr
    if c.preview:
        cv.saveState()
        cv.setDash(3, 3)
        cv.rect(x, y, QR_MM * MM, QR_MM * MM)
        cv.restoreState()
        chain.draw_string(cv, x + QR_MM * MM / 2, y + QR_MM * MM / 2, "签发后生成", 10, align="centre")
    else:
        draw_qr(cv, x, y, QR_MM, c.verify_url)
    lines = [("证照编号", "（签发时编号）" if c.preview else c.number), ("持证主体", c.holder),
             (c.validity_label, validity_text(doc))]
    lines.append(("", "手机扫描二维码可核验本证真伪与状态"))
    style = para_style("cert-details", SMALL_PT, SMALL_PT * 1.45, alignment=0, chain=chain)
    paras = [paragraph(f"{k}：{v}" if k else v, style, chain) for k, v in lines]
    heights = [p.wrap(lay.details.w, 1000)[1] for p in paras]
    if sum(heights) > lay.details.h:
        raise ValidationError("certificate.details", "二维码旁的核验信息过长，超出版面")
    # Level with the top of the QR code; a long holder name grows the block upwards.
    top = lay.details.y + max(sum(heights), QR_MM * MM)
    for p, h in zip(paras, heights, strict=True):
        p.drawOn(cv, lay.details.x, top - h)
        top -= h


def _notes(cv: Any, chain: FontChain, lay: Layout, doc: DocumentData) -> None:
    c = doc.certificate
    assert c is not None
    if not c.notes:
        return
    style = para_style("cert-notes", SMALL_PT, SMALL_PT * 1.4, alignment=0, chain=chain)
    width = lay.size[0] - 48 * MM
    p = paragraph(" ".join(c.notes), style, chain)
    _w, h = p.wrap(width, 1000)
    if h > 2 * SMALL_PT * 1.4 + 1:
        raise ValidationError("certificate.notes", "证照附注过长，超出版面")
    p.drawOn(cv, 24 * MM, 15 * MM)


def _issuer(cv: Any, chain: FontChain, lay: Layout, doc: DocumentData) -> None:
    """发证机关 and the date, the seal over them, centred as on a printed licence."""
    cx, y, room = *lay.issuer, lay.issuer_w
    name, size = doc.issuer.department_name, 15
    labelled = f"发证机关：{name}"
    text = labelled if chain.string_width(labelled, size) <= room else name
    chain.draw_string(cv, cx, y, text, _fit(chain, text, size, room), align="centre")
    chain.draw_string(cv, cx, y - 10 * MM, cn_date(doc.issued_on), size, align="centre")
    if doc.seal is not None:
        spec = SealSpec(doc.seal.org_name, doc.seal.purpose, doc.seal.code, SEAL_MM)
        draw_seal(cv, cx + 10 * MM, y - 1 * MM, spec, chain)


def _watermark(cv: Any, chain: FontChain, lay: Layout) -> None:
    """A preview is never mistaken for a certificate: grey diagonal words across the page."""
    w, h = lay.size
    cv.saveState()
    cv.setFillColorRGB(0.75, 0.75, 0.75)
    cv.setFillAlpha(0.5)
    cv.translate(w / 2, h / 2)
    cv.rotate(30)
    chain.draw_string(cv, 0, 0, "预览 · 不作为证照使用", 44, align="centre")
    cv.restoreState()
