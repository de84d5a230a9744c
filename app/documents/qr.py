"""QR codes drawn as vector squares from the qrcode library's module matrix."""

from __future__ import annotations

from typing import Any

MM = 72 / 25.4
_EC_LEVELS = {"L": 1, "M": 0, "Q": 3, "H": 2}  # qrcode.constants.ERROR_CORRECT_* values


def qr_matrix(data: str, *, border: int = 4, ec: str = "M") -> list[list[bool]]:
    """Module matrix including the quiet zone (border modules of white on every side)."""
    import qrcode

    if ec not in _EC_LEVELS:
        raise ValueError(f"ec must be one of L, M, Q, H, not {ec!r}")
    # qrcode encodes str data in byte mode as UTF-8 (no ECI header); phone scanners and zbar read it so.
    qr = qrcode.QRCode(version=None, error_correction=_EC_LEVELS[ec], box_size=1, border=border)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


def draw_qr(
    canvas: Any, x: float, y: float, size_mm: float, data: str, *, border: int = 4, ec: str = "M"
) -> None:
    """Draw the symbol, quiet zone included, as a size_mm square with (x, y) at its lower left."""
    matrix = qr_matrix(data, border=border, ec=ec)
    n = len(matrix)
    module = size_mm * MM / n
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        top = y + (n - row) * module
        col = 0
        while col < n:
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < n and cells[col]:
                col += 1
            # One rect per horizontal run keeps the PDF small and leaves no seams inside a run.
            path.rect(x + start * module, top - module, (col - start) * module, module)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
