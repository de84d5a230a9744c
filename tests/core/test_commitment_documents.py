"""告知承诺书 and 撤销行政许可决定书 drawn from the demo catalog's own terms: one A4 page, every mandatory part.

The expected text is the catalog file's (resources/demo/items.json) and the national rule's wording
(国办发〔2020〕42号; 行政许可法 art. 69(2), 79), checked in pdftotext's output, not in what the renderer holds.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from signoff_kit import pdf_text

from app.core.commitment_terms import parse
from app.core.errors import ValidationError
from app.documents.data import (
    CaseFacts,
    Commitment,
    DocKind,
    DocumentData,
    Issuer,
    Party,
    Revocation,
    SealImpression,
)
from app.documents.render import render

ITEMS = json.loads((Path(__file__).resolve().parents[2] / "resources/demo/items.json").read_text(encoding="utf-8"))
TOOLS = all(shutil.which(t) for t in ("pdftotext", "pdfinfo"))
ISSUER = Issuer("云岫市行政审批服务中心", "云岫市卫生健康局", "云卫", "B01 卫生健康窗口", "0589-87096201",
                "云岫市锦绣路1号", "0589-87096315", "凭受理编号查询")


def _doc(code: str, kind: DocKind, **kw: object) -> DocumentData:
    it = next(i for i in ITEMS["items"] if i["code"] == code)
    t = parse(it["commitment"], [m["name"] for m in it["materials"]], it["conditions"])
    assert t is not None
    party = Party("person", "王䶮", "居民身份证", "11010519491231002X", "13800001234", "云岫市桂花巷 12 号")
    case = CaseFacts("S0120261120001", code, it["name"], it["basis"], "承诺件", party, datetime(2026, 11, 20, 10),
                     "吴倩", "0589-87096201", accepted_at=datetime(2026, 11, 20, 10, 5))
    terms = Commitment(t.mode_label, t.conditions, t.standards, t.replaces, t.check_method, t.check_days,
                       date(2026, 12, 18))
    return DocumentData(kind, "云卫诺〔2026〕0001", date(2026, 11, 20), ISSUER, case, commitment=terms, **kw)


def _pages(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


@pytest.mark.skipif(not TOOLS, reason="poppler-utils not installed")
@pytest.mark.parametrize("code", [i["code"] for i in ITEMS["items"] if i.get("commitment")])
def test_the_commitment_letter_tells_everything_on_one_page(code: str, tmp_path: Path) -> None:
    it = next(i for i in ITEMS["items"] if i["code"] == code)
    path = tmp_path / "letter.pdf"
    path.write_bytes(render(_doc(code, DocKind.COMMITMENT)))
    assert _pages(path) == 1
    text = pdf_text(path)
    for part in (it["conditions"], it["commitment"]["standards"], it["commitment"]["check_method"],
                 *it["commitment"]["replaces"]):
        assert part.replace(" ", "").rstrip("。") in text
    assert f"{it['commitment']['check_days']}个工作日内（2026年12月18日前）" in text
    for must in ("撤销行政许可决定", "第六十九条第二款", "法律责任", "信用记录", "国办发〔2020〕42号",
                 "申请人（签字或盖章）", "窗口工作人员（签字）：吴倩", "王䶮郑重承诺"):
        assert must in text, must


@pytest.mark.skipif(not TOOLS, reason="poppler-utils not installed")
def test_the_revocation_names_the_decision_the_finding_the_certificate_and_the_rights(tmp_path: Path) -> None:
    r = Revocation("云卫许〔2026〕0007", date(2026, 11, 20), "经现场核查，该场所未建立公共场所卫生管理制度",
                   ("YX-2026-0001",), "云岫市人民政府", "云岫市人民法院")
    seal = SealImpression("云岫市卫生健康局", "行政审批专用章", "3309990018203")
    path = tmp_path / "revoke.pdf"
    path.write_bytes(render(_doc("330999-WJ-XK-001", DocKind.REVOCATION, seal=seal, revocation=r)))
    text = pdf_text(path)
    assert _pages(path) == 1
    for must in ("撤销行政许可决定书", "云卫许〔2026〕0007", "未建立公共场所卫生管理制度", "第六十九条第二款",
                 "YX-2026-0001号证照同时作废", "信用记录", "六十日内向云岫市人民政府申请行政复议", "云岫市人民法院"):
        assert must in text, must


def test_a_revocation_without_its_finding_is_refused_at_the_field() -> None:
    r = Revocation("云卫许〔2026〕0007", date(2026, 11, 20), "  ", (), "云岫市人民政府", "云岫市人民法院")
    with pytest.raises(ValidationError) as err:
        render(_doc("330999-WJ-XK-001", DocKind.REVOCATION, revocation=r))
    assert err.value.field == "revocation.finding"
