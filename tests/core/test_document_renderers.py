"""Document renderers checked with the real tools: pdftotext, pdffonts, pdfinfo, pdftoppm + zbarimg."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pytest

from app.core.errors import ValidationError
from app.documents.data import (
    CaseFacts,
    Decision,
    DeliveryFacts,
    DocKind,
    DocumentData,
    Issuer,
    MaterialLine,
    Party,
    Refusal,
    SealImpression,
    Suspension,
)
from app.documents.fonts import MissingGlyph
from app.documents.render import render, validate

CASE_NO = "000120261122100012"  # device 0001, 2026-11-22, epoch 1, counter 00012: 18 digits
LONG_ORG = "云岫市𠮷野家餐饮管理有限公司江滨大道第一分店暨云岫市老城区传统风味小吃连锁经营部（普通合伙）"
DEPT = "云岫市市场监督管理局"
RECONSIDERATION, COURT = "云岫市人民政府", "云岫市人民法院"

ISSUER = Issuer(
    hall_name="云岫市行政审批服务中心", department_name=DEPT, department_short="云市监",
    window_name="A01 市场监管综合窗口", window_phone="0589-87096101",
    hall_address="浙江省云岫市江滨大道188号市民服务中心A座", complaint_phone="12345",
    query_hint="凭受理编号在大厅自助机、浙江政务服务网或拨打 0589-87096000 查询",
)
PERSON = Party(kind="person", name="王䶮", id_label="居民身份证", id_number="11010519491231002X",
               phone="13900001234", address="浙江省云岫市江滨大道188号3幢2单元1201室",
               agent_name="陈㛃", agent_id_label="居民身份证", agent_id_number="932682198501010017",
               agent_phone="13800005678")
ORG = Party(kind="org", name=LONG_ORG, id_label="统一社会信用代码", id_number="91350100M000100Y43",
            phone="0589-87001234", address="浙江省云岫市江滨大道288号一层101—105室及二层201室",
            legal_rep="陈㛃")
MATERIALS = (
    MaterialLine(1, "食品经营许可申请书", "原件", 1, "received", 1, True),
    MaterialLine(2, "营业执照或者其他主体资格证明文件", "复印件", 1, "received", 1),
    MaterialLine(3, "法定代表人（负责人）身份证件", "原件及复印件", 1, "received", 1, True),
    MaterialLine(4, "与食品经营相适应的主要设备设施、经营布局、操作流程等文件", "原件", 1, "deferred",
                 deferred_due=date(2026, 12, 4)),
)
TO_CORRECT = (
    MaterialLine(1, "食品经营许可申请书", "原件", 1, "defective", 1,
                 defect="第3页经营项目未勾选，申请人签名处空白；请补全经营项目并由申请人本人签名"),
    MaterialLine(2, "营业执照或者其他主体资格证明文件", "复印件", 1, "received", 1),
    MaterialLine(3, "食品安全自查、从业人员健康管理、进货查验记录等保证食品安全的规章制度目录清单",
                 "原件", 1, "missing"),
    MaterialLine(4, "与食品经营相适应的主要设备设施、经营布局、操作流程等文件", "原件", 1, "deferred",
                 deferred_due=date(2026, 12, 4)),
)
CASE = CaseFacts(
    case_no=CASE_NO, item_code="330999-SJ-XK-001", item_name="食品经营许可（新办）",
    item_basis="《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
    processing_label="承诺件", applicant=PERSON, received_at=datetime(2026, 11, 22, 9, 5),
    clerk_name="周建华", clerk_phone="0589-87096101", materials=MATERIALS,
    accepted_at=datetime(2026, 11, 22, 9, 41), legal_days=10, promised_days=5,
    promised_deadline=date(2026, 11, 27), legal_deadline=date(2026, 12, 4), deadline_provisional=True,
    delivery_method="窗口领取或邮寄送达（免费）",
)
SEAL = SealImpression(DEPT, "行政审批服务专用章", "3309990018201")
REFUSAL = Refusal(
    reasons="申请人申请的“小餐饮店登记”事项依法由所在地乡镇人民政府（街道办事处）负责，不属于本机关职权范围",
    basis="《中华人民共和国行政许可法》第三十二条第一款第（二）项",
    competent_authority="云岫市江滨街道办事处", reconsideration_body=RECONSIDERATION, court=COURT,
)


NUMBERS = {DocKind.RECEIPT: "云市监收", DocKind.ACCEPTANCE: "云市监受", DocKind.CORRECTION: "云市监补",
           DocKind.REFUSAL: "云市监不受", DocKind.SPECIAL_PROCEDURE: "云市监特", DocKind.EXTENSION: "云市监延",
           DocKind.APPROVAL: "云市监准", DocKind.DENIAL: "云市监不准", DocKind.DELIVERY_PROOF: "云市监送"}


def doc(kind: DocKind, **kw: object) -> DocumentData:
    base = DocumentData(kind=kind, number=f"{NUMBERS[kind]}〔2026〕0001-00012", issued_on=date(2026, 11, 22),
                        issuer=ISSUER, case=CASE, seal=SEAL)
    return replace(base, **kw)


def samples() -> dict[str, DocumentData]:
    """One document of each kind, with rare characters, a long organisation name and an 18-digit number."""
    return {
        "receipt": doc(DocKind.RECEIPT, seal=None, case=replace(CASE, accepted_at=None)),
        "acceptance": doc(DocKind.ACCEPTANCE, notes=("容缺材料逾期未补交的，本机关将依法处理。",)),
        "acceptance_org": doc(DocKind.ACCEPTANCE, case=replace(CASE, applicant=ORG)),
        "correction": doc(DocKind.CORRECTION, notice_due_days=5,
                          case=replace(CASE, materials=TO_CORRECT, accepted_at=None)),
        "refusal": doc(DocKind.REFUSAL, refusal=REFUSAL, case=replace(CASE, applicant=ORG, accepted_at=None)),
        "special": doc(DocKind.SPECIAL_PROCEDURE, issued_on=date(2026, 11, 25), suspension=Suspension(
            "专家评审", "申请经营的生食类食品制售涉及特殊工艺，需组织食品安全专家对操作流程进行评审", 15,
            date(2026, 11, 26), "李国强（首席代表）", date(2026, 12, 25))),
        "extension": doc(DocKind.EXTENSION, issued_on=date(2026, 12, 2), suspension=Suspension(
            "延期", "申请涉及跨部门联合审查，需征求卫生健康部门意见", 10, None, "赵明（局长）", date(2026, 12, 18))),
        "approval": doc(DocKind.APPROVAL, issued_on=date(2026, 11, 26), case=replace(CASE, applicant=ORG),
                        decision=Decision(True, "经营项目：热食类食品制售、冷食类食品制售（含生食类），主体业态：餐饮服务经营者（中型餐馆）",
                                          "2026年11月26日至2031年11月25日", "食品经营许可证", "JY33309990012345")),
        "denial": doc(DocKind.DENIAL, issued_on=date(2026, 11, 26), decision=Decision(
            False, "经现场核查，经营场所与旱厕直线距离不足25米", refusal=Refusal(
                "经营场所不符合与污染源保持规定距离的要求，不具备《中华人民共和国食品安全法》第三十三条规定的条件",
                "《中华人民共和国食品安全法》第三十五条", reconsideration_body=RECONSIDERATION, court=COURT))),
        "delivery": doc(DocKind.DELIVERY_PROOF, seal=None, number="云市监送〔2026〕0001-00031", delivery=DeliveryFacts(
            "准予行政许可决定书", "云市监准〔2026〕0001-00012", "𠮷野家", "91350100M000100Y43", "代理人",
            "直接送达", datetime(2026, 11, 27, 10, 3), "云岫市行政审批服务中心A01窗口", "周建华")),
        "delivery_blank": doc(DocKind.DELIVERY_PROOF, seal=None, number="云市监送〔2026〕0001-00032",
                              delivery=DeliveryFacts("不予受理通知书", "云市监不〔2026〕0001-00013", "王䶮", "",
                                                     "本人", "邮寄送达", None, "浙江省云岫市江滨大道188号", "周建华",
                                                     tracking_no="1150123456789")),
    }


# -- tools ---------------------------------------------------------------------------------------


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (poppler-utils / zbar-tools)")
    return path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    """pdftotext breaks wrapped CJK lines and table cells with spaces and newlines: compare without them."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("docs")
    paths = {}
    for name, d in samples().items():
        paths[name] = out / f"{name}.pdf"
        paths[name].write_bytes(render(d))
    return paths


