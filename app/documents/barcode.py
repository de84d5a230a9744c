"""Code 128 drawn as vector bars whose module width is a whole number of printer dots."""

from __future__ import annotations

from typing import Any

from app.documents.fonts import FontChain, default_chain

QUIET_MODULES = 10  # ISO/IEC 15417 asks for at least 10 modules of white either side
MM = 72 / 25.4


def code128_modules(data: str) -> str:
    """The symbol as a string of '1' (bar) and '0' (space) modules, start to stop, no quiet zone.

    python-barcode picks the code sets (set C for runs of digits, so an 18-digit case number is
    nine symbol characters) and appends the checksum and the stop pattern.
    """
    from barcode import get_barcode_class

    return get_barcode_class("code128")(data, writer=None).build()[0]


def module_width_pt(module_dots: int, dpi: int) -> float:
    if module_dots < 1:
        raise ValueError("module_dots must be at least 1")
    return module_dots * 72 / dpi


def code128_width_mm(data: str, module_dots: int = 3, dpi: int = 203) -> float:
    """Total width including both quiet zones."""
    modules = len(code128_modules(data)) + 2 * QUIET_MODULES
    return modules * module_width_pt(module_dots, dpi) / MM


def draw_code128(
    canvas: Any,
    x: float,
    y: float,
    data: str,
    *,
    module_dots: int = 3,
    dpi: int = 203,
    height_mm: float = 10,
    human_readable: bool = True,
    font_chain: FontChain | None = None,
) -> float:
    """Draw the symbol with (x, y) at the lower left of its quiet zone; returns the width in points.

    Bars start on the printer's dot grid (the page is rasterised at dpi from its origin), so every
    bar is exactly a whole number of dots wide instead of being smeared across a dot boundary.
    With human_readable the text goes below the bars and y is the bottom of the text.
    """
    modules = code128_modules(data)
    dot = 72 / dpi
    module = module_dots * dot
    width = (len(modules) + 2 * QUIET_MODULES) * module
    text_size = max(6.0, min(9.0, height_mm * MM * 0.3))
    bars_y = y + (text_size * 1.4 if human_readable else 0)
    x0 = round((x + QUIET_MODULES * module) / dot) * dot

    path = canvas.beginPath()
    start = None
    for i, m in enumerate(modules + "0"):
        if m == "1" and start is None:
            start = i
        elif m == "0" and start is not None:
            # One rect per bar, not per module: adjacent modules would leave hairline seams.
            path.rect(x0 + start * module, bars_y, (i - start) * module, height_mm * MM)
            start = None
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    if human_readable:
        chain = font_chain or default_chain()
        chain.draw_string(canvas, x + width / 2, y + text_size * 0.25, data, text_size, align="centre")
    canvas.restoreState()
    return width
