"""Times of the document drawing primitives: font loading, a text page, seal, Code 128, QR."""

from __future__ import annotations

import io
import resource
import time
from collections.abc import Callable

MM = 72 / 25.4
TEXT = "根据《中华人民共和国行政许可法》第三十二条的规定，申请人王䶮、李㛃、𠮷田先生提交的申请材料齐全，予以受理。"


def timed(label: str, fn: Callable[[], object], repeat: int = 1) -> None:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    ms = (time.perf_counter() - start) * 1000 / repeat
    print(f"{label:<40} {ms:8.1f} ms")


def main() -> None:
    t0 = time.perf_counter()
    from app.documents.barcode import draw_code128
    from app.documents.fonts import default_chain, make_canvas
    from app.documents.qr import draw_qr
    from app.documents.seal import SealSpec, draw_seal
    from app.documents.text import para_style, paragraph

    print(f"{'import (reportlab lazily)':<40} {(time.perf_counter() - t0) * 1000:8.1f} ms")
    chain = default_chain()
    timed("load fonts (first font_for)", lambda: chain.font_for("𠮷"))

    def page() -> bytes:
        buf = io.BytesIO()
        c = make_canvas(buf, (210 * MM, 297 * MM))
        style = para_style("body", 12, 20, first_line_indent=24)
        for i in range(20):
            p = paragraph(TEXT, style)
            _, h = p.wrap(170 * MM, 297 * MM)
            p.drawOn(c, 20 * MM, 280 * MM - i * 13 * MM)
        draw_seal(c, 150 * MM, 50 * MM, SealSpec("杭州市西湖区行政审批服务局", code="3301060012345"))
        draw_code128(c, 20 * MM, 20 * MM, "330100202611220101")
        draw_qr(c, 120 * MM, 15 * MM, 25, "https://zwfw.example.gov.cn/q?case=330100202611220101")
        c.save()
        return buf.getvalue()

    timed("A4 page: 20 paragraphs, seal, codes", page, repeat=5)
    print(f"{'page size':<40} {len(page()) / 1024:8.1f} KiB")
    print(f"{'peak RSS':<40} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MiB")


if __name__ == "__main__":
    main()
