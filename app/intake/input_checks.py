"""What the intake form hands the core, and its validation: every error names its field, in Chinese."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from app.core.errors import ValidationError
from app.core.text_rules import text_problem
from app.reference.identity import (
    USCC,
    IdType,
    check_person_id,
    check_uscc,
    normalize,
)

MATERIAL_STATUSES = ("received", "missing", "defective", "deferred")
_PHONE = re.compile(r"^\+?[0-9][0-9\-]{6,19}$")


@dataclass(frozen=True)
class ApplicantInput:
    """The applicant (person or organisation) and an optional agent (代理人)."""

    kind: str  # person | org
    name: str
    id_type: str  # an IdType value for a person; "uscc" for an organisation
    id_number: str
    phone: str = ""
    address: str = ""
    legal_rep: str = ""
    agent_name: str = ""
    agent_id_type: str = ""
    agent_id_number: str = ""
    agent_phone: str = ""


@dataclass(frozen=True)
class MaterialInput:
    """The clerk's verdict on one material of the item's list."""

    item_material_id: int
    status: str  # received | missing | defective | deferred
    original_checked: bool = False
    copies_received: int = 0
    defect: str = ""  # what is wrong and what is required
    deferred_due: date | None = None  # 容缺: due date of the written commitment


@dataclass(frozen=True)
class IntakeInput:
    """One intake: applicant, item, materials checklist."""

    item_id: int
    applicant: ApplicantInput
    materials: tuple[MaterialInput, ...] = field(default_factory=tuple)
    delivery_method: str = "窗口领取"
    consultation_id: str | None = None  # the consultation this intake grew out of (linked, nothing retyped)


@dataclass(frozen=True)
class CleanApplicant:
    """The applicant after normalisation, with any warnings the validators raised."""

    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    address: str
    legal_rep: str
    agent_name: str
    agent_id_type: str
    agent_id_number: str
    agent_phone: str
    warnings: tuple[str, ...]


def _name(field_name: str, value: str, what: str) -> str:
    _travels(field_name, value, what)
    text = " ".join(value.split())
    if not text:
        raise ValidationError(field_name, f"请填写{what}")
    if len(text) > 100:
        raise ValidationError(field_name, f"{what}过长（不超过 100 字）")
    from app.documents.fonts import MissingGlyph, default_chain

    # A character no font covers cannot be printed on the notice: say so now, at the field.
    try:
        default_chain().check(what, text)
    except MissingGlyph as exc:
        raise ValidationError(field_name, str(exc)) from None
    return text


def _travels(field_name: str, value: str, what: str) -> None:
    """The rule the server applies (app/core/text_rules.py), checked before anything is numbered."""
    reason = text_problem(value)
    if reason:
        raise ValidationError(field_name, f"{what}{reason}，请删除后重新输入")


def _phone(field_name: str, value: str, required: bool) -> str:
    text = normalize(value).replace("(", "").replace(")", "")
    if not text:
        if required:
            raise ValidationError(field_name, "请填写联系电话")
        return ""
    if not _PHONE.match(text):
        raise ValidationError(field_name, f"联系电话“{value.strip()}”格式不正确（应为手机号或带区号的固定电话）")
    return text


def _person_id(field_name: str, id_type: str, number: str, today: date) -> tuple[str, tuple[str, ...]]:
    try:
        kind = IdType(id_type)
    except ValueError:
        raise ValidationError(field_name.replace("number", "type"), "请选择证件类型") from None
    checked = check_person_id(kind, number, today)
    if not checked.ok:
        raise ValidationError(field_name, checked.message or "证件号码不正确")
    return checked.value, checked.warnings


def clean_applicant(a: ApplicantInput, today: date) -> CleanApplicant:
    """Normalise and check the applicant; raise ValidationError at the first bad field."""
    warnings: list[str] = []
    if a.kind not in ("person", "org"):
        raise ValidationError("applicant.kind", "请选择申请人类型（个人或单位）")
    name = _name("applicant.name", a.name, "申请人姓名" if a.kind == "person" else "单位名称")
    legal_rep = ""
    if a.kind == "person":
        number, w = _person_id("applicant.id_number", a.id_type, a.id_number, today)
        id_type = a.id_type
    else:
        checked = check_uscc(a.id_number)
        if not checked.ok:
            raise ValidationError("applicant.id_number", checked.message or "统一社会信用代码不正确")
        number, w, id_type = checked.value, checked.warnings, USCC
        legal_rep = _name("applicant.legal_rep", a.legal_rep, "法定代表人")
    warnings += w
    phone = _phone("applicant.phone", a.phone, required=True)
    _travels("applicant.address", a.address, "地址")
    address = " ".join(a.address.split())
    if address:
        _name("applicant.address", address, "地址")
    agent_name = agent_type = agent_number = agent_phone = ""
    if a.agent_name.strip() or a.agent_id_number.strip():
        agent_name = _name("agent.name", a.agent_name, "代理人姓名")
        agent_number, w = _person_id("agent.id_number", a.agent_id_type, a.agent_id_number, today)
        agent_type = a.agent_id_type
        warnings += w
        agent_phone = _phone("agent.phone", a.agent_phone, required=False)
    return CleanApplicant(a.kind, name, id_type, number, phone, address, legal_rep, agent_name, agent_type,
                          agent_number, agent_phone, tuple(warnings))


def clean_phone(field_name: str, value: str, required: bool = False) -> str:
    """A phone number as the forms take it (public for the consultation record)."""
    return _phone(field_name, value, required)


def clean_name(field_name: str, value: str, what: str) -> str:
    """A person's name as the forms take it: spaces folded, ≤ 100 characters, printable."""
    return _name(field_name, value, what)