def text_of(pdf: Path) -> str:
    # -raw: content-stream order, so a table cell's lines stay together instead of interleaving by row
    return squash(run(tool("pdftotext"), "-raw", pdf, "-"))


COMMON = [CASE.item_name, "2026年11月22日"]
EXPECTED: dict[str, list[str]] = {
    "receipt": [CASE_NO, "王䶮", "材料接收凭证", "云岫市行政审批服务中心", "A01市场监管综合窗口", "食品经营许可申请书",
                "已收1/1份√原件已核验", "法定代表人（负责人）身份证件", "容缺后补", "2026年12月4日前补交",
                "2026年11月22日9时05分", "周建华", "申请人签字", "暂定", "即为受理", "2026年11月27日前",
                "0589-87096000", "5个工作日", "10个工作日"],
    "acceptance": [CASE_NO, "王䶮", "11010519491231002X", "13900001234", "330999-SJ-XK-001", "2026年11月22日9时41分",
                   "《中华人民共和国食品安全法》第三十五条", "10个工作日", "5个工作日", "2026年11月27日", "2026年12月4日",
                   "不计入办理期限", "周建华", "0589-87096101", "0589-87096000", "窗口领取或邮寄送达", "不收费",
                   "与食品经营相适应的主要设备设施、经营布局、操作流程等文件", "云岫市市场监督管理局", "签收", "陈㛃",
                   "第三十二条第一款第（五）项", "暂定"],
    "acceptance_org": [LONG_ORG, "91350100M000100Y43", "陈㛃"],
    "correction": ["王䶮", "一次性告知", "食品经营许可申请书", "申请人签名处空白", "请补全经营项目并由申请人本人签名",
                   "食品安全自查、从业人员健康管理、进货查验记录等保证食品安全的规章制度目录清单", "未提交",
                   "与食品经营相适应的主要设备设施、经营布局、操作流程等文件", "2026年12月4日前", "5个工作日内",
                   "周建华", "0589-87096101", "第三十二条", "送达时间", "签收", "共3项"],
    "refusal": [LONG_ORG, "不属于本机关职权范围", "第三十二条第一款第（二）项", "请向云岫市江滨街道办事处申请",
                "六十日", "六个月", "云岫市人民政府申请行政复议", "云岫市人民法院提起行政诉讼", "不予受理"],
    "special": ["王䶮", "专家评审", "15个工作日", "李国强", "2026年12月25日", "不计入", "第四十五条", "2026年11月25日"],
    "extension": ["王䶮", "跨部门联合审查", "10个工作日", "赵明", "2026年12月18日", "第四十二条", "2026年12月2日"],
    "approval": [LONG_ORG, "热食类食品制售", "2026年11月26日至2031年11月25日", "食品经营许可证",
                 "JY33309990012345", "准予行政许可", "第三十八条第一款"],
    "denial": ["王䶮", "不具备", "旱厕", "六十日", "六个月", "云岫市人民政府", "云岫市人民法院", "不予行政许可",
               "第三十八条第二款"],
    "delivery": ["准予行政许可决定书", "云市监准〔2026〕0001-00012", "云市监送〔2026〕0001-00031", DEPT, "𠮷野家",
                 "2026年11月27日10时03分", "A01窗口", "直接送达", "代理人", "周建华", "受送达人签名", "送达人签名"],
    "delivery_blank": ["不予受理通知书", "王䶮", "邮寄送达", "1150123456789", "年月日时分"],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_mandatory_element_is_printed(pdfs: dict[str, Path], name: str) -> None:
    text = text_of(pdfs[name])
    common = [] if name.startswith("delivery") else COMMON  # a proof of delivery names the document, not the case
    missing = [want for want in [*common, *EXPECTED[name]] if squash(want) not in text]
    assert not missing, f"{name}: {missing}\n{text}"


def test_number_and_title_on_every_a4_document(pdfs: dict[str, Path]) -> None:
    from app.documents.data import KIND_TITLES

    for name, d in samples().items():
        text = text_of(pdfs[name])
        assert squash(KIND_TITLES[d.kind]) in text, name
        assert squash(d.number) in text, name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_font_is_embedded(pdfs: dict[str, Path], name: str) -> None:
    lines = run(tool("pdffonts"), pdfs[name]).splitlines()[2:]
    assert lines, "no fonts at all"
    for line in lines:
        # columns: name type encoding emb sub uni object ID; a name with spaces never occurs here
        emb, _sub, uni = line.split()[-5:-2]
        assert (emb, uni) == ("yes", "yes"), line


def test_metadata_title_and_author(pdfs: dict[str, Path]) -> None:
    info = run(tool("pdfinfo"), pdfs["acceptance"])
    assert re.search(r"Title:\s+受理通知书 云市监受〔2026〕0001-00012", info), info
    assert re.search(rf"Author:\s+{DEPT}", info), info


def test_receipt_is_80mm_wide_and_one_page(pdfs: dict[str, Path]) -> None:
    info = run(tool("pdfinfo"), pdfs["receipt"])
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())  # type: ignore[union-attr]
    assert width == pytest.approx(80 * 72 / 25.4, abs=0.1)
    assert 100 * 72 / 25.4 < height < 400 * 72 / 25.4
    assert "Pages:           1" in info


