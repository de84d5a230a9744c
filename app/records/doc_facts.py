"""Turning database rows into the plain facts documents print (app.documents.data)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.documents.data import Issuer
from db.models import Department, Hall, Window


def issuer_for(session: Session, window_id: int) -> tuple[Issuer, str]:
    """The issuer block for a window, and the department's short name for document numbers."""
    window = session.get(Window, window_id)
    if window is None:
        raise LookupError(f"window {window_id}")
    dept = session.get(Department, window.department_id)
    hall = session.execute(select(Hall)).scalar_one()
    assert dept is not None
    query = (f"凭受理编号在{hall.name}自助查询机、政务服务网查询，或拨打窗口电话 {window.phone} 查询办理进度"
             if window.phone else f"凭受理编号在{hall.name}查询办理进度")
    issuer = Issuer(hall_name=hall.name, department_name=dept.name, department_short=dept.short_name,
                    window_name=f"{window.number} {window.name}", window_phone=window.phone,
                    hall_address=hall.address, complaint_phone=hall.complaint_phone, query_hint=query)
    return issuer, dept.short_name
