"""The public verification page a certificate's QR code opens: plain HTML that works on any phone.

It says whether the certificate is valid, voided, expired or unknown, with type, validity and
issuing window. The QR code carries the holder and validity as printed (?holder=…&valid=from~to):
the page says whether they match the register, and shows the holder's name in full only to
someone who already has it — guessing numbers does not list names. Nothing more personal (ID
numbers, addresses) is ever shown.
"""

from __future__ import annotations

import json
from datetime import date
from html import escape

from sqlalchemy.orm import Session

from server.config import local_day
from server.models import Certificate, Department, Hall, Window

_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f4f4;color:#222}
main{max-width:32rem;margin:0 auto;padding:1rem}
h1{font-size:1.2rem;margin:.5rem 0 1rem}
.status{font-size:1.6rem;font-weight:bold;padding:1rem;border-radius:.5rem;text-align:center;color:#fff}
.valid{background:#1b7a3a}.voided{background:#b3261e}.expired{background:#9a6700}.unknown{background:#666}
dl{background:#fff;border-radius:.5rem;padding:.5rem 1rem;margin-top:1rem}
dt{color:#666;font-size:.85rem;margin-top:.6rem}dd{margin:0 0 .4rem;font-size:1.05rem;word-break:break-all}
footer{color:#888;font-size:.8rem;margin-top:1rem}
"""


def _mask(name: str) -> str:
    return name[:1] + "＊" * min(max(len(name) - 1, 1), 3)


def _page(title: str, status_class: str, status_text: str, rows: list[tuple[str, str]], hall_name: str,
          note: str) -> str:
    items = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
    return (f"<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            f"<meta name=\"robots\" content=\"noindex\"><title>{escape(title)}</title><style>{_STYLE}</style></head>"
            f"<body><main><h1>{escape(hall_name)} · 证照核验</h1>"
            f"<div id=\"status\" class=\"status {status_class}\">{escape(status_text)}</div>"
            f"<dl>{items}</dl><footer>{escape(note)}</footer></main></body></html>")


def _validity(cert: Certificate) -> str:
    return f"{cert.valid_from.isoformat()}~{cert.valid_to.isoformat() if cert.valid_to else ''}"


def render(session: Session, number: str, holder: str, valid: str, today: date) -> tuple[int, str]:
    """(HTTP status, HTML) for one certificate number and what the QR code says about it."""
    hall = session.query(Hall).first()
    hall_name = json.loads(hall.doc_json).get("name", "") if hall else ""
    cert = session.get(Certificate, number)
    if cert is None:
        return 404, _page("证照核验：未查到", "unknown", "未查到该证照", [("证照编号", number)], hall_name,
                          "请核对证照编号；如有疑问请向发证窗口咨询。")
    window = session.get(Window, cert.window_code)
    dept = session.get(Department, window.department_code) if window else None
    holder_ok = " ".join(holder.split()) == " ".join(cert.holder_name.split()) if holder else None
    valid_ok = valid.strip() == _validity(cert) if valid else None
    if cert.status == "revoked":  # 告知承诺 found false: the approval itself was revoked (server/commitments.py)
        status_class, status_text = "voided", "已撤销"
    elif cert.status == "voided":
        status_class, status_text = "voided", "已作废"
    elif holder_ok is False or valid_ok is False:
        status_class, status_text = "voided", "与登记信息不符"
    elif cert.valid_to is not None and cert.valid_to < today:
        status_class, status_text = "expired", "已过有效期"
    else:
        status_class, status_text = "valid", "有效"
    validity = f"{cert.valid_from:%Y年%m月%d日} 至 " + (f"{cert.valid_to:%Y年%m月%d日}" if cert.valid_to else "长期")
    rows = [("证照名称", cert.type_name), ("证照编号", cert.number),
            ("持证主体", cert.holder_name if holder_ok else _mask(cert.holder_name)), ("有效期限", validity),
            ("发证日期", f"{cert.issued_on:%Y年%m月%d日}"),
            ("发证窗口", " ".join(x for x in (dept.name if dept else "", window.number if window else "",
                                               window.name if window else "") if x))]
    if cert.status in ("voided", "revoked") and cert.voided_at:
        rows.append(("撤销日期" if cert.status == "revoked" else "作废日期", f"{local_day(cert.voided_at):%Y年%m月%d日}"))
    if holder_ok is False:
        note = "证照上的持证主体与发证登记不一致，请勿采信，并向发证窗口核实。"
    elif valid_ok is False:
        note = "证照上的有效期限与发证登记不一致，请勿采信，并向发证窗口核实。"
    elif holder_ok is None:
        note = "持证主体名称已部分隐去；扫描证照上的二维码可核对完整名称。"
    else:
        note = "证照上的持证主体与有效期限与发证登记一致。"
    return 200, _page(f"证照核验：{status_text}", status_class, status_text, rows, hall_name, note)
