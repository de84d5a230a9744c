"""Template samples (issue #17, finding 8) are not documents: 样张 on every page, their own number series, no
signature, nothing in any register, no number taken, dates on the official calendar, `verify` says 样张 — and a
real sealed document still verifies, and a changed byte, a void or a seal put away before signing still fail.

Dates are worked by hand for a clock of Saturday 2026-12-05 (no holiday in Nov/Dec 2026): the last working day is
Fri 12-04; the food licence's ten working days run from Fri 11-20 (23–27, 30–4 Dec), its five promised to 11-27.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock
from sqlalchemy import func, select

from app.core.auth import login
from app.core.context import AppContext
from app.core.errors import ValidationError
from app.documents.data import DocKind, Refusal, SealImpression
from app.documents.render import validate
from app.intake.outcomes import accept_case, refuse_case
from app.records.doc_register import next_number, read_document, void_document
from app.station.bootstrap import DEMO_PASSWORD, open_data_dir
from app.tools.samples import DENIAL, REFUSAL, make_samples, sample_documents
from app.tools.verify import verify_pdf
from db.models import AuditEntry, CaseEvent, Certificate, Document, DocumentCounter, OutboxOp, Seal, SealUse

pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdfsig", "pdffonts", "pdftotext", "zbarimg")),
                                reason="poppler-utils and zbar-tools are needed")
SATURDAY = at_local(2026, 12, 5, 10, 0)
KINDS = {str(k) for k in DocKind}  # the consultation's 一次性告知单 and the certificate's 正本 and 副本 included
NAME = "欧阳𠮷䶮"


class _Rollback(Exception):
    pass


def _next_real_number(ctx: AppContext) -> str:
    """What the next acceptance notice would be numbered: the real counter's own function, rolled back."""
    got: list[str] = []
    try:
        with ctx.write() as s:
            got.append(next_number(s, DocKind.ACCEPTANCE, "云市监", 2026, "0001"))
            raise _Rollback
    except _Rollback:
        pass
    return got[0]


def _registers(ctx: AppContext) -> dict[str, Any]:
    with ctx.read() as s:
        counts = {m.__name__: s.execute(select(func.count()).select_from(m)).scalar_one()
                  for m in (Document, SealUse, Certificate, AuditEntry, OutboxOp, CaseEvent)}
        counters = s.execute(select(DocumentCounter.kind, DocumentCounter.year, DocumentCounter.next_value)).all()
    return {**counts, "counters": sorted(counters), "next": _next_real_number(ctx)}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, demo_template: Path) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("samples-data")
    shutil.copytree(demo_template, root, dirs_exist_ok=True)
    ctx = open_data_dir(root, demo=True)
    set_clock(ctx, SATURDAY)
    out = tmp_path_factory.mktemp("samples-out")
    try:
        before = _registers(ctx)
        make_samples(ctx, out, name=NAME, org="")
        after = _registers(ctx)
        docs = sample_documents(ctx, name=NAME)
    finally:
        ctx.dispose()
    return {"root": root, "out": out, "before": before, "after": after, "docs": docs}


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return re.sub(r"\s+", "", out)


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]


def test_every_kind_is_there_certificate_included(run: dict[str, Any]) -> None:
    assert {p.stem for p in run["out"].glob("*.pdf")} == KINDS


def test_every_page_says_sample_and_carries_a_sample_number(run: dict[str, Any]) -> None:
    numbers = set()
    for pdf in run["out"].glob("*.pdf"):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        assert all(r.split()[-5] == "yes" for r in fonts.splitlines()[2:]), (pdf.name, fonts)
        for page in range(1, _pages(pdf) + 1):
            assert "样张·仅供模板审核" in _text(pdf, page), (pdf.name, page)
        text = _text(pdf)
        assert NAME in text, pdf.name
        found = re.findall(r"样张-(\d{4})", text)
        assert found, pdf.name
        numbers.update(found)
        assert "〔2026〕" not in text, pdf.name  # no number of the real series (云市监受〔2026〕0001-00001)
    assert numbers == {f"{n:04d}" for n in range(1, 16)}


