"""Document pipeline benchmarks (run by hand; prints numbers, never fails).

    uv run python bench/bench_documents.py [N]

1. The 80 mm receipt: OneWindow's renderer (font-chain checks, CJK wrapping, vector Code128) beside
   the same receipt drawn with bare reportlab at its stock settings (the lines ours prints, read back
   with pdftotext, in one TTFont with drawString; reportlab's own Code128), median of N, and the
   ratio (goal ≤ 3×).
2. Seal + sign: OneWindow's PAdES signer on a rendered acceptance notice beside bare pyHanko signing
   the same PDF with the same key (goal ≤ 1.2×).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.core.paths import resources_dir  # noqa: E402
from app.documents.data import DocKind, DocumentData  # noqa: E402
from app.documents.render import render  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402


def median_ms(fn: Callable[[], object], n: int) -> float:
    fn()  # warm: fonts, imports, caches
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def sample_receipt() -> DocumentData:
    from datetime import date, datetime

    from app.documents.data import CaseFacts, Issuer, MaterialLine, Party

    issuer = Issuer("云岫市行政审批服务中心", "云岫市市场监督管理局", "云市监", "A01 市场监管综合窗口", "0589-87096101",
                    "云岫市凤栖路 1 号", "12345", "凭受理编号在大厅自助查询机查询")
    mats = tuple(MaterialLine(i, f"第{i}项申请材料（原件及复印件）", "原件及复印件", 1, "received", 1, True)
                 for i in range(1, 7))
    case = CaseFacts("000120261122000017", "330999-SJ-XK-001", "食品经营许可", "《中华人民共和国食品安全法》第三十五条",
                     "承诺件", Party("person", "王䶮", "居民身份证", "11010519491231002X", "13800005678"),
                     datetime(2026, 11, 20, 10, 5), "张敏", "0589-87096101", mats, datetime(2026, 11, 20, 10, 5),
                     10, 5, date(2026, 11, 27), date(2026, 12, 4))
    return DocumentData(DocKind.RECEIPT, "云市监收〔2026〕0001-00001", date(2026, 11, 20), issuer, case)


def printed_lines(pdf: bytes) -> list[str]:
    """The text lines a PDF prints, read back by poppler's pdftotext (not by our own layout code)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return [line.strip() for line in out.decode("utf-8").splitlines() if line.strip()]


@contextmanager
def stock_reportlab() -> Iterator[None]:
    """reportlab as it comes: OneWindow deflates at zlib level 1 (app/documents/fonts.py); the bare
    baseline runs with the library's own default filter (level 6)."""
    from reportlab.pdfbase import pdfdoc

    ours = pdfdoc.PDFZCompress
    pdfdoc.PDFZCompress = pdfdoc.PDFStreamFilterZCompress()
    try:
        yield
    finally:
        pdfdoc.PDFZCompress = ours


def bare_receipt(lines: list[str], case_no: str) -> bytes:
    """The same receipt with nothing but reportlab: the very lines ours prints (already broken), one
    TTFont, drawString, reportlab's own Code128 — no font fallback, no line breaking, no checks."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "BareSong" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("BareSong", str(resources_dir() / "fonts" / "uming.ttc"), subfontIndex=0))
    buf = BytesIO()
    height = 40 * mm + 12.5 * len(lines)
    c = canvas.Canvas(buf, pagesize=(80 * mm, height))
    c.setFont("BareSong", 9)
    y = height - 10 * mm
    Code128(case_no, barWidth=0.375 * mm, barHeight=12 * mm).drawOn(c, 4 * mm, y - 12 * mm)
    y -= 16 * mm
    for line in lines:
        c.drawString(4 * mm, y, line)
        y -= 12.5
    c.showPage()
    c.save()
    return buf.getvalue()


def bare_same_receipt(pdf: bytes, case_no: str) -> Callable[[], bytes]:
    """A bare-reportlab job printing the same text as the receipt `pdf`, at reportlab's stock settings."""
    lines = printed_lines(pdf)

    def job() -> bytes:
        with stock_reportlab():
            return bare_receipt(lines, case_no)
    return job


def main(n: int = 200) -> None:
    doc = sample_receipt()
    ours = median_ms(lambda: render(doc), n)
    bare = median_ms(bare_same_receipt(render(doc), doc.case.case_no), n)
    print(f"receipt PDF      OneWindow {ours:7.2f} ms   bare reportlab {bare:7.2f} ms   ratio {ours / bare:4.2f}× "
          f"(goal ≤ 3×, median of {n})")

    from dataclasses import replace

    from app.documents.credentials import passphrase_for
    from app.documents.data import SealImpression
    from app.documents.signing import Pkcs12Signer
    from app.seal.seals import credential_paths

    ctx = open_data_dir(Path(tempfile.mkdtemp()), demo=True)
    with ctx.read() as s:
        from sqlalchemy import select

        from db.models import Seal

        code = s.execute(select(Seal.code).order_by(Seal.id)).scalars().first()
    notice = replace(doc, kind=DocKind.ACCEPTANCE, number="云市监受〔2026〕0001-00001",
                     seal=SealImpression(doc.issuer.department_name, "行政审批服务专用章", code))
    pdf_unsigned = render(notice)  # the seal is drawn into the page by the renderer
    p12 = credential_paths(ctx.data).seal_p12(code)
    ours_signer = Pkcs12Signer(p12, passphrase_for(code, demo=True))

    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    bare_signer = signers.SimpleSigner.load_pkcs12(str(p12), passphrase=passphrase_for(code, demo=True).encode())

    def bare_sign() -> bytes:
        w = IncrementalPdfFileWriter(BytesIO(pdf_unsigned))
        meta = signers.PdfSignatureMetadata(field_name="Sig", md_algorithm="sha256",
                                            subfilter=fields.SigSeedSubFilter.PADES)
        return signers.sign_pdf(w, meta, signer=bare_signer, new_field_spec=fields.SigFieldSpec("Sig")).getvalue()

    m = max(20, n // 10)
    ours_sign = median_ms(lambda: ours_signer.sign(pdf_unsigned, reason="受理通知书", location="云岫市"), m)
    bare_s = median_ms(bare_sign, m)
    print(f"seal + sign      OneWindow {ours_sign:7.2f} ms   bare pyHanko   {bare_s:7.2f} ms   ratio "
          f"{ours_sign / bare_s:4.2f}× (goal ≤ 1.2×, median of {m})")
    ctx.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