def decode(pdf: Path, dpi: int) -> list[str]:
    stem = pdf.with_name(f"{pdf.stem}-{dpi}")
    run(tool("pdftoppm"), "-r", str(dpi), "-gray", "-singlefile", "-f", "1", pdf, stem)
    zbar = tool("zbarimg")
    out = subprocess.run([zbar, "--raw", "-q", str(stem.with_suffix(".pgm"))], capture_output=True, text=True)
    return out.stdout.split()


def test_receipt_barcode_decodes_at_printer_resolution(pdfs: dict[str, Path]) -> None:
    assert CASE_NO in decode(pdfs["receipt"], 203)


def test_acceptance_barcode_decodes_at_300_dpi(pdfs: dict[str, Path]) -> None:
    assert CASE_NO in decode(pdfs["acceptance"], 300)


def test_validate_refuses_refusal_without_reasons_or_rights() -> None:
    for field, broken in [("refusal", None), ("refusal.reasons", replace(REFUSAL, reasons=" ")),
                          ("refusal.basis", replace(REFUSAL, basis="")),
                          ("refusal.reconsideration_body", replace(REFUSAL, reconsideration_body="")),
                          ("refusal.court", replace(REFUSAL, court=""))]:
        with pytest.raises(ValidationError) as info:
            render(doc(DocKind.REFUSAL, refusal=broken))
        assert info.value.field == field
        assert info.value.message