def test_nothing_is_registered_and_no_real_number_is_taken(run: dict[str, Any]) -> None:
    assert run["after"] == run["before"]
    assert run["before"]["next"].endswith("〔2026〕0001-00001")


def test_samples_are_not_signed_and_verify_says_sample(run: dict[str, Any]) -> None:
    ctx = open_data_dir(run["root"], demo=True)
    try:
        for pdf in run["out"].glob("*.pdf"):
            sig = subprocess.run(["pdfsig", str(pdf)], capture_output=True, text=True).stdout
            assert "Signature is Valid" not in sig, pdf.name
            report = verify_pdf(ctx, pdf.read_bytes())
            assert report.sample and not report.ok and "样张" in report.lines[0].zh, pdf.name
    finally:
        ctx.dispose()


def test_the_sample_seal_is_not_the_windows(run: dict[str, Any]) -> None:
    ctx = open_data_dir(run["root"], demo=True)
    try:
        with ctx.read() as s:
            codes = set(s.execute(select(Seal.code)).scalars())
    finally:
        ctx.dispose()
    sealed = [d for d in run["docs"] if d.seal is not None]
    assert len(sealed) == 12 and all(d.seal.code not in codes and d.seal.purpose == "样张" for d in sealed)


def test_dates_follow_the_official_calendar(run: dict[str, Any]) -> None:
    notice = _text(run["out"] / "acceptance_notice.pdf")
    assert "于2026年11月20日提交" in notice and "2026年12月4日前" in notice and "2026年11月27日前" in notice
    receipt = _text(run["out"] / "receipt.pdf")
    received = date(2026, 11, 20)
    for y, m, d in re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", receipt):
        assert date(int(y), int(m), int(d)) >= received, receipt  # no deadline before the intake
    for doc in run["docs"]:
        assert received <= doc.issued_on <= date(2026, 12, 5), (doc.kind, doc.issued_on)
    special = _text(run["out"] / "special_procedure_notice.pdf")
    # noticed Tue 11-24, ten working days from Wed 11-25 (25–27, 30–4, 7–8) left out: 12-04 moves to 12-18
    assert "2026年11月25日" in special and "2026年12月18日" in special
    cert = _text(run["out"] / "certificate_original.pdf")
    assert "2031年11月26日" in cert  # five years from the decision on the promised day, 11-27


def test_the_denial_has_its_own_reason_and_the_proof_names_the_decision(run: dict[str, Any]) -> None:
    denial = _text(run["out"] / "denial_decision.pdf")
    assert "旱厕不足25米" in denial and REFUSAL.reasons not in denial and DENIAL.reasons != REFUSAL.reasons
    proof = _text(run["out"] / "delivery_proof.pdf")
    assert "样张-0007" in proof and "见决定书编号" not in proof
    assert "准予行政许可决定书" in _text(run["out"] / "approval_decision.pdf")


def test_receipt_barcode_scans_at_203_dpi(run: dict[str, Any], tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "203", "-gray", "-png", str(run["out"] / "receipt.pdf"), str(tmp_path / "r")],
                   check=True)
    decoded = subprocess.run(["zbarimg", "--raw", "-q", "-Scode128.enable", str(next(tmp_path.glob("r*.png")))],
                             capture_output=True, text=True).stdout.split()
    assert decoded == ["000020261120000000"]  # device 0000, serial 000000: no hall ever issues it


def test_a_sample_never_passes_for_a_document_nor_a_document_for_a_sample(run: dict[str, Any]) -> None:
    sample = next(d for d in run["docs"] if d.kind == DocKind.ACCEPTANCE)
    real_seal = SealImpression(sample.issuer.department_name, "行政审批服务专用章", "3309990018201")
    for bad, field in ((replace(sample, sample=False), "number"),
                       (replace(sample, number="云市监受〔2026〕0001-00001"), "number"),
                       (replace(sample, seal=real_seal), "seal.code"),
                       (replace(sample, sample=False, number="云市监受〔2026〕0001-00001"), "seal.code")):
        with pytest.raises(ValidationError) as err:
            validate(bad)
        assert err.value.field == field


