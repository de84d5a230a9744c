"""What a document renderer is given: plain frozen data, already worded, no database rows.

Renderers are pure: DocumentData in, PDF bytes out. Everything a document prints comes
from here, so the legal content of each kind can be checked against DOMAIN.md's table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class DocKind(StrEnum):
    RECEIPT = "receipt"  # 材料接收凭证 / 受理回执 (80 mm roll, no seal)
    ACCEPTANCE = "acceptance_notice"  # 受理通知书 (A4, sealed)
    CORRECTION = "correction_notice"  # 一次性告知书 / 补正材料通知书 (A4, sealed)
    REFUSAL = "refusal_notice"  # 不予受理通知书 (A4, sealed)
    SPECIAL_PROCEDURE = "special_procedure_notice"  # 特别程序告知书 (A4, sealed)
    EXTENSION = "extension_notice"  # 延期告知书 (A4, sealed)
    APPROVAL = "approval_decision"  # 准予行政许可决定书 (A4, sealed)
    DENIAL = "denial_decision"  # 不予行政许可决定书 (A4, sealed)
    DELIVERY_PROOF = "delivery_proof"  # 送达回证 (A4, not sealed: signed by both sides)
    CERTIFICATE_ORIGINAL = "certificate_original"  # 证照正本 (A4 portrait or landscape, sealed)
    CERTIFICATE_COPY = "certificate_copy"  # 证照副本 (same force as the original, sealed)
    CONSULTATION = "consultation_notice"  # 一次性告知单 for a consultation (A4, one page, not sealed)
    SITE_VISIT = "site_visit_notice"  # 现场核查通知书 (A4, one page, sealed)
    COMMITMENT = "commitment_letter"  # 告知承诺书 (A4, one page, not sealed: signed by the applicant and the window)
    REVOCATION = "revocation_decision"  # 撤销行政许可决定书 after a false commitment (A4, sealed)
    TERMINATION = "termination_notice"  # 终止办理告知书: a 一件事 part stopped by a refused 前置 (A4, one page, sealed)


KIND_TITLES: dict[DocKind, str] = {
    DocKind.RECEIPT: "材料接收凭证",
    DocKind.ACCEPTANCE: "受理通知书",
    DocKind.CORRECTION: "一次性告知书",
    DocKind.REFUSAL: "不予受理通知书",
    DocKind.SPECIAL_PROCEDURE: "特别程序告知书",
    DocKind.EXTENSION: "延期告知书",
    DocKind.APPROVAL: "准予行政许可决定书",
    DocKind.DENIAL: "不予行政许可决定书",
    DocKind.DELIVERY_PROOF: "送达回证",
    DocKind.CERTIFICATE_ORIGINAL: "证照正本",
    DocKind.CERTIFICATE_COPY: "证照副本",
    DocKind.CONSULTATION: "一次性告知单",
    DocKind.SITE_VISIT: "现场核查通知书",
    DocKind.COMMITMENT: "告知承诺书",
    DocKind.REVOCATION: "撤销行政许可决定书",
    DocKind.TERMINATION: "终止办理告知书",
}

# Which kinds carry the window's special seal (DESIGN §5; the receipt and proof of delivery do not).
SEALED_KINDS = frozenset({DocKind.ACCEPTANCE, DocKind.CORRECTION, DocKind.REFUSAL, DocKind.SPECIAL_PROCEDURE,
                          DocKind.EXTENSION, DocKind.APPROVAL, DocKind.DENIAL, DocKind.CERTIFICATE_ORIGINAL,
                          DocKind.CERTIFICATE_COPY, DocKind.SITE_VISIT, DocKind.REVOCATION, DocKind.TERMINATION})
CERTIFICATE_KINDS = frozenset({DocKind.CERTIFICATE_ORIGINAL, DocKind.CERTIFICATE_COPY})


@dataclass(frozen=True)
class Issuer:
    """Who issues: the hall, the department and its window."""

    hall_name: str
    department_name: str  # also the seal's organisation
    department_short: str  # 机关简称, for document numbers
    window_name: str  # e.g. "A01 市场监管综合窗口"
    window_phone: str
    hall_address: str
    complaint_phone: str
    query_hint: str  # how to query progress, e.g. "凭受理编号在大厅自助机、政务服务网或拨打 0589-… 查询"


@dataclass(frozen=True)
class Party:
    """The applicant (person or organisation) and an optional agent."""

    kind: str  # person | org
    name: str
    id_label: str  # 居民身份证 / 统一社会信用代码 / …
    id_number: str
    phone: str = ""
    address: str = ""
    legal_rep: str = ""
    agent_name: str = ""
    agent_id_label: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""


@dataclass(frozen=True)
class MaterialLine:
    """One line of the materials list as checked at the counter."""

    seq: int
    name: str
    form_label: str  # 原件 / 复印件 / 原件及复印件
    copies_required: int
    status: str  # received | missing | defective | deferred | committed (告知承诺 stands in for it)
    copies_received: int = 0
    original_checked: bool = False
    defect: str = ""  # what is wrong and what is required (correction notice)
    deferred_due: date | None = None  # 容缺: due date of the applicant's written commitment


@dataclass(frozen=True)
class CaseFacts:
    """The case as documents print it."""

    case_no: str
    item_code: str
    item_name: str
    item_basis: str
    processing_label: str  # 即办件 / 承诺件 / 上报件
    applicant: Party
    received_at: datetime  # hall local time
    clerk_name: str
    clerk_phone: str
    materials: tuple[MaterialLine, ...] = ()
    accepted_at: datetime | None = None
    legal_days: int = 0
    promised_days: int = 0
    promised_deadline: date | None = None
    legal_deadline: date | None = None
    deadline_provisional: bool = False
    fee: str = "不收费"
    fee_basis: str = ""
    delivery_method: str = "窗口领取"
    deemed_accepted: bool = False  # art. 32: accepted by law from the day of receipt, no notice in five days


@dataclass(frozen=True)
class SealImpression:
    """The seal drawn into the page: organisation name, purpose, 13-digit code."""

    org_name: str
    purpose: str
    code: str


@dataclass(frozen=True)
class Refusal:
    """不予受理 / 不予许可: reasons, basis, competent authority, and the rights the applicant has."""

    reasons: str
    basis: str
    competent_authority: str = ""  # when it is another body's matter (art. 32 (1)(2))
    reconsideration_body: str = ""  # 行政复议机关, e.g. "云岫市人民政府"
    court: str = ""  # 人民法院 for 行政诉讼


@dataclass(frozen=True)
class Suspension:
    """特别程序 (art. 45) or 延期 (art. 42)."""

    kind_label: str  # 专家评审 / 检验 / … or 延期
    reason: str
    expected_days: int = 0
    start: date | None = None
    approver: str = ""
    new_deadline: date | None = None
    basis: str = ""


@dataclass(frozen=True)
class SiteVisitFacts:
    """现场踏勘/核查: when, where, by whom, what is checked — told to the applicant before the visit."""

    day: date
    place: str
    inspectors: tuple[str, ...]  # at least two
    checks: str  # what is checked, one point a line


@dataclass(frozen=True)
class Decision:
    """准予 / 不予行政许可 content."""

    approved: bool
    content: str  # licence scope / conditions, or the finding
    validity: str = ""  # e.g. "2026年11月22日至2031年11月21日"
    certificate_name: str = ""
    certificate_no: str = ""
    refusal: Refusal | None = None


@dataclass(frozen=True)
class DeliveryFacts:
    """送达: what was delivered to whom, how, when (to the minute) and where."""

    document_name: str
    document_no: str
    recipient: str
    recipient_id: str
    relation: str  # 本人 / 代理人 / 同住成年家属 …
    method_label: str  # 直接送达 / 留置送达 / 邮寄送达 / 委托送达 / 电子送达 / 公告送达
    at: datetime | None  # None: to be filled by hand on the printed form
    place: str
    server_name: str  # 送达人
    tracking_no: str = ""


@dataclass(frozen=True)
class CertificateContent:
    """A certificate (证照) as printed: its type's title and layout, the holder, the rows in order, the QR."""

    type_code: str  # FOOD_BUSINESS …
    title: str  # 食品经营许可证
    orientation: str  # portrait | landscape
    number: str  # the certificate number in its type's national format
    holder_label: str  # 经营者名称 / 单位名称 / 企业名称
    holder: str
    holder_id_label: str  # 统一社会信用代码（身份证号码）
    holder_id: str
    rows: tuple[tuple[str, str], ...]  # further (label, value) rows of the bordered table, in print order
    validity_label: str  # 有效期至 / 有效期限
    valid_from: date
    valid_to: date | None
    verify_url: str  # what the QR code holds: the public verification page of this certificate
    side: tuple[tuple[str, str], ...] = ()  # (label, value) printed by the QR (日常监督管理机构, 投诉举报电话 …)
    notes: tuple[str, ...] = ()  # small print at the foot
    replaces_number: str = ""  # 补发: the voided certificate this one replaces
    accent: str = "#8b1a1a"  # the border's colour, from the type
    preview: bool = False  # an unnumbered preview: watermarked, no QR


