"""恢复密钥单: the one page the hall administrator keeps for a workstation's recovery key.

Printed once at enrolment and never stored: the PDF is made in memory and goes straight to the printer
(no document register, no file in the data directory — a stored copy would sit beside the very backups it
opens). The key is set large, one group of four to a cell, so it can be typed back from paper; the page says what it opens, how to use it and who keeps it, with lines for the hand-over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from app.core.errors import ValidationError
from app.documents import official as o
from app.documents.fonts import HEI, FontChain, default_chain
from app.documents.legal_text import cn_date
from app.documents.text import para_style, paragraph

TITLE = "工作站数据恢复密钥"
KEY_PT = 20  # the base32 alphabet (A–Z, 2–7) has no 0/O or 1/I pairs to confuse, so the hall's own face will do
GROUPS_PER_LINE = 5
KEEP = ("请将本单交大厅管理员，存放在上锁的文件柜中，不要放在本工作站旁，也不要拍照或存入任何电脑。"
        "本单只打印这一次；密钥已从本机删除，遗失后无法补打。")
ALPHABET = "（共 13 组，每组 4 位；只有字母 A 至 Z 和数字 2 至 7，没有数字 0 和 1：看似 0 的是字母 O。）"
USE = ("本工作站损坏或更换后，信息管理员在新工作站上用本密钥打开本机的备份："
       "onewindow restore 备份文件 --recovery-key 密钥（逐组输入，大小写均可，连字符可省略）。")


@dataclass(frozen=True)
class RecoverySheet:
    key: str  # base32 in groups of four, as app.station.recovery formats it
    hall_name: str
    window: str  # e.g. "W01 市场监管综合窗口"
    device_code: str
    workstation: str  # the name given at enrolment
    key_id: str  # which data directory the key opens (the database key's id, no secret)
    made_on: date


def validate(sheet: RecoverySheet) -> None:
    if len(sheet.key.replace("-", "")) < 52:
        raise ValidationError("key", "恢复密钥不完整")


def key_rows(key: str) -> list[list[str]]:
    """The key's groups of four, five to a row (the last row padded with blanks)."""
    groups = key.split("-")
    rows = [groups[i:i + GROUPS_PER_LINE] for i in range(0, len(groups), GROUPS_PER_LINE)]
    rows[-1] += [""] * (GROUPS_PER_LINE - len(rows[-1]))
    return rows


def render(sheet: RecoverySheet, chain: FontChain | None = None) -> bytes:
    """One A4 page (a second would be a page the administrator may not keep with the first)."""
    validate(sheet)
    chain = chain or default_chain()
    chain.check_all({"hall_name": sheet.hall_name, "window": sheet.window, "workstation": sheet.workstation})
    pdf, pages = _build(sheet, chain)
    if pages != 1:
        raise ValidationError("workstation", "恢复密钥单超过一页，请缩短工作站名称")
    return pdf


def _story(sheet: RecoverySheet, chain: FontChain) -> list[Any]:
    from reportlab.platypus import Table

    title = para_style("ow-recovery-title", o.TITLE_PT, 32, chain=chain, alignment=1, spaceAfter=6)
    body = para_style("ow-recovery-body", o.CELL_PT, 20, chain=chain, first_line_indent=2 * o.CELL_PT,
                      spaceAfter=4)
    plain = para_style("ow-recovery-plain", o.CELL_PT, 20, chain=chain, alignment=0, spaceAfter=2)
    key_style = para_style("ow-recovery-key", KEY_PT, KEY_PT * 1.5, chain=chain, role=HEI, alignment=1)
    rows = [("大厅", sheet.hall_name), ("窗口", sheet.window or "—"), ("设备编码", sheet.device_code or "—"),
            ("工作站名称", sheet.workstation or "—"), ("数据目录密钥标识", sheet.key_id),
            ("生成日期", cn_date(sheet.made_on))]
    cells = [[paragraph(a, plain, chain), paragraph(b, plain, chain)] for a, b in rows]
    table = Table(cells, colWidths=[42 * o.MM, o.FRAME_W - 42 * o.MM],
                  style=[*o.grid_style(chain), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
    key_cells = [[paragraph(group, key_style, chain) for group in row] for row in key_rows(sheet.key)]
    key_box = Table(key_cells, colWidths=[o.FRAME_W / GROUPS_PER_LINE] * GROUPS_PER_LINE,
                    style=[("FONT", (0, 0), (-1, -1), chain.main, KEY_PT), ("BOX", (0, 0), (-1, -1), 1.5, "black"),
                           ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 7)])
    hand_over = [("交付人（登记本机者）签字：", 45.0), ("日期：", 30.0)]
    received = [("接收人（大厅管理员）签字：", 45.0), ("日期：", 30.0)]
    return [paragraph(sheet.hall_name, plain, chain), paragraph(TITLE, title, chain),
            paragraph("本单所列密钥可以打开下列工作站的加密数据（数据库、备份、文书和扫描件），其中含有办事群众的个人信息，"
                      "须按《中华人民共和国个人信息保护法》妥善保管。", body, chain),
            table, o.spacer(8), paragraph("恢复密钥：", plain, chain), key_box,
            paragraph(ALPHABET, plain, chain), o.spacer(6),
            paragraph(KEEP, body, chain), paragraph(USE, body, chain), o.spacer(10),
            o.blanks_line(chain, hand_over), o.spacer(6), o.blanks_line(chain, received)]


def _build(sheet: RecoverySheet, chain: FontChain) -> tuple[bytes, int]:
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    buf = BytesIO()
    tpl = BaseDocTemplate(buf, pagesize=(o.PAGE_W, o.PAGE_H), leftMargin=o.MARGIN, rightMargin=o.MARGIN,
                          topMargin=o.MARGIN, bottomMargin=o.BOTTOM, title=f"{TITLE} {sheet.device_code}",
                          author=sheet.hall_name, creator="OneWindow", initialFontName=chain.main)
    frame = Frame(o.MARGIN, o.BOTTOM, o.FRAME_W, o.PAGE_H - o.MARGIN - o.BOTTOM, 0, 0, 0, 0, id="body")
    tpl.addPageTemplates([PageTemplate("page", [frame])])
    tpl.build(_story(sheet, chain))
    return buf.getvalue(), tpl.page