# -- real documents still verify, and fail when changed, voided or sealed with a seal put away -------------------


def _pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout


def _first_range(pdf: bytes) -> tuple[int, int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert m is not None
    return int(m.group(1)), int(m.group(2))


def _issued(ctx: AppContext, kind: str) -> tuple[str, bytes]:
    set_clock(ctx, at_local(2026, 11, 20, 9, 30))
    item = item_named(ctx, "食品经营许可")
    if kind == "acceptance_notice":
        ids = accept_case(ctx, clerk(ctx), complete(item)).document_ids
    else:
        ids = refuse_case(ctx, clerk(ctx), complete(item), Refusal(
            "申请事项依法不需要取得行政许可", "《中华人民共和国行政许可法》第三十二条第一款第（一）项", "",
            "云岫市人民政府", "云岫市人民法院")).document_ids
    for doc_id in ids:
        info, pdf = read_document(ctx, doc_id)
        if info.kind == kind:
            return doc_id, pdf
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["acceptance_notice", "refusal_notice"])
def test_a_real_document_verifies_and_a_changed_byte_fails(ctx: AppContext, tmp_path: Path, kind: str) -> None:
    _doc_id, pdf = _issued(ctx, kind)
    good = tmp_path / "good.pdf"
    good.write_bytes(pdf)
    assert "Signature is Valid" in _pdfsig(good)
    report = verify_pdf(ctx, pdf)
    assert report.ok and not report.sample
    data = bytearray(pdf)
    start, length = _first_range(pdf)  # the /Author text in the info dictionary lies inside the first range
    pos = pdf.index(b"/Author", start, start + length) + 9
    data[pos] = ord("X") if data[pos] != ord("X") else ord("Y")
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    assert "Signature is Valid" not in _pdfsig(bad)
    report = verify_pdf(ctx, bytes(data))
    assert not report.ok and any(line.ok is False for line in report.lines)


def test_a_voided_document_fails_verify(ctx: AppContext) -> None:
    doc_id, pdf = _issued(ctx, "acceptance_notice")
    assert verify_pdf(ctx, pdf).ok
    void_document(ctx, login(ctx, "zhoujianhua", DEMO_PASSWORD), doc_id, "受理内容有误，重新出具")
    report = verify_pdf(ctx, pdf)
    assert not report.ok and any("作废" in line.zh for line in report.lines)


def test_seal_sealed_away_later_does_not_undo_earlier_documents(ctx: AppContext) -> None:
    from datetime import UTC, datetime, timedelta

    _doc_id, pdf = _issued(ctx, "refusal_notice")
    signed = datetime.now(UTC).replace(tzinfo=None)  # the signature's own time is the machine's, not the test clock
    with ctx.write() as s:
        for seal in s.execute(select(Seal)).scalars():
            seal.status, seal.status_changed_at = "sealed_away", signed + timedelta(minutes=5)
    assert verify_pdf(ctx, pdf).ok
    with ctx.write() as s:
        for seal in s.execute(select(Seal)).scalars():
            seal.status_changed_at = signed - timedelta(days=30)  # sealed away before it was signed
    assert not verify_pdf(ctx, pdf).ok


def test_the_power_of_attorney_only_with_an_agent_and_a_company_fits_one_sheet(run: dict[str, Any],
                                                                                tmp_path: Path) -> None:
    from app.documents.render import render

    assert "授权委托书" not in _text(run["out"] / "acceptance_notice.pdf")  # a person applying in person
    ctx = open_data_dir(run["root"], demo=True)
    set_clock(ctx, SATURDAY)
    try:
        docs = sample_documents(ctx, name=NAME, org="云岫市𠮷野家餐饮管理有限公司江滨大道第一分店")
    finally:
        ctx.dispose()
    notice = next(d for d in docs if d.kind == DocKind.ACCEPTANCE)
    assert any(m.name.startswith("授权委托书") for m in notice.case.materials)  # the company sends 李𠮷
    pdf = tmp_path / "org.pdf"
    pdf.write_bytes(render(notice))
    assert _pages(pdf) == 1 and "李𠮷" in _text(pdf) and "样张" in _text(pdf)
