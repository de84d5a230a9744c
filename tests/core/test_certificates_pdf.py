"""Each demo certificate, 正本 and 副本, checked with the real tools: pdfsig, zbarimg at 300 dpi, pdftotext, pdffonts —
and `verify` passes it, then fails it after a byte inside the signed range changes or after it is voided."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from certificate_testkit import DRUG, FOOD, HYGIENE, approved_case_for_test, org
from ow_testkit import at_local, clerk, set_clock

from app.certificates.issuance import CertificateInfo, draft_for_case, issue_certificate, void_certificate
from app.core.auth import login
from app.records.doc_register import read_document
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.tools.verify import verify_pdf
from ui.system.verify_cli import run_verify

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfsig", "pdffonts", "pdftotext", "pdftoppm",
                                                                  "zbarimg")),
                                reason="poppler-utils and zbar-tools are needed")
TYPES = {"FOOD_BUSINESS": (FOOD, None), "PUBLIC_PLACE_HYGIENE": (HYGIENE, "云岫市江滨大酒店有限公司"),
         "DRUG_RETAIL": (DRUG, "云岫市𠮷祥大药房有限公司")}
CASES = [(t, copy) for t in TYPES for copy in ("original", "copy")]


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> tuple[Path, dict[str, CertificateInfo],
                                                                                    Path]:
    root = tmp_path_factory.mktemp("cert-data")
    shutil.copytree(demo_template, root, dirs_exist_ok=True)
    out = tmp_path_factory.mktemp("cert-out")
    ctx = open_data_dir(root, demo=True)
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    infos = {}
    try:
        for code, (which, org_name) in TYPES.items():
            case_id = approved_case_for_test(ctx, which, org(org_name) if org_name else None)
            actor = clerk(ctx, which[1])
            vals = {f.key: f.value for f in draft_for_case(ctx, actor, case_id).fields}
            vals["quality"] = vals.get("quality") or "李秀英"
            info = issue_certificate(ctx, actor, case_id, vals, DEMO_PASSWORD)
            infos[code] = info
            for copy, doc_id in zip(("original", "copy"), info.document_ids, strict=True):
                (out / f"{code}-{copy}.pdf").write_bytes(read_document(ctx, doc_id)[1])
    finally:
        ctx.dispose()
    return root, infos, out


def _run(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True).stdout


@pytest.mark.parametrize(("code", "copy"), CASES)
def test_signed_qr_text_fonts(issued: tuple[Path, dict[str, CertificateInfo], Path], tmp_path: Path, code: str,
                              copy: str) -> None:
    _root, infos, out = issued
    info, pdf = infos[code], out / f"{code}-{copy}.pdf"
    assert "Signature is Valid" in _run("pdfsig", str(pdf))
    fonts = _run("pdffonts", str(pdf)).splitlines()[2:]
    assert fonts and all(r.split()[-5] == "yes" for r in fonts)
    text = re.sub(r"\s+", "", _run("pdftotext", "-enc", "UTF-8", str(pdf), "-"))
    assert info.holder in text and info.number in text and info.type_name in text
    assert ("（正本）" if copy == "original" else "（副本）") in text
    subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(pdf), str(tmp_path / "p")], check=True)
    # -Sbinary: zbar otherwise guesses a legacy encoding for the bytes; the symbol holds UTF-8.
    raw = subprocess.run(["zbarimg", "--raw", "-q", "-Sbinary", str(tmp_path / "p.png")], capture_output=True).stdout
    url = raw.decode("utf-8").strip()
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://zwfw.yunxiu.example.gov.cn"
    assert unquote(parts.path) == f"/verify/{info.number}"
    query = parse_qs(parts.query)
    assert query["holder"] == [info.holder]
    assert query["valid"] == [f"{info.valid_from.isoformat()}~{info.valid_to.isoformat()}"]  # type: ignore[union-attr]


def _first_range(pdf: bytes) -> tuple[int, int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert m is not None
    return int(m.group(1)), int(m.group(2))


@pytest.mark.parametrize("code", list(TYPES))
def test_verify_passes_then_fails_when_tampered(issued: tuple[Path, dict[str, CertificateInfo], Path],
                                                tmp_path: Path, code: str) -> None:
    root, infos, out = issued
    pdf = out / f"{code}-original.pdf"
    ctx = open_data_dir(root, demo=True)
    try:
        report = verify_pdf(ctx, pdf.read_bytes())
        assert report.ok, report.lines
        assert any(line.ok and "证照在登记簿中有效" in line.zh for line in report.lines)
        data = bytearray(pdf.read_bytes())
        start, length = _first_range(bytes(data))
        pos = bytes(data).index(b"/Author", start, start + length) + 9
        data[pos] = ord("X") if data[pos] != ord("X") else ord("Y")
        bad = tmp_path / "tampered.pdf"
        bad.write_bytes(bytes(data))
        assert "Signature is Valid" not in _run("pdfsig", str(bad))
        assert not verify_pdf(ctx, bytes(data)).ok
    finally:
        ctx.dispose()
    assert run_verify(root, pdf, demo=True) == 0
    assert run_verify(root, bad, demo=True) == 1


def test_void_fails_verify_original_and_copy(issued: tuple[Path, dict[str, CertificateInfo], Path]) -> None:
    root, infos, out = issued
    info = infos["DRUG_RETAIL"]
    ctx = open_data_dir(root, demo=True)
    try:
        void_certificate(ctx, login(ctx, "zhoujianhua", DEMO_PASSWORD), info.id, "许可被依法撤销")
        for copy in ("original", "copy"):
            report = verify_pdf(ctx, (out / f"DRUG_RETAIL-{copy}.pdf").read_bytes())
            assert not report.ok
            assert any(line.ok is False and "证照已作废" in line.zh for line in report.lines)
    finally:
        ctx.dispose()
    assert run_verify(root, out / "DRUG_RETAIL-original.pdf", demo=True) == 1


def test_certificate_found_by_number_when_file_is_not_registered_here(
        issued: tuple[Path, dict[str, CertificateInfo], Path], demo_template: Path, tmp_path: Path) -> None:
    """Another workstation's copy: the document register does not know the file, the certificate register
    is looked up by the number the signed title carries."""
    root, infos, out = issued
    ctx = open_data_dir(root, demo=True)
    try:
        from db.models import Document

        info = infos["FOOD_BUSINESS"]
        with ctx.write() as s:
            for doc in s.query(Document).filter(Document.number == info.number):
                doc.sha256 = "0" * 64  # as if this workstation had never stored the file
        report = verify_pdf(ctx, (out / "FOOD_BUSINESS-copy.pdf").read_bytes())
        assert report.ok and any(f"证照：{info.number}" in line.zh for line in report.lines)
    finally:
        ctx.dispose()
