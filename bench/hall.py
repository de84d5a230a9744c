"""The benchmark hall: a workstation database with years of history, made once and kept between runs.

    uv run python bench/hall.py [N_CASES ...] [--rebuild]     # e.g. 100000 300000 1000000

Each size is a copy of the demo data directory under $ONEWINDOW_BENCH_HALLS (default
~/.cache/onewindow-bench/hall-N) holding N cases of window W01 over several years at 300–1,000 a
day: 88 % delivered, the rest refused, denied, unanswered or withdrawn, decided by the chief (two-step
items) or the clerk (一审制); a few hundred running (accepted, under review, suspended, forwarded,
awaiting sign-off, approved awaiting the certificate, decided by the department awaiting the decision
document). Documents (receipt, notice, decision), certificates, timeline events and a valid audit
chain come in proportion. Written with raw sqlite3 executemany, indexes and search triggers off during
the load and rebuilt after it. Other benches call `hall(n)` to get the directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.station.bootstrap import open_data_dir  # noqa: E402
from bench.bench_case_search import (  # noqa: E402
    ORG_KINDS,
    ORG_WORDS,
    begin_bulk_load,
    finish_bulk_load,
    person_id,
    person_name,
    uscc,
)
from bench.hall_schema import bring_up_to_date  # noqa: E402

END = datetime(2026, 12, 1, 2, 0)  # naive UTC; the hall's last intake (fixed, so a kept hall stays valid)
RUNNING = 400  # the most recent cases that are still being worked on
_CLOSED_MIX = (("delivered", 88), ("refused", 3), ("denied", 2), ("closed_unanswered", 3), ("withdrawn", 4))
_OPEN_MIX = (("accepted", 22), ("under_review", 18), ("awaiting_signoff", 15), ("forwarded", 8), ("suspended", 5),
             ("approved", 12), ("dept_decided", 5), ("received", 5), ("notified", 5), ("delivered", 5))
GENESIS = "0" * 64


def halls_root() -> Path:
    return Path(os.environ.get("ONEWINDOW_BENCH_HALLS", Path.home() / ".cache" / "onewindow-bench"))


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _pick(rng: random.Random, mix: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([m[0] for m in mix], [m[1] for m in mix])[0]


CASE_COLUMNS = ("id, case_no, state, item_code, item_name, item_id, window_id, department_id, processing_type, "
                "review_mode, applicant_kind, applicant_name, applicant_id_type, applicant_id_number, "
                "applicant_phone, applicant_address, legal_rep, received_at, accepted_at, clock_start, legal_days, "
                "promised_days, promised_deadline, legal_deadline, issue_deadline, decided_at, decision, closed_at, "
                "clerk_id, reviewer_id, approver_id, created_at, updated_at, agent_name, agent_id_type, "
                "agent_id_number, agent_phone, deemed_accepted, extension_days, deadline_provisional, "
                "calendar_version, deadline_moved, refusal_reason, refusal_basis, competent_authority, "
                "origin_device, row_version")
_CASE_SQL = f'INSERT INTO "case" ({CASE_COLUMNS}) VALUES ({", ".join(["?"] * 33)}, ' \
            "'', '', '', '', 0, 0, 0, '', 0, '', '', '', '0001', 1)"
_DOC_SQL = ("INSERT INTO document (id, case_id, kind, number, sha256, path, size, sealed, signed, created_at, "
            "created_by_id, print_count, void, void_reason) VALUES (?, ?, ?, ?, ?, ?, 40000, ?, ?, ?, ?, 1, 0, '')")
_EVENT_SQL = ("INSERT INTO case_event (case_id, at, staff_id, kind, from_state, to_state, reason, data_json) "
              "VALUES (?, ?, ?, ?, ?, ?, '', '{}')")
_CERT_SQL = ("INSERT INTO certificate (id, number, type_code, case_id, holder_name, holder_id_number, fields_json, "
             "issued_on, valid_from, valid_to, status, document_id, void_reason, issued_by_id) "
             "VALUES (?, ?, ?, ?, ?, ?, '{}', ?, ?, ?, ?, ?, '', ?)")


class _Writer:
    """Generates the rows of every table in one pass over the cases, in time order."""

    def __init__(self, n: int, items: list[tuple[Any, ...]], staff: dict[str, int], window_id: int,
                 running: int = RUNNING, approvers: bool = True) -> None:
        self.n, self.items, self.staff, self.window_id = n, items, staff, window_id
        self.running, self.approvers = running, approvers
        self.rng = random.Random(20261201)
        self.docs: list[tuple[Any, ...]] = []
        self.events: list[tuple[Any, ...]] = []
        self.certs: list[tuple[Any, ...]] = []
        self.audits: list[tuple[Any, ...]] = []  # (at, staff_id, action, target, detail_json)
        self.doc_no = 0

    def _doc(self, case_id: str, kind: str, at: datetime, sealed: bool) -> str:
        self.doc_no += 1
        doc_id = str(uuid.UUID(int=self.rng.getrandbits(128)))
        self.docs.append((doc_id, case_id, kind, f"B{self.doc_no:09d}", f"{self.doc_no:064x}",
                          f"documents/bench/{doc_id}.pdf", int(sealed), int(sealed), _stamp(at),
                          self.staff["clerk"]))
        if sealed:
            self.audits.append((at, self.staff["clerk"], "seal_use", doc_id, json.dumps({"kind": kind})))
        return doc_id

    def cases(self) -> Iterator[tuple[Any, ...]]:
        rng, n = self.rng, self.n
        days = max(30, n // 550)  # about 550 a day
        start = END - timedelta(days=days)
        step = (END - start) / n
        counter: dict[date, int] = {}
        clerk, chief = self.staff["clerk"], self.staff["chief"]
        for i in range(n):
            if i == n - self.running:
                # The running cases come from their own seed: halls of any size have the same desks.
                rng = self.rng = random.Random(20261202)
            at = start + step * i + timedelta(seconds=rng.randrange(30), microseconds=rng.randrange(1, 999999))
            day = (at + timedelta(hours=8)).date()
            counter[day] = counter.get(day, 0) + 1
            item_id, code, name, dept, ptype, review, legal, promised, cert_type = rng.choice(self.items)
            running = i >= n - self.running
            state = _pick(rng, _OPEN_MIX if running else _CLOSED_MIX)
            if state in ("approved", "dept_decided") and ptype != "forwarded" and state == "dept_decided":
                ptype = "forwarded"
            if state == "approved" and not cert_type:
                state = "accepted"
            org = rng.random() < 0.2
            applicant = (f"云岫市{rng.choice(ORG_WORDS)}{rng.choice(ORG_WORDS)}{rng.choice(ORG_KINDS)}" if org
                         else person_name(rng))
            id_number = uscc(rng) if org else person_id(rng)
            case_id = str(uuid.UUID(int=rng.getrandbits(128)))
            case_no = f"0001{day:%Y%m%d}0{counter[day]:05d}"
            accepted = state not in ("received", "notified", "refused", "closed_unanswered")
            promised_d = day + timedelta(days=promised * 7 // 5 + 1) if accepted else None
            legal_d = day + timedelta(days=legal * 7 // 5 + 2) if accepted else None
            decided_at = at + timedelta(days=rng.randrange(0, 12), hours=rng.randrange(1, 6))
            decision = None
            approver = reviewer = None
            final = state
            if state in ("delivered", "denied", "approved", "dept_decided"):
                decision = "denied" if state == "denied" or (state != "approved" and rng.random() < 0.04) \
                    else "approved"
                if state == "dept_decided":
                    final = "approved" if decision == "approved" else "denied"
                elif ptype == "forwarded" or not (self.approvers or running):
                    pass  # the department decided (or an old record kept no approver)
                elif review == "double":
                    reviewer, approver = clerk, chief
                else:
                    approver = clerk
            issue_d = (decided_at + timedelta(days=14)).date() if decision == "approved" and cert_type else None
            closed = final in ("delivered", "refused", "closed_unanswered", "withdrawn")
            self.events.append((case_id, _stamp(at), clerk, "accepted" if accepted else final, None,
                                "accepted" if accepted else final))
            self._doc(case_id, "receipt", at, False)
            if accepted:
                self._doc(case_id, "acceptance_notice", at, True)
            elif final == "refused":
                self._doc(case_id, "refusal_notice", at, True)
            if decision and state != "dept_decided":
                kind = "approval_decision" if decision == "approved" else "denial_decision"
                doc = self._doc(case_id, kind, decided_at, True)
                self.events.append((case_id, _stamp(decided_at), approver or clerk, "decided", "under_review",
                                    decision))
                self.audits.append((decided_at, approver or clerk, "signoff", case_id,
                                    json.dumps({"decision": decision})))
                if decision == "approved" and cert_type and final == "delivered":
                    issued = decided_at.date()
                    cdoc = self._doc(case_id, "certificate_original", decided_at, True)
                    self.certs.append((str(uuid.UUID(int=rng.getrandbits(128))), f"{cert_type}-{doc[:8]}-{i}",
                                       cert_type, case_id, applicant, id_number, issued.isoformat(),
                                       issued.isoformat(), issued.replace(year=issued.year + 5).isoformat()
                                       if not (issued.month == 2 and issued.day == 29) else
                                       (issued + timedelta(days=1826)).isoformat(), "delivered", cdoc, clerk))
            yield (case_id, case_no, final, code, name, item_id, self.window_id, dept, ptype, review,
                   "org" if org else "person", applicant, "uscc" if org else "resident_id", id_number,
                   f"13{rng.randrange(10**9):09d}", "云岫市桂花巷 12 号", person_name(rng) if org else "",
                   _stamp(at), _stamp(at) if accepted else None, day.isoformat() if accepted else None, legal,
                   promised, promised_d.isoformat() if promised_d else None,
                   legal_d.isoformat() if legal_d else None, issue_d.isoformat() if issue_d else None,
                   _stamp(decided_at) if decision else None, decision,
                   _stamp(decided_at + timedelta(days=1)) if closed else None, clerk, reviewer, approver,
                   _stamp(at), _stamp(at))


def _audit_rows(con: sqlite3.Connection, entries: list[tuple[Any, ...]]) -> tuple[int, str]:
    """Append to the demo's chain with real hashes, so the audit check at start-up passes."""
    last = con.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    entry_id, prev = (last[0], last[1]) if last else (0, GENESIS)
    rows = []
    entries.sort(key=lambda e: e[0])
    for at, staff_id, action, target, detail in entries:
        entry_id += 1
        body = json.dumps([prev, entry_id, at.isoformat(), staff_id, action, target, detail],
                          ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(body.encode()).hexdigest()
        rows.append((entry_id, _stamp(at), staff_id, action, target, detail, prev, digest))
        prev = digest
    con.executemany("INSERT INTO audit_log (id, at, staff_id, action, target, detail_json, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return entry_id, prev


def build(root: Path, n: int, running: int = RUNNING, approvers: bool = True) -> float:
    """Fill the demo data directory at `root` with n cases; returns seconds taken.

    `running`: how many of the latest cases are still being worked on (the same ones at every size);
    `approvers=False` leaves the approver of past decisions unrecorded, as old records did, so every
    past decided case looks like a department's decision to a desk that does not check its documents.
    """
    t0 = time.perf_counter()
    db = root / "onewindow.sqlite"
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    window_id, dept = con.execute("SELECT window_id, department_id FROM staff WHERE username='zhangmin'").fetchone()
    items = con.execute("SELECT id, code, name, department_id, processing_type, review_mode, legal_days, "
                        "promised_days, certificate_type_code FROM item WHERE department_id = ?", (dept,)).fetchall()
    staff = {"clerk": con.execute("SELECT id FROM staff WHERE username='zhangmin'").fetchone()[0],
             "chief": con.execute("SELECT id FROM staff WHERE role='chief' AND department_id=?", (dept,)).fetchone()[0]}
    tables = ("case", "document", "case_event", "certificate", "audit_log")
    schema = begin_bulk_load(con, tables)
    writer = _Writer(n, items, staff, window_id, running, approvers)
    batch: list[tuple[Any, ...]] = []
    for row in writer.cases():
        batch.append(row)
        if len(batch) >= 20000:
            con.executemany(_CASE_SQL, batch)
            con.executemany(_DOC_SQL, writer.docs)
            con.executemany(_EVENT_SQL, writer.events)
            con.executemany(_CERT_SQL, writer.certs)
            batch.clear()
            writer.docs.clear()
            writer.events.clear()
            writer.certs.clear()
    con.executemany(_CASE_SQL, batch)
    con.executemany(_DOC_SQL, writer.docs)
    con.executemany(_EVENT_SQL, writer.events)
    con.executemany(_CERT_SQL, writer.certs)
    head = _audit_rows(con, writer.audits)
    finish_bulk_load(con, schema)
    (root / "audit-head.json").write_text(json.dumps({"id": head[0], "hash": head[1]}))
    return time.perf_counter() - t0


def hall(n: int, rebuild: bool = False) -> Path:
    """The data directory of the n-case hall, built the first time (kept under halls_root())."""
    root = halls_root() / f"hall-{n}"
    if rebuild and root.exists():
        shutil.rmtree(root)
    if (root / "ready").exists():
        # A kept hall may predate migrations that landed since (or were relinked at a merge).
        if bring_up_to_date(root):
            return root
        print(f"rebuilding the kept hall {root.name}: it could not be upgraded", flush=True)
        shutil.rmtree(root)
    if root.exists():
        shutil.rmtree(root)  # a build cut off half-way
    with tempfile.TemporaryDirectory(prefix="ow-hall-") as tmp:
        open_data_dir(Path(tmp) / "demo", demo=True).dispose()
        shutil.copytree(Path(tmp) / "demo", root)
    print(f"building the {n:,}-case hall in {root} …", flush=True)
    took = build(root, n)
    open_data_dir(root, demo=True).dispose()  # migrations and start-up checks pass on it
    (root / "ready").write_text(json.dumps({"cases": n, "seconds": round(took, 1)}))
    size = (root / "onewindow.sqlite").stat().st_size / 2**20
    print(f"built {n:,} cases in {took:.1f} s ({size:.0f} MiB)", flush=True)
    return root


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [100_000, 300_000, 1_000_000]
    for size in sizes:
        print(hall(size, rebuild="--rebuild" in sys.argv))