def test_validate_refuses_denial_without_rights() -> None:
    d = samples()["denial"]
    assert d.decision is not None and d.decision.refusal is not None
    broken = replace(d.decision, refusal=replace(d.decision.refusal, court=""))
    with pytest.raises(ValidationError) as info:
        validate(replace(d, decision=broken))
    assert info.value.field == "decision.refusal.court"


def test_validate_refuses_correction_with_nothing_to_correct() -> None:
    with pytest.raises(ValidationError) as info:
        validate(doc(DocKind.CORRECTION, case=replace(CASE, materials=MATERIALS[:3])))
    assert info.value.field == "case.materials"
    assert "一次性告知书" in info.value.message


def test_validate_refuses_defective_material_without_defect_text() -> None:
    lines = (replace(TO_CORRECT[0], defect=""), *TO_CORRECT[1:])
    with pytest.raises(ValidationError) as info:
        validate(doc(DocKind.CORRECTION, case=replace(CASE, materials=lines)))
    assert info.value.field == "case.materials[1].defect"


def test_validate_other_rules() -> None:
    with pytest.raises(ValidationError, match="不能出具受理通知书"):
        validate(doc(DocKind.ACCEPTANCE, case=replace(CASE, materials=TO_CORRECT)))
    with pytest.raises(ValidationError, match="不加盖印章"):
        validate(doc(DocKind.RECEIPT))
    site_visit = replace(samples()["special"].suspension, kind_label="现场踏勘")  # type: ignore[type-var]
    with pytest.raises(ValidationError) as info:
        validate(doc(DocKind.SPECIAL_PROCEDURE, suspension=site_visit))
    assert info.value.field == "suspension.kind_label"
    with pytest.raises(ValidationError) as info:
        validate(doc(DocKind.ACCEPTANCE, case=replace(CASE, accepted_at=None)))
    assert info.value.field == "case.accepted_at"
    for d in samples().values():
        validate(d)


