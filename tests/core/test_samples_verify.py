"""Every sample document: fonts embedded, text extractable, barcode scannable, signature valid —
and a changed byte inside the signed range, or a void, makes both pdfsig and `verify` reject it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from app.core.auth import login
from app.core.context import AppContext
from app.records.doc_register import void_document
from app.station.bootstrap import DEMO_PASSWORD
from app.tools.samples import SAMPLE_CASE_NO, make_samples
from app.tools.verify import verify_pdf
from db.models import Document

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfsig", "pdffonts", "pdftotext", "zbarimg")),
                                reason="poppler-utils and zbar-tools are needed")
SEALED = ("acceptance_notice", "correction_notice", "refusal_notice", "special_procedure_notice",
          "extension_notice", "approval_decision", "denial_decision", "site_visit_notice")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("samples-data")
    shutil.copytree(demo_template, root, dirs_exist_ok=True)
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(root, demo=True)
    out = tmp_path_factory.mktemp("samples-out")
    make_samples(ctx, out, name="欧阳𠮷䶮", org="")
    ctx.dispose()
    return root, out


def _pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def test_every_kind_is_there(samples: tuple[Path, Path]) -> None:
    _root, out = samples
    assert {p.stem for p in out.glob("*.pdf")} == set(SEALED) | {"receipt", "delivery_proof"}


def test_fonts_embedded_and_text_extractable(samples: tuple[Path, Path]) -> None:
    _root, out = samples
    for pdf in out.glob("*.pdf"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all(r.split()[-5] == "yes" for r in rows), (pdf.name, fonts)
        text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                                 capture_output=True, text=True, check=True).stdout)
        assert "欧阳𠮷䶮" in text, pdf.name
        if pdf.stem != "delivery_proof":
            assert SAMPLE_CASE_NO in text, pdf.name


def test_receipt_barcode_scans_at_203_dpi(samples: tuple[Path, Path], tmp_path: Path) -> None:
    _root, out = samples
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", str(out / "receipt.pdf"), str(tmp_path / "r")],
                   check=True)
    page = next(tmp_path.glob("r*.png"))
    decoded = subprocess.run(["zbarimg", "--raw", "-q", "-Scode128.enable", str(page)], capture_output=True,
                             text=True).stdout.split()
    assert SAMPLE_CASE_NO in decoded


@pytest.mark.parametrize("kind", SEALED)
def test_signature_valid_then_tamper_detected(samples: tuple[Path, Path], tmp_path: Path, kind: str) -> None:
    root, out = samples
    pdf = out / f"{kind}.pdf"
    assert "Signature is Valid" in _pdfsig(pdf)
    from app.station.bootstrap import open_data_dir

    ctx = open_data_dir(root, demo=True)
    try:
        assert verify_pdf(ctx, pdf.read_bytes()).ok
        data = bytearray(pdf.read_bytes())
        # Change a byte inside the first signed range: the /Producer or /Title text in the info dictionary.
        start, length = _first_range(bytes(data))
        pos = bytes(data).index(b"/Author", start, start + length) + 9
        data[pos] = ord("X") if data[pos] != ord("X") else ord("Y")
        bad = tmp_path / f"{kind}-tampered.pdf"
        bad.write_bytes(bytes(data))
        assert "Signature is Valid" not in _pdfsig(bad)
        report = verify_pdf(ctx, bytes(data))
        assert not report.ok and any(line.ok is False for line in report.lines)
    finally:
        ctx.dispose()


def _first_range(pdf: bytes) -> tuple[int, int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert m is not None
    return int(m.group(1)), int(m.group(2))


def test_voided_document_fails_verify(samples: tuple[Path, Path]) -> None:
    root, out = samples
    from app.station.bootstrap import open_data_dir

    ctx: AppContext = open_data_dir(root, demo=True)
    try:
        pdf = (out / "approval_decision.pdf").read_bytes()
        assert verify_pdf(ctx, pdf).ok
        chief = login(ctx, "zhoujianhua", DEMO_PASSWORD)
        with ctx.read() as s:
            doc_id = s.execute(select(Document.id).where(Document.kind == "approval_decision")).scalar_one()
        void_document(ctx, chief, doc_id, "决定内容有误，重新出具")
        report = verify_pdf(ctx, pdf)
        assert not report.ok and any("作废" in line.zh for line in report.lines)
    finally:
        ctx.dispose()


def test_seal_sealed_away_later_does_not_undo_earlier_documents(samples: tuple[Path, Path]) -> None:
    root, out = samples
    from datetime import timedelta

    from app.station.bootstrap import open_data_dir
    from db.models import Seal

    ctx = open_data_dir(root, demo=True)
    try:
        pdf = (out / "refusal_notice.pdf").read_bytes()
        with ctx.write() as s:
            for seal in s.execute(select(Seal)).scalars():
                seal.status, seal.status_changed_at = "sealed_away", ctx.now() + timedelta(minutes=1)
        assert verify_pdf(ctx, pdf).ok
        with ctx.write() as s:
            for seal in s.execute(select(Seal)).scalars():
                seal.status_changed_at = ctx.now() - timedelta(days=30)  # sealed away before it was signed
        assert not verify_pdf(ctx, pdf).ok
    finally:
        ctx.dispose()