@dataclass(frozen=True)
class Commitment:
    """告知承诺 (国办发〔2020〕42号): what the organ tells before the applicant commits, and how it will check."""

    mode_label: str  # 全部申请人适用 / 申请人自愿选择
    conditions: str
    standards: str
    replaces: tuple[str, ...]  # the materials the commitment stands in for
    check_method: str
    check_days: int  # working days
    check_due: date  # the last day of the post-check


@dataclass(frozen=True)
class Revocation:
    """撤销 of an approval obtained on a commitment the post-check found false."""

    decision_no: str  # the approval decision being revoked
    decided_on: date
    finding: str  # what the post-check found
    certificates: tuple[str, ...]  # numbers of the certificates declared void
    reconsideration_body: str
    court: str


@dataclass(frozen=True)
class BundlePartLine:
    """One item of a 一件事 bundle as its receipt and acceptance notice list it (#20)."""

    item_name: str
    department: str
    case_no: str
    legal_days: int
    promised_days: int
    promised_deadline: date | None  # for a part that waits on its 前置: the expected day (longest path)
    legal_deadline: date | None
    after: str = ""  # the 前置 items' names when its clock starts on their approval
    outcome: str = "受理"  # 受理 / 不予受理


@dataclass(frozen=True)
class Termination:
    """终止办理 of a 一件事 part: its 前置 received a 不予行政许可决定, so the part cannot go on (the case printed
    is the stopped part; this says which bundle it belongs to and which 前置 was refused, by whom and when)."""

    bundle_no: str
    theme_name: str
    department: str  # the stopped part's department
    prerequisite_name: str
    prerequisite_case_no: str
    prerequisite_department: str
    denial_no: str  # the 前置's 不予行政许可决定书; "" when its file has not reached this workstation
    denied_on: date | None
    reconsideration_body: str
    court: str
    place: str  # where the materials are collected: the comprehensive window


@dataclass(frozen=True)
class DocumentData:
    """Everything one document prints."""

    kind: DocKind
    number: str  # e.g. 云市监受〔2026〕0001-00012
    issued_on: date
    issuer: Issuer
    case: CaseFacts
    seal: SealImpression | None = None  # None: not sealed (receipt, proof of delivery, unsealed preview)
    notice_due_days: int = 0  # correction notice: supplement within N working days (0 = not stated)
    refusal: Refusal | None = None
    suspension: Suspension | None = None
    decision: Decision | None = None
    delivery: DeliveryFacts | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    certificate: CertificateContent | None = None
    site_visit: SiteVisitFacts | None = None
    sample: bool = False  # a 样张 for template review: sample number and seal, marked on every page (sample_mark)
    commitment: Commitment | None = None
    revocation: Revocation | None = None
    bundle_parts: tuple[BundlePartLine, ...] = ()  # a 一件事 bundle's parts: one notice lists them all
    termination: Termination | None = None
