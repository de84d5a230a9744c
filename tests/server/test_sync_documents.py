"""A case made at one workstation of the window can be reprinted at another: its documents come down too."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Callable

from ow_testkit import complete, item_named
from sqlalchemy import select
from sync_testkit import LiveServer, Workstation, enrolment_code

from app.cases.detail import case_detail
from app.intake.outcomes import accept_case
from app.records.doc_register import read_document, void_document
from db.models import BlobUpload, Document, RemoteDocument

FOOD_CHANGE = "食品经营许可变更"  # 承诺件: a receipt and a sealed, signed acceptance notice


def _pair(live_server: LiveServer, workstations: Callable[[str], Workstation]) -> tuple[Workstation, Workstation]:
    a, b = workstations("a"), workstations("b")
    for ws, user in ((a, "zhangmin"), (b, "wangyan")):
        ws.enrol(live_server, enrolment_code(live_server), user)
        ws.sign_in(user)
    return a, b


def _documents(ws: Workstation, case_id: str) -> dict[str, tuple[str, str, bool]]:
    with ws.ctx.read() as s:
        return {d.sha256: (d.kind, d.number, d.void) for d in s.execute(
            select(Document).where(Document.case_id == case_id)).scalars()}


def _waiting(ws: Workstation) -> list[RemoteDocument]:
    with ws.ctx.read() as s:
        rows = list(s.execute(select(RemoteDocument)).scalars())
        s.expunge_all()
        return rows


def test_pulled_case_brings_its_documents_byte_for_byte(live_server: LiveServer, workstations) -> None:
    a, b = _pair(live_server, workstations)
    made = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD_CHANGE)))
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    issued = _documents(a, made.case_id)
    assert {kind for kind, _, _ in issued.values()} == {"receipt", "acceptance_notice"}
    assert _documents(b, made.case_id) == issued and _waiting(b) == []
    assert case_detail(b.ctx, b.actor("wangyan"), made.case_id).documents_waiting == 0
    with b.ctx.read() as s:
        ids = list(s.execute(select(Document.id).where(Document.case_id == made.case_id)).scalars())
    for doc_id in ids:
        info, pdf = read_document(b.ctx, doc_id)  # checks the stored file against the registered hash
        assert hashlib.sha256(pdf).hexdigest() in issued
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert made.case_no in text
    # the copy that came down is known to be on the server: B never sends it back up
    with b.ctx.read() as s:
        known = set(s.execute(select(BlobUpload.sha256).where(BlobUpload.uploaded_at.is_not(None))).scalars())
    assert set(issued) <= known


def test_a_void_at_the_issuing_workstation_reaches_the_others(live_server: LiveServer, workstations) -> None:
    a, b = _pair(live_server, workstations)
    made = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD_CHANGE)))
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    receipt = next(i for i in made.document_ids if read_document(a.ctx, i)[0].kind == "receipt")
    sha = read_document(a.ctx, receipt)[0].sha256
    void_document(a.ctx, a.actor("zhoujianhua"), receipt, "打印错位，重新出具")
    assert a.sync("zhangmin").ok and b.sync("wangyan").ok
    assert _documents(b, made.case_id)[sha][2] is True


def test_a_file_the_server_lacks_waits_and_comes_with_a_later_run(live_server: LiveServer, workstations) -> None:
    from server.models import Blob

    a, b = _pair(live_server, workstations)
    made = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD_CHANGE)))
    assert a.sync("zhangmin").ok
    issued = _documents(a, made.case_id)
    lost = sorted(issued)[0]
    with live_server.session() as s:
        kept = s.get(Blob, lost)
        saved = (kept.size, kept.data, kept.stored_at, kept.device_id)
        s.delete(kept)
        s.commit()
    assert b.sync("wangyan").ok  # the case and the other document come; nothing is half-stored
    assert set(_documents(b, made.case_id)) == set(issued) - {lost}
    waiting = _waiting(b)
    assert [w.sha256 for w in waiting] == [lost] and waiting[0].last_error
    assert case_detail(b.ctx, b.actor("wangyan"), made.case_id).documents_waiting == 1  # the desk says so
    with live_server.session() as s:
        s.add(Blob(sha256=lost, size=saved[0], data=saved[1], stored_at=saved[2], device_id=saved[3]))
        s.commit()
    assert b.sync("wangyan").ok
    assert _documents(b, made.case_id) == issued and _waiting(b) == []
    assert case_detail(b.ctx, b.actor("wangyan"), made.case_id).documents_waiting == 0


def test_a_number_this_workstation_already_holds_is_reported_not_a_crash(live_server: LiveServer,
                                                                         workstations) -> None:
    from app.records.doc_register import write_blob

    a, b = _pair(live_server, workstations)
    made = accept_case(a.ctx, a.actor("zhangmin"), complete(item_named(a.ctx, FOOD_CHANGE)))
    assert a.sync("zhangmin").ok
    issued = _documents(a, made.case_id)
    receipt_sha, (kind, number, _) = next((k, v) for k, v in issued.items() if v[0] == "receipt")
    with b.ctx.write() as s:  # a different document under the same number (numbers repeated by a restore)
        rel, sha = write_blob(b.ctx.data.root, b"%PDF-1.4 another document\n", b.ctx.now())
        s.add(Document(case_id=None, kind=kind, number=number, sha256=sha, path=rel, size=26, sealed=False,
                       signed=False, created_at=b.ctx.now()))
    assert b.sync("wangyan").ok  # the sync goes on
    assert set(_documents(b, made.case_id)) == set(issued) - {receipt_sha}
    [waiting] = _waiting(b)
    assert waiting.sha256 == receipt_sha and number in waiting.last_error
