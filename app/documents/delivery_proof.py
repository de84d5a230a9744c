"""送达回证: a ruled A4 form signed by the recipient and the server; never sealed."""

from __future__ import annotations

from typing import Any

from app.documents import official as o
from app.documents.data import DocumentData
from app.documents.fonts import FontChain
from app.documents.text import para_style

MM = o.MM
SIGN_ROW_MM = 24


def fields(doc: DocumentData) -> dict[str, str]:
    d = doc.delivery
    assert d is not None  # validate() refuses a proof without one
    return {**o.base_fields(doc), "送达文书名称": d.document_name, "送达文书编号": d.document_no,
            "受送达人": d.recipient, "受送达人证件": d.recipient_id, "与受送达人关系": d.relation,
            "送达方式": d.method_label, "送达地点": d.place, "送达人": d.server_name, "邮件号码": d.tracking_no}


def render(doc: DocumentData, chain: FontChain) -> bytes:
    chain.check_all(fields(doc))
    st = o.make_styles(chain)
    return o.build(doc, lambda: _story(doc, st, chain), chain)


def _story(doc: DocumentData, st: o.Styles, chain: FontChain) -> list[Any]:
    from reportlab.platypus import Table

    d = doc.delivery
    assert d is not None
    # A bundle's proof lists every part's papers: the whole form is set tighter, and the signature rows give up
    # a little room, so the proof stays one sheet (a second sheet would be a second paper to sign).
    compact = d.document_name.count("\n") > 2
    leading = 16 if compact else 20
    label = para_style("dp-label", o.BODY_PT, leading, alignment=1, chain=chain)
    value = para_style("dp-value", o.BODY_PT, leading, alignment=0, chain=chain)

    def p(text: str, style: Any = value) -> Any:
        return o.paragraph(text, style, chain)

    when = o.blanks_line(chain, o.date_blanks(minutes=True), o.BODY_PT)
    method = d.method_label + (f"（邮件号码：{d.tracking_no}）" if d.tracking_no else "")
    proxy = "" if d.relation in ("", "本人") else d.relation
    listing = para_style("dp-list", o.BODY_PT - 1, 16, alignment=0, chain=chain) if compact else value
    rows: list[list[Any]] = [
        [p("送达文书名称", label), p(d.document_name, listing)],
        [p("送达文书编号", label), p(d.document_no)],
        [p("送达机关", label), p(doc.issuer.department_name)],
        [p("受送达人", label), p(d.recipient + (f"（{d.recipient_id}）" if d.recipient_id else ""))],
        # No time yet: blanks to fill in by hand at the moment of delivery, never a guessed time.
        [p("送达时间", label), p(o.cn_datetime(d.at)) if d.at is not None else when],
        [p("送达地点", label), p(d.place)],
        [p("送达方式", label), p(method)],
        [p("受送达人签名\n（盖章）", label), o.blanks_line(chain, o.date_blanks(minutes=True), align="right")],
        [p("代收人签名\n（注明关系）", label), p(f"与受送达人关系：{proxy}", value)],
        [p("送达人签名", label), p(f"送达人：{d.server_name}")],
        [p("备注", label), p("；".join(doc.notes))],
    ]
    sign = SIGN_ROW_MM - 6 if compact else SIGN_ROW_MM
    heights = [sign * MM if r in (7, 8, 9) else None for r in range(len(rows))]
    heights[-1] = (12 if compact else 16) * MM  # room for a refusal to sign, witnessed (留置送达)
    style = [*o.grid_style(chain), ("BOX", (0, 0), (-1, -1), 1.2, (0, 0, 0)),
             ("TOPPADDING", (0, 0), (-1, -1), 3 if compact else 6),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 4 if compact else 8),
             ("VALIGN", (1, 7), (1, 9), "BOTTOM")]  # signatures go above the printed line
    table = Table(rows, colWidths=[38 * MM, o.FRAME_W - 38 * MM], rowHeights=heights, style=style)
    story = [*o.title_block(doc, st, chain, ref_label="", salutation=False), o.spacer(3), table, o.spacer(3)]
    story.append(o.paragraph(
        "注：受送达人拒绝签收的，送达人应当在备注栏注明拒收事由和日期，由送达人、见证人签名或者盖章，"
        "将文书留在受送达人的住所，即视为送达。代收人签收的，应当注明与受送达人的关系。", st.plain, chain))
    return story

