"""The window's official round seal (行政审批服务专用章) drawn as red vectors into the page."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from app.documents.fonts import FontChain, default_chain

MM = 72 / 25.4
SEAL_RED = (0xE6 / 255, 0x00 / 255, 0x12 / 255)

# Proportions of a 42 mm seal, scaled for other diameters. The characters' ink in a Song face sits
# roughly between 0.08 em below and 0.86 em above the baseline: used to place them radially.
_RING = 1.2 / 42  # ring line width
_GAP = 0.9 / 42  # clear space between the ring and the lettering
_STAR_R = 7.0 / 42  # star's outer radius (14 mm across)
_NAME_EM = 6.6 / 42
_PURPOSE_EM = 4.4 / 42
_CODE_EM = 2.7 / 42
_INK_TOP = 0.86
_INK_BOTTOM = 0.08
_EMBOLDEN = 0.035  # outline stroke, in em, that brings the light Song face to a stamp's weight


@dataclass(frozen=True)
class SealSpec:
    org_name: str
    purpose: str = "行政审批服务专用章"
    code: str = ""  # 13-digit seal code, printed along the bottom arc
    diameter_mm: float = 42


def draw_seal(canvas: Any, cx: float, cy: float, spec: SealSpec, font_chain: FontChain | None = None) -> None:
    """Draw the seal centred on (cx, cy), in multiply blending so the text under it stays readable."""
    chain = font_chain or default_chain()
    chain.check_all({"印章单位名称": spec.org_name, "印章用途": spec.purpose, "印章编码": spec.code})
    d = spec.diameter_mm * MM
    r = d / 2
    canvas.saveState()
    # Multiply, like ink: red over white paper is red, red over black text is black. Without it the
    # seal would paint over the signature and the text it is stamped on.
    canvas.setBlendMode("Multiply")
    canvas.setFillColorRGB(*SEAL_RED)
    canvas.setStrokeColorRGB(*SEAL_RED)
    canvas.translate(cx, cy)

    ring = _RING * d
    canvas.setLineWidth(ring)
    canvas.circle(0, 0, r - ring / 2, stroke=1, fill=0)
    _star(canvas, _STAR_R * d)

    inner = r - ring - _GAP * d  # outermost radius lettering may reach
    _top_arc(canvas, chain, spec.org_name, inner, _NAME_EM * d)
    code_inner = _bottom_arc(canvas, chain, spec.code, inner, _CODE_EM * d) if spec.code else inner
    _purpose(canvas, chain, spec.purpose, _STAR_R * d, code_inner - _GAP * d, _PURPOSE_EM * d)
    canvas.restoreState()


def _star(canvas: Any, outer: float) -> None:
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(54))  # a regular pentagram
    path = canvas.beginPath()
    for k in range(10):
        rad = outer if k % 2 == 0 else inner
        a = math.radians(90 + 36 * k)
        (path.moveTo if k == 0 else path.lineTo)(rad * math.cos(a), rad * math.sin(a))
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)


def _glyph(canvas: Any, chain: FontChain, ch: str, em: float, squeeze: float) -> None:
    """Draw ch centred horizontally on the current origin, baseline on y=0, condensed by squeeze.

    Filled and stroked (text render mode 2): the shipped Song face is a light weight, and a seal's
    lettering is as heavy as the ring; round joins keep the outline stroke from spiking at corners.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = chain.font_for(ch) or chain.main
    canvas.saveState()
    canvas.scale(squeeze, 1)
    # The stroke is not condensed with the glyph; thin it with the squeeze or narrow glyphs clog up.
    canvas.setLineWidth(em * _EMBOLDEN * min(1.0, squeeze / 0.75))
    canvas.setLineJoin(1)
    t = canvas.beginText(-stringWidth(ch, font, em) / 2, 0)
    t.setTextRenderMode(2)
    t.setFont(font, em)
    t.textOut(ch)
    canvas.drawText(t)
    canvas.restoreState()


def _top_arc(canvas: Any, chain: FontChain, text: str, outer: float, em: float) -> None:
    """Name clockwise over the top: glyph tops outward, each rotated to the tangent, evenly spaced."""
    n = len(text)
    if not n:
        return
    # Longer names take a wider arc (210° up to 240°); what still does not fit is condensed more.
    span = 210 + 30 * min(1.0, max(0.0, (n - 8) / 8))
    base = outer - _INK_TOP * em
    mid = base + em * (_INK_TOP - _INK_BOTTOM) / 2
    step = span / n  # each glyph gets an equal sector; centres sit mid-sector
    pitch = math.radians(step) * mid
    squeeze = min(0.85, 0.86 * pitch / em)
    if squeeze < 0.4:  # very long names: smaller glyphs rather than unreadably thin ones
        em *= squeeze / 0.4
        squeeze = 0.4
        base = outer - _INK_TOP * em
    for i, ch in enumerate(text):
        theta = -span / 2 + step * (i + 0.5)  # clockwise from 12 o'clock
        canvas.saveState()
        canvas.rotate(-theta)
        canvas.translate(0, base)
        _glyph(canvas, chain, ch, em, squeeze)
        canvas.restoreState()


def _bottom_arc(canvas: Any, chain: FontChain, text: str, outer: float, em: float) -> float:
    """Code along the bottom, left to right, tops toward the centre; returns the radius its ink reaches in."""
    base = outer - _INK_BOTTOM * em
    pitch = 0.55 * em  # digits are half an em wide; a little air between them
    step = math.degrees(pitch / (base - 0.4 * em))
    n = len(text)
    for i, ch in enumerate(text):
        phi = -step * (n - 1) / 2 + step * i  # counter-clockwise from 6 o'clock: left to right
        canvas.saveState()
        canvas.rotate(phi)
        canvas.translate(0, -base)
        _glyph(canvas, chain, ch, em, 0.85)
        canvas.restoreState()
    return base - _INK_TOP * em


def _purpose(canvas: Any, chain: FontChain, text: str, star_r: float, limit: float, em: float) -> None:
    """Purpose text level under the star, condensed to fit the chord the lower lettering leaves free."""
    n = len(text)
    if not n:
        return
    star_bottom = star_r * math.cos(math.radians(36))
    top = -star_bottom - 0.12 * star_r
    base = top - _INK_TOP * em
    low = base - _INK_BOTTOM * em
    chord = 2 * math.sqrt(max(0.0, limit**2 - low**2))
    squeeze = min(0.8, 0.94 * chord / (n * em))
    pitch = em * squeeze * 1.04
    x = -pitch * (n - 1) / 2
    for i, ch in enumerate(text):
        canvas.saveState()
        canvas.translate(x + pitch * i, base)
        _glyph(canvas, chain, ch, em, squeeze)
        canvas.restoreState()
