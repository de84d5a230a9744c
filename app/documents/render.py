"""render(doc) → PDF bytes for every document kind, after validate(doc) has checked what the law requires."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from app.core.errors import ValidationError
from app.documents.data import SEALED_KINDS, DocKind, DocumentData, Refusal
from app.documents.fonts import FontChain, default_chain
from app.documents.legal_text import NOTICE_PERIOD, SPECIAL_PROCEDURE_TYPES
from app.documents.sample_mark import SAMPLE_SEAL_CODE, is_sample_number

# kind → module with render(doc, chain) and fields(doc); imported on use, as each pulls in reportlab.
MODULES: dict[DocKind, str] = {
    DocKind.RECEIPT: "receipt_80mm",
    DocKind.ACCEPTANCE: "acceptance_notice",
    DocKind.CORRECTION: "correction_notice",
    DocKind.REFUSAL: "refusal_notice",
    DocKind.SPECIAL_PROCEDURE: "suspension_notice",
    DocKind.EXTENSION: "suspension_notice",
    DocKind.APPROVAL: "decision",
    DocKind.DENIAL: "decision",
    DocKind.DELIVERY_PROOF: "delivery_proof",
    DocKind.CERTIFICATE_ORIGINAL: "certificate",
    DocKind.CERTIFICATE_COPY: "certificate",
    DocKind.SITE_VISIT: "site_visit_notice",
    DocKind.COMMITMENT: "commitment",
    DocKind.REVOCATION: "commitment",
    DocKind.TERMINATION: "termination_notice",
}

DELIVERY_METHODS = ("直接送达", "留置送达", "邮寄送达", "委托送达", "电子送达", "公告送达")
RECEIPT_WIDTH_MM = 72  # the roll's printable width; the barcode must fit in it


def render(doc: DocumentData, chain: FontChain | None = None) -> bytes:
    """Validate, check every printed field against the fonts (MissingGlyph names the field), draw."""
    validate(doc)
    module = import_module(f"app.documents.{MODULES[doc.kind]}")
    return module.render(doc, chain or default_chain())


def _need(ok: object, field: str, message: str) -> None:
    if not ok:
        raise ValidationError(field, message)


def validate(doc: DocumentData) -> None:
    """Raise ValidationError(field, message) for the first mandatory element that is missing or wrong."""
    c = doc.case
    _need(doc.kind in MODULES, "kind", "未知的文书种类")
    _need(doc.number.strip(), "number", "文书编号不能为空")
    _need(doc.issuer.department_name.strip(), "issuer.department_name", "出具机关名称不能为空")
    _need(c.case_no.strip(), "case.case_no", "受理编号不能为空")
    _need(c.applicant.name.strip(), "case.applicant.name", "申请人名称不能为空")
    _need(c.item_name.strip(), "case.item_name", "事项名称不能为空")
    _need(doc.issued_on >= c.received_at.date(), "issued_on", "文书日期不能早于收件日期")
    # A sample never carries a real number or the real seal, and a document never a sample's (sample_mark).
    _need(doc.sample == is_sample_number(doc.number), "number",
          "样张须使用样张编号" if doc.sample else "样张编号只能用于样张")
    if doc.seal is not None:
        _need(doc.sample == (doc.seal.code == SAMPLE_SEAL_CODE), "seal.code",
              "样张不得加盖真实印章" if doc.sample else "文书不得加盖样张印章")
    if doc.seal is not None:
        # The seal is never stamped on a document that does not carry it, nor in another body's name.
        _need(doc.kind in SEALED_KINDS, "seal", "该文书不加盖印章")
        _need(doc.seal.org_name == doc.issuer.department_name, "seal.org_name", "印章单位与出具机关不一致")
    CHECKS[doc.kind](doc)


def _receipt(doc: DocumentData) -> None:
    from app.documents.barcode import code128_width_mm

    c = doc.case
    _need(c.case_no.isascii() and c.case_no.isprintable(), "case.case_no", "受理编号只能包含数字和字母")
    _need(code128_width_mm(c.case_no) <= RECEIPT_WIDTH_MM, "case.case_no", "受理编号过长，条码超出凭证宽度")
    _need(c.materials, "case.materials", "材料接收凭证须列明所收材料")
    _need(c.clerk_name.strip(), "case.clerk_name", "承办人不能为空")


def _acceptance(doc: DocumentData) -> None:
    c = doc.case
    _need(c.case_no.isascii() and c.case_no.isprintable(), "case.case_no", "受理编号只能包含数字和字母")
    _need(c.applicant.id_number.strip(), "case.applicant.id_number", "受理通知书须载明申请人证件号码")
    _need(c.applicant.phone.strip() or c.applicant.agent_phone.strip(), "case.applicant.phone",
          "受理通知书须载明申请人联系方式")
    _need(c.item_code.strip(), "case.item_code", "事项编码不能为空")
    _need(c.item_basis.strip(), "case.item_basis", "受理通知书须载明事项的法律依据")
    _need(c.accepted_at is not None, "case.accepted_at", "受理通知书须载明受理时间")
    _need(c.accepted_at is None or c.accepted_at >= c.received_at, "case.accepted_at", "受理时间不能早于收件时间")
    # 即办件 are decided on the spot: a promised limit of 0 days (and often no legal limit) is valid.
    _need(c.legal_days >= 0 and c.promised_days >= 0, "case.legal_days", "受理通知书须载明办理时限")
    _need(c.legal_days == 0 or c.promised_days <= c.legal_days, "case.promised_days", "承诺时限不能超过法定时限")
    _need(c.legal_deadline is not None, "case.legal_deadline", "受理通知书须载明法定期限届满日")
    _need(c.promised_deadline is not None, "case.promised_deadline", "受理通知书须载明承诺办结日期")
    _need(not (c.promised_deadline and c.legal_deadline) or c.promised_deadline <= c.legal_deadline,
          "case.promised_deadline", "承诺办结日期不能晚于法定期限届满日")
    _need(c.clerk_name.strip() and c.clerk_phone.strip(), "case.clerk_name", "受理通知书须载明承办人及电话")
    _need(doc.issuer.query_hint.strip(), "issuer.query_hint", "受理通知书须载明办理进度查询方式")
    _need(c.delivery_method.strip(), "case.delivery_method", "受理通知书须载明结果送达方式")
    _need(c.fee.strip(), "case.fee", "受理通知书须载明收费情况")
    _need(c.materials, "case.materials", "受理通知书须列明所收材料")
    for m in c.materials:
        # Materials that are missing or defective make a one-time notice, not an acceptance — unless the
        # five days passed without one: then the law accepts the application as it stands (art. 32).
        _need(m.status in ("received", "deferred", "committed") or c.deemed_accepted, f"case.materials[{m.seq}]",
              f"材料“{m.name}”未收齐或需补正，不能出具受理通知书")
        _need(m.status != "deferred" or m.deferred_due, f"case.materials[{m.seq}].deferred_due",
              f"容缺材料“{m.name}”须载明补交期限")


def _correction(doc: DocumentData) -> None:
    c = doc.case
    lines = [m for m in c.materials if m.status in ("missing", "defective", "deferred")]
    _need(lines, "case.materials", "一次性告知书须至少列明一项需要补充或补正的材料")
    for m in lines:
        _need(m.status != "defective" or m.defect.strip(), f"case.materials[{m.seq}].defect",
              f"材料“{m.name}”须写明存在的问题及补正要求")
        _need(m.status != "deferred" or m.deferred_due or m.defect.strip(),
              f"case.materials[{m.seq}].deferred_due", f"容缺材料“{m.name}”须载明补交期限或要求")
    _need(c.clerk_name.strip() and c.clerk_phone.strip(), "case.clerk_name", "一次性告知书须载明承办人及电话")


def _rights(r: Refusal | None, prefix: str, what: str) -> None:
    _need(r is not None, prefix, f"{what}须载明理由、依据和救济途径")
    assert r is not None
    _need(r.reasons.strip(), f"{prefix}.reasons", f"{what}须载明具体理由")
    _need(r.basis.strip(), f"{prefix}.basis", f"{what}须载明法律依据")
    _need(r.reconsideration_body.strip(), f"{prefix}.reconsideration_body", f"{what}须载明行政复议机关")
    _need(r.court.strip(), f"{prefix}.court", f"{what}须载明提起行政诉讼的人民法院")


def _refusal(doc: DocumentData) -> None:
    _rights(doc.refusal, "refusal", "不予受理通知书")


def _suspension(doc: DocumentData) -> None:
    s = doc.suspension
    special = doc.kind == DocKind.SPECIAL_PROCEDURE
    what = "特别程序告知书" if special else "延期告知书"
    _need(s is not None, "suspension", f"{what}须载明类型、理由和期限")
    assert s is not None
    if special:
        # Art. 45 is a closed list: a site visit, for one, counts against the limit.
        label = s.kind_label.strip()
        _need(label in SPECIAL_PROCEDURE_TYPES or label == NOTICE_PERIOD, "suspension.kind_label",
              "特别程序仅限听证、招标、拍卖、检验、检测、检疫、鉴定、专家评审（公示须有法定依据）")
        _need(label != NOTICE_PERIOD or s.basis.strip(), "suspension.basis", "公示期间不计入办理期限须有法律依据")
    _need(s.reason.strip(), "suspension.reason", f"{what}须载明理由")
    _need(s.expected_days > 0, "suspension.expected_days",
          "特别程序告知书须载明预计所需时间" if special else "延期告知书须载明延长的期限")
    _need(s.approver.strip(), "suspension.approver", f"{what}须载明批准人")
    _need(s.new_deadline is not None, "suspension.new_deadline", f"{what}须载明新的办理期限届满日")


def _decision(doc: DocumentData) -> None:
    d = doc.decision
    approval = doc.kind == DocKind.APPROVAL
    _need(d is not None, "decision", "决定书须载明决定内容")
    assert d is not None
    _need(d.approved == approval, "decision.approved", "决定内容与文书种类不符")
    if approval:
        _need(d.content.strip(), "decision.content", "准予行政许可决定书须载明许可内容")
        _need(not d.certificate_name or d.certificate_no.strip(), "decision.certificate_no", "须载明证件编号")
    else:
        _rights(d.refusal, "decision.refusal", "不予行政许可决定书")


def _delivery(doc: DocumentData) -> None:
    d = doc.delivery
    _need(d is not None, "delivery", "送达回证须载明送达事项")
    assert d is not None
    _need(d.document_name.strip(), "delivery.document_name", "送达回证须载明送达文书名称")
    _need(d.document_no.strip(), "delivery.document_no", "送达回证须载明送达文书编号")
    _need(d.recipient.strip(), "delivery.recipient", "送达回证须载明受送达人")
    _need(d.method_label in DELIVERY_METHODS, "delivery.method_label", "送达方式须为法定送达方式之一")
    _need(d.place.strip() or d.method_label in ("电子送达", "公告送达"), "delivery.place", "送达回证须载明送达地点")
    _need(d.server_name.strip(), "delivery.server_name", "送达回证须载明送达人")


def _certificate(doc: DocumentData) -> None:
    c = doc.certificate
    _need(c is not None, "certificate", "证照须载明证照内容")
    assert c is not None
    _need(c.title.strip(), "certificate.title", "证照须载明证照名称")
    _need(c.orientation in ("portrait", "landscape"), "certificate.orientation", "证照版式须为纵向或横向")
    _need(c.preview or c.number == doc.number, "certificate.number", "证照编号与文书编号不一致")
    _need(c.holder.strip(), "certificate.holder", "证照须载明持证主体")
    _need(c.holder_id.strip(), "certificate.holder_id", "证照须载明持证主体的证件号码")
    for label, value in (*c.rows, *c.side):
        _need(value.strip(), f"certificate.{label}", f"证照“{label}”一栏不能为空")
    _need(c.valid_to is None or c.valid_to >= c.valid_from, "certificate.valid_to", "有效期截止日不能早于起始日")
    _need(c.preview or c.verify_url.startswith(("https://", "http://")), "certificate.verify_url",
          "证照二维码须为大厅核验网址")
    # A preview is never sealed: the seal is never stamped on what is not yet the certificate.
    _need(not (c.preview and doc.seal is not None), "seal", "证照预览不加盖印章")


def _site_visit(doc: DocumentData) -> None:
    v = doc.site_visit
    _need(v is not None, "site_visit", "现场核查通知书须载明核查安排")
    assert v is not None
    _need(v.day >= doc.issued_on, "site_visit.day", "核查日期不能早于通知日期")
    _need(v.place.strip(), "site_visit.place", "现场核查通知书须载明核查地点")
    _need(len({n.strip() for n in v.inspectors if n.strip()}) >= 2, "site_visit.inspectors",
          "现场核查须由两名以上工作人员进行")
    _need(v.checks.strip(), "site_visit.checks", "现场核查通知书须载明核查内容")
def _commitment(doc: DocumentData) -> None:
    m = doc.commitment
    _need(m is not None, "commitment", "告知承诺书须载明告知的条件、标准和核查办法")
    assert m is not None
    for name in ("conditions", "standards", "check_method"):
        _need(getattr(m, name).strip(), f"commitment.{name}", "告知承诺书须载明条件、标准和核查方式")
    _need(m.replaces, "commitment.replaces", "告知承诺书须载明以承诺替代的材料")
    _need(m.check_days > 0, "commitment.check_days", "告知承诺书须载明核查期限")


def _revocation(doc: DocumentData) -> None:
    r = doc.revocation
    _need(r is not None, "revocation", "撤销决定书须载明被撤销的决定和撤销理由")
    assert r is not None
    _need(r.decision_no.strip(), "revocation.decision_no", "撤销决定书须载明被撤销的许可决定")
    _need(r.finding.strip(), "revocation.finding", "撤销决定书须载明核查发现的不实情况")
    _need(r.reconsideration_body.strip(), "revocation.reconsideration_body", "撤销决定书须载明行政复议机关")
    _need(r.court.strip(), "revocation.court", "撤销决定书须载明提起行政诉讼的人民法院")


def _termination(doc: DocumentData) -> None:
    t = doc.termination
    _need(t is not None, "termination", "终止办理告知书须载明一件事、终止的事项和未准予的前置事项")
    assert t is not None
    _need(t.bundle_no.strip() and t.theme_name.strip(), "termination.bundle_no", "终止办理告知书须载明一件事名称和编号")
    _need(t.department.strip(), "termination.department", "终止办理告知书须载明终止事项的承办部门")
    _need(t.prerequisite_name.strip() and t.prerequisite_case_no.strip(), "termination.prerequisite_name",
          "终止办理告知书须载明未准予的前置事项及其办件编号")
    _need(t.prerequisite_department.strip(), "termination.prerequisite_department", "终止办理告知书须载明前置事项的办理部门")
    _need(t.place.strip(), "termination.place", "终止办理告知书须载明取回申请材料的地点")
    _need(t.reconsideration_body.strip(), "termination.reconsideration_body", "终止办理告知书须载明行政复议机关")
    _need(t.court.strip(), "termination.court", "终止办理告知书须载明提起行政诉讼的人民法院")


CHECKS: dict[DocKind, Callable[[DocumentData], None]] = {
    DocKind.RECEIPT: _receipt,
    DocKind.ACCEPTANCE: _acceptance,
    DocKind.CORRECTION: _correction,
    DocKind.REFUSAL: _refusal,
    DocKind.SPECIAL_PROCEDURE: _suspension,
    DocKind.EXTENSION: _suspension,
    DocKind.APPROVAL: _decision,
    DocKind.DENIAL: _decision,
    DocKind.DELIVERY_PROOF: _delivery,
    DocKind.CERTIFICATE_ORIGINAL: _certificate,
    DocKind.CERTIFICATE_COPY: _certificate,
    DocKind.SITE_VISIT: _site_visit,
    DocKind.COMMITMENT: _commitment,
    DocKind.REVOCATION: _revocation,
    DocKind.TERMINATION: _termination,
}