def test_missing_glyph_names_the_field() -> None:
    bad = replace(CASE, applicant=replace(PERSON, address="江滨大道\U0010fffd号"))
    for kind in (DocKind.ACCEPTANCE, DocKind.RECEIPT):
        with pytest.raises(MissingGlyph) as info:
            render(doc(kind, case=bad, seal=SEAL if kind != DocKind.RECEIPT else None))
        assert info.value.field == "申请人地址"
        assert info.value.char == "\U0010fffd"
    refusal = replace(REFUSAL, reasons="理由\U0010fffd")
    with pytest.raises(MissingGlyph) as info:
        render(doc(DocKind.REFUSAL, refusal=refusal))
    assert info.value.field == "不予受理理由"


def test_unsealed_preview_draws_no_seal() -> None:
    sealed, unsealed = render(samples()["acceptance"]), render(replace(samples()["acceptance"], seal=None))
    assert b"/Multiply" in sealed  # the seal is the only thing drawn with multiply blending
    assert b"/Multiply" not in unsealed


# -- the sealed 受理通知书 is one sheet (issue #17, finding 11) ------------------------------------------------
# Ten papers with names as long as a food licence's catalog has them (DOMAIN.md's materials list).
NAMES = ("食品经营许可申请书", "营业执照或者其他主体资格证明文件", "法定代表人（负责人）身份证件",
         "与食品经营相适应的主要设备设施、经营布局、操作流程等文件",
         "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录清单",
         "授权委托书及委托代理人身份证件", "经营场所使用证明（房屋产权证明或租赁合同）", "食品安全管理人员培训考核合格证明",
         "专间、专用操作区设置及冷藏冷冻设施说明", "经营场所平面布局图及周边环境示意图（标明污染源距离）")
FORMS = ("原件", "复印件", "原件及复印件", "原件", "原件", "原件及复印件", "复印件", "复印件", "原件", "原件")
TEN = tuple(MaterialLine(k + 1, name, FORMS[k], 1, "deferred" if k == 8 else "received", 0 if k == 8 else 1,
                         k % 2 == 0, deferred_due=date(2026, 12, 4) if k == 8 else None)
            for k, name in enumerate(NAMES))
LONG_NAME = "欧阳𠮷䶮娜木罕·阿依古丽"
NOTE = ("容缺材料逾期未补交的，本机关将依法处理。",)


def _pages_and_text(pdf: bytes, tmp_path: Path) -> tuple[int, str]:
    tool("pdfinfo")
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    first = subprocess.run(["pdftotext", "-enc", "UTF-8", "-f", "1", "-l", "1", str(path), "-"],
                           capture_output=True, text=True, check=True).stdout
    return pages, re.sub(r"\s+", "", first)


@pytest.mark.parametrize("case", [
    pytest.param(replace(CASE, materials=TEN[:6]), id="six-materials-with-agent"),
    pytest.param(replace(CASE, applicant=replace(PERSON, name=LONG_NAME), materials=TEN), id="ten-long-rare-name"),
    pytest.param(replace(CASE, applicant=ORG, materials=TEN[:8]), id="long-company-name-eight-materials"),
])
def test_the_acceptance_notice_is_one_sheet(case: object, tmp_path: Path) -> None:
    pages, text = _pages_and_text(render(doc(DocKind.ACCEPTANCE, case=case, notes=NOTE)), tmp_path)
    assert pages == 1
    applicant = case.applicant.name  # type: ignore[attr-defined]
    for must in ("受理通知书", CASE.case_no, applicant, "申请人（代理人）签收", "签收日期", NOTE[0], "办理期限按工作日计算",
                 "云岫市市场监督管理局", "2026年11月22日", *(m.name for m in case.materials)):  # type: ignore[attr-defined]
        assert re.sub(r"\s+", "", must) in text, must


def test_an_ordinary_case_keeps_the_larger_type(tmp_path: Path) -> None:
    """Tighter type only for a list that needs it: four papers print at 小四 with 五号 tables (the first fit).
    pdftotext -bbox gives each word's box, whose height is the font size."""
    pdf = render(doc(DocKind.ACCEPTANCE))
    words = subprocess.run([tool("pdftotext"), "-bbox", "-", "-"], input=pdf, capture_output=True, check=True
                           ).stdout.decode()
    size = {w: float(y1) - float(y0) for y0, y1, w in
            re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]+)</word>', words)}
    assert size[f"受理编号：{CASE_NO}"] == pytest.approx(12, abs=0.1)  # the body, 小四
    assert size["申请人"] == pytest.approx(10.5, abs=0.1)  # the table, 五号
    assert _pages_and_text(pdf, tmp_path)[0] == 1
