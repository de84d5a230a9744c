"""Reading the audit log: search it and check its hash chain (chief representatives and administrators)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select

from app.cases.states import STATE_LABELS
from app.core.audit import ChainReport, verify_chain
from app.core.auth import Action, require
from app.core.context import Actor, AppContext, local_naive, utc_start_of
from app.documents.data import KIND_TITLES
from app.seal.seals import STATUS_LABELS
from app.sync.status import anchors_of_last_sync
from db.models import AuditEntry, Staff

# What each audited action is called at the desk; unknown codes are shown as they are.
AUDIT_LABELS: dict[str, str] = {
    "login": "登录", "login_failed": "登录失败", "demo_loaded": "载入演示数据",
    "seal_use": "用印", "seal_password_failed": "保管人密码错误", "reprint": "补打（副本）",
    "void_document": "作废文书", "override_notice": "补正追加材料（授权）",
    "start_review": "开始审查", "review": "审查意见", "forward": "上报", "sign_off": "核准签发", "consultation": "登记咨询",
    "commitment_intake": "告知承诺受理", "commitment_signed": "附签署的告知承诺书", "commitment_check": "告知承诺核查",
    "approval_revoke": "撤销行政许可（承诺不实）",
    "bundle_intake": "一件事受理", "bundle_notice": "一件事一次性告知",
    "return_for_review": "退回重审", "decide": "一审制决定", "decide_on_spot": "即办件当场决定",
    "backoffice_decision": "部门决定（上报件）", "issue_decision": "出具决定书",
    "seal_auth_grant": "授予常规用印", "seal_auth_withdraw": "撤回常规用印",
    "seal_revoked": "印章撤销", "seal_sealed_away": "印章封存", "seal_lost": "印章遗失作废",
    "seal_witness_failed": "封存见证人验证失败", "seal_register_print": "打印用印登记",
    "seal_register_export": "导出用印登记",
    "approve_extension": "批准延期", "override": "首席代表授权（追加补正）",
    "override_password_failed": "首席代表授权密码错误（追加补正）",
    "certificate_issue": "制发证照", "certificate_reissue": "补发证照", "certificate_void": "证照作废",
    "certificate_delivered": "证照送达", "return_numbers": "退回证照编号",
    "device_enrolled": "本机登记到中心服务器", "restored_database": "发现数据库从备份恢复（启用新纪元）",
}


@dataclass(frozen=True)
class AuditQuery:
    """Search terms; blank ones do not filter. Dates are hall-local days, both ends included."""

    date_from: date | None = None
    date_to: date | None = None
    action: str = ""  # an action code
    person: str = ""  # part of the staff member's name, or their username
    text: str = ""  # part of the target or the details


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime  # hall local time
    staff_name: str  # "系统" for entries without a person
    action: str
    action_label: str
    target: str
    detail: str  # key: value pairs for reading


# Detail keys as the viewer shows them; values of an outcome read as words.
DETAIL_LABELS: dict[str, str] = {
    "outcome": "结果", "opinion": "意见", "reason": "原因", "route": "去向", "on_behalf_of": "代签（首席代表编号）",
    "reviewer_id": "审查人编号", "documents": "文书", "document": "文书", "seal": "印章", "kind": "文书种类",
    "sha256": "摘要", "mode": "用印方式", "authorised_by": "批准人编号", "printer": "打印机", "from": "原状态",
    "to": "新状态", "witness": "见证人", "staff": "被授权人", "valid_from": "起", "valid_to": "止",
    "decided_by": "决定机关", "rows": "条数", "file": "文件",
}
VALUE_LABELS: dict[str, str] = {"approve": "准予", "deny": "不予", "standing": "常规授权", "password": "保管人当场确认",
                                **{str(k): v for k, v in KIND_TITLES.items()}, **{str(k): v for k, v in STATE_LABELS.items()},
                                **STATUS_LABELS}


def _detail(detail_json: str) -> str:
    try:
        data = json.loads(detail_json or "{}")
    except ValueError:
        return detail_json
    if not isinstance(data, dict):
        return str(data)
    return "；".join(f"{DETAIL_LABELS.get(k, k)}：{VALUE_LABELS.get(v, v) if isinstance(v, str) else v}"
                    for k, v in data.items() if v not in (None, "", [], {}))


def search_audit(ctx: AppContext, actor: Actor, q: AuditQuery, limit: int = 1000) -> list[AuditRow]:
    """Newest first."""
    require(actor, Action.VIEW_AUDIT)
    stmt = (select(AuditEntry, Staff.name).outerjoin(Staff, Staff.id == AuditEntry.staff_id)
            .order_by(AuditEntry.id.desc()).limit(limit))
    if q.date_from:
        stmt = stmt.where(AuditEntry.at >= utc_start_of(q.date_from))
    if q.date_to:
        stmt = stmt.where(AuditEntry.at < utc_start_of(q.date_to + timedelta(days=1)))
    if q.action:
        stmt = stmt.where(AuditEntry.action == q.action)
    if q.person.strip():
        p = q.person.strip()
        stmt = stmt.where(or_(Staff.name.contains(p), Staff.username == p))
    if q.text.strip():
        t = q.text.strip()
        stmt = stmt.where(or_(AuditEntry.target.contains(t), AuditEntry.detail_json.contains(t)))
    with ctx.read() as s:
        return [AuditRow(e.id, local_naive(e.at), name or "系统", e.action,
                         AUDIT_LABELS.get(e.action, e.action), e.target, _detail(e.detail_json))
                for e, name in s.execute(stmt)]


def chain_status(ctx: AppContext, actor: Actor) -> ChainReport:
    """Walk the whole chain; compare it with the head kept outside the database and the server's anchors."""
    require(actor, Action.VIEW_AUDIT)
    with ctx.read() as s:
        return verify_chain(s, ctx.data.audit_head, anchors_of_last_sync(s))


def known_actions(ctx: AppContext, actor: Actor) -> list[tuple[str, str]]:
    """(code, label) of the actions present in the log, for the search box."""
    require(actor, Action.VIEW_AUDIT)
    with ctx.read() as s:
        codes = s.execute(select(AuditEntry.action).distinct()).scalars().all()
    return sorted(((c, AUDIT_LABELS.get(c, c)) for c in codes), key=lambda x: x[1])
