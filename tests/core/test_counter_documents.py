"""Counter documents as handed over (issue #17, finding 11): the refusal notice carries the applicant's signature
and the delivery line; a person's certificate, which hangs on the premises' wall, shows a masked ID number."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from certificate_testkit import FOOD, approved_case_for_test, org
from ow_testkit import PERSON_ID, at_local, clerk, complete, item_named, set_clock

from app.certificates.issuance import draft_for_case, issue_certificate
from app.core.context import AppContext
from app.documents.data import Refusal
from app.intake.outcomes import refuse_case
from app.records.doc_register import read_document
from app.station.bootstrap import DEMO_PASSWORD


def _text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", "", out.stdout)


def test_the_refusal_notice_is_signed_for_and_says_when_it_was_delivered(ctx: AppContext, tmp_path: Path) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    result = refuse_case(ctx, clerk(ctx), complete(item_named(ctx, "食品经营许可")), Refusal(
        "申请事项依法不需要取得行政许可", "《中华人民共和国行政许可法》第三十二条第一款第（一）项", "",
        "云岫市人民政府", "云岫市人民法院"))
    text = _text(read_document(ctx, result.document_ids[-1])[1], tmp_path)
    assert "不予受理" in text and "申请人（代理人）签收" in text and "送达时间" in text and "承办人" in text


def _issued_text(ctx: AppContext, case_id: str, tmp_path: Path) -> str:
    values = {f.key: f.value for f in draft_for_case(ctx, clerk(ctx), case_id).fields}
    info = issue_certificate(ctx, clerk(ctx), case_id, values, DEMO_PASSWORD)
    return _text(read_document(ctx, info.document_ids[0])[1], tmp_path)


def test_a_persons_certificate_shows_a_masked_id(ctx: AppContext, tmp_path: Path) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    text = _issued_text(ctx, approved_case_for_test(ctx, FOOD), tmp_path)
    assert PERSON_ID not in text and "1101**********002X" in text


def test_a_companys_certificate_shows_its_credit_code(ctx: AppContext, tmp_path: Path) -> None:
    set_clock(ctx, at_local(2026, 11, 20, 10, 0))
    text = _issued_text(ctx, approved_case_for_test(ctx, FOOD, org()), tmp_path)
    assert "91350100M000100Y43" in text
