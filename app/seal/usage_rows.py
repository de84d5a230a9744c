"""One line of the seal usage register, as the screen, the printed register and the export show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SealUseRow:
    """One line of the register."""

    id: int
    at: datetime  # hall local time
    seal_code: str
    kind: str
    kind_title: str
    document_number: str
    case_no: str
    sha256: str
    impressions: int
    requested_by: str
    authorised_by: str
    mode: str


HEADERS = ("序号", "用印时间", "印章编码", "文书种类", "文书编号", "受理编号", "申请人", "批准人", "批准方式", "用印数",
           "文书摘要（SHA-256）")
