"""样张: what marks a template sample, on every page of every kind, so that no sample passes for a document.

A sample has its own number series (样张-0001 …), never the real counter's; a seal impression that is not the
window's (code 0000000000000); the word 样张 across each page and a line at its head; and 样张 in the PDF's
keywords, which `onewindow verify` reads.
"""

from __future__ import annotations

from typing import Any

from app.documents.fonts import FontChain

SAMPLE_PREFIX = "样张-"
SAMPLE_SEAL_CODE = "0000000000000"  # no seal has it: a seal code is issued by the public security bureau
SAMPLE_PURPOSE = "样张"
KEYWORD = "样张"
HEAD_LINE = "样张 · 仅供模板审核 · 不是出具的文书，不具法律效力"
MM = 72 / 25.4


def sample_number(n: int) -> str:
    return f"{SAMPLE_PREFIX}{n:04d}"


def is_sample_number(number: str) -> bool:
    return number.startswith(SAMPLE_PREFIX)


def draw_sample_mark(c: Any, chain: FontChain, width: float, height: float) -> None:
    """Grey 样张 diagonally across the page (once per page-width of height, so a long receipt has several)
    and the head line at the top edge. Translucent, so what it crosses stays legible."""
    c.saveState()
    c.setFillColorRGB(0.55, 0.55, 0.55)
    c.setFillAlpha(0.4)
    size = min(width, height) * 0.3
    marks = max(1, round(height / width))
    for k in range(marks):
        c.saveState()
        c.translate(width / 2, height * (2 * k + 1) / (2 * marks))
        c.rotate(35)
        chain.draw_string(c, 0, -size * 0.35, "样张", size, align="centre")
        c.restoreState()
    c.setFillColorRGB(0.6, 0.1, 0.1)
    c.setFillAlpha(1)
    head = min(9.0, 9.0 * (width - 10 * MM) / chain.string_width(HEAD_LINE, 9.0))
    chain.draw_string(c, width / 2, height - 3 * MM - head, HEAD_LINE, head, align="centre")
    c.restoreState()
