"""Every setting declared once: name, type, default and what it is for (ui/ stores them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    label: str


SETTINGS: tuple[Setting, ...] = (
    Setting("security/idle_lock_minutes", int, 10, "无操作自动锁屏（分钟，0 为不锁）"),
    Setting("deadlines/yellow_workdays", int, 3, "临近办结期限提醒（工作日）"),
    Setting("intake/close_unanswered_workdays", int, 60, "一次性告知后未补正自动办结（工作日）"),
    Setting("ratings/follow_up_workdays", int, 5, "差评整改期限（工作日）"),
    # The hall's rule (#19): a closed case leaves this workstation once the server holds it and it is this old.
    Setting("privacy/retention_days", int, 365, "已办结办件在本机保留天数（中心服务器已存档后清除；0 为不清除）"),
    Setting("printing/receipt_printer", str, "", "回执打印机（80 毫米）"),
    Setting("printing/a4_printer", str, "", "A4 打印机"),
    # A workstation without a printer: documents are kept, and opened, printed or saved as PDF when needed.
    Setting("printing/no_printer", bool, False, "不接打印机（文书只保存，需要时打开、打印或另存为 PDF）"),
    # Only remembers what was typed in the enrolment dialog; the enrolled server lives in the database.
    Setting("sync/server_url", str, "", "中心服务器地址（登记时填写）"),
)


def _per_kind_printing() -> tuple[Setting, ...]:
    """Per document kind: a printer ("" = the receipt or A4 printer above) and its paper."""
    from app.documents.data import KIND_TITLES, DocKind

    out: list[Setting] = []
    for kind, title in KIND_TITLES.items():
        paper = "roll80" if kind == DocKind.RECEIPT else "A4"
        out.append(Setting(f"printing/kind/{kind}", str, "", f"{title}：打印机"))
        out.append(Setting(f"printing/paper/{kind}", str, paper, f"{title}：纸张"))
    return tuple(out)


SETTINGS = SETTINGS + _per_kind_printing()
BY_NAME = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    return BY_NAME[name].default


def coerce(name: str, value: Any) -> Any:
    """A stored value (QSettings returns strings on some platforms) as the declared type."""
    spec = BY_NAME[name]
    if value is None or value == "":
        return spec.default
    try:
        if spec.type is bool:
            return str(value).lower() in {"1", "true", "yes"}
        return spec.type(value)
    except (TypeError, ValueError):
        return spec.default
