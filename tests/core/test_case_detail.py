"""The case detail: timeline (who, when, what, why), materials, scanned attachments, documents, deadlines."""

from __future__ import annotations

import hashlib
import struct
import zlib
from datetime import date, datetime

import pytest
from ow_testkit import at_local, clerk, complete, item_named, set_clock

from app.cases.attachments import add_attachment, case_attachments, read_attachment
from app.cases.detail import case_detail
from app.cases.lights import Light
from app.cases.special_procedures import end_suspension, extend, start_suspension
from app.core.context import AppContext
from app.core.errors import AppError, ValidationError
from app.intake.outcomes import accept_case


def tiny_png() -> bytes:
    """A 1×1 white PNG made here (signature, IHDR, IDAT, IEND with their CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def test_detail_has_everything_that_happened(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 21, 9, 30))
    actor = clerk(ctx)
    case_id = accept_case(ctx, actor, complete(item_named(ctx, "药品零售许可"))).case_id
    set_clock(ctx, at_local(2026, 9, 29, 10))
    start_suspension(ctx, actor, case_id, "testing", "样品送检", 5)
    set_clock(ctx, at_local(2026, 10, 13, 10))
    end_suspension(ctx, actor, case_id)
    set_clock(ctx, at_local(2026, 10, 14, 10))
    extend(ctx, clerk(ctx, "zhoujianhua"), case_id, "需征求卫健部门意见")
    png = tiny_png()
    add_attachment(ctx, actor, case_id, "/scans/营业执照.png", png)
    d = case_detail(ctx, actor, case_id)
    assert d.state_label == "审查中" and d.window.startswith("A01") and d.clerk == actor.name
    kinds = [e.kind for e in d.events]
    assert kinds[:1] == ["accepted"] and "suspended" in kinds and "extended" in kinds and kinds[-1] == "attachment_added"
    suspended = next(e for e in d.events if e.kind == "suspended")
    assert suspended.who == actor.name and suspended.change == "审查中 → 特别程序中" and "样品送检" in suspended.reason
    assert suspended.at == datetime(2026, 9, 29, 10, 0)  # hall local time
    extended = next(e for e in d.events if e.kind == "extended")
    assert extended.who == "周建华" and extended.reason == "需征求卫健部门意见"
    assert [doc.kind for doc in d.documents] == ["receipt", "acceptance_notice", "special_procedure_notice",
                                                 "extension_notice"]
    (s,) = d.suspensions
    # 9-29, 9-30, 10-8, 10-9, 10-10 (Saturday, make-up) expected; actually to 10-13: + 10-12, 10-13 = 7
    assert (s.kind_label, s.expected_end, s.ended_on, s.working_days) == ("检测", date(2026, 10, 10),
                                                                         date(2026, 10, 13), 7)
    assert [(x.days, x.approver) for x in d.extensions] == [(10, "周建华")]
    whiches = [c.which_label for c in d.deadline_changes]
    assert whiches[:2] == ["承诺办结日期", "法定期限届满日"] and len(d.deadline_changes) >= 6
    assert all(c.reason for c in d.deadline_changes)
    assert [r.text for r in d.ratings] == ["未评价", "未评价"]
    assert d.materials and d.materials[0].status_label == "已收"
    (att,) = d.attachments
    assert att.filename == "营业执照.png" and att.mime == "image/png" and att.added_by == actor.name
    assert att.path == ctx.data.root / "attachments" / att.sha256[:2] / f"{att.sha256}.png"
    assert att.sha256 == hashlib.sha256(png).hexdigest()
    assert d.promised_light in (Light.RED, Light.YELLOW, Light.GREEN)


def test_attachments_are_content_addressed_and_checked(ctx: AppContext) -> None:
    set_clock(ctx, at_local(2026, 9, 21, 9, 30))
    actor = clerk(ctx)
    case_id = accept_case(ctx, actor, complete(item_named(ctx, "食品经营许可"))).case_id
    pdf = b"%PDF-1.4\n% scanned\n%%EOF\n"
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 32
    a = add_attachment(ctx, actor, case_id, "申请书.pdf", pdf)
    b = add_attachment(ctx, actor, case_id, "again.pdf", pdf)  # same bytes: one file, two rows
    c = add_attachment(ctx, actor, case_id, "photo", jpeg)
    assert a.path == b.path and a.id != b.id and c.path.suffix == ".jpg" and c.mime == "image/jpeg"
    assert len(case_attachments(ctx, actor, case_id)) == 3
    with pytest.raises(ValidationError):
        add_attachment(ctx, actor, case_id, "virus.pdf", b"MZ\x90\x00 not a scan")
    with pytest.raises(ValidationError):
        add_attachment(ctx, actor, case_id, "empty.png", b"")
    info, data = read_attachment(ctx, actor, c.id)
    assert data == jpeg and info.filename == "photo"
    c.path.write_bytes(jpeg + b"tampered")
    with pytest.raises(AppError) as err:
        read_attachment(ctx, actor, c.id)
    assert err.value.code == "tampered"
