"""The case list: filtered, searched pages of CaseRow DTOs by keyset pagination (fast at a million cases).

Every page is one indexed range walk that stops after `limit` rows — no OFFSET, no COUNT, no
scan of the whole table per keystroke. How a search is answered depends on what was typed:

- an applicant name (any length, two-character names included): prefix range on ix_case_applicant_name;
- six to seventeen letters/digits (case number, ID or USCC fragment): one six-character piece in the gram
  index case_gram (app.cases.search_index), flat as the hall grows;
- three to five letters/digits: the trigram FTS5 table case_fts;
- one or two letters/digits: prefix range on the ID number index (trigrams need three characters).
"""

from __future__ import annotations

import re
import sqlite3
import time as time_module
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from app.cases.case_rows import AT, COLUMNS, CaseRow, make_rows
from app.cases.commitments import CheckRow, open_checks
from app.cases.forwarding import ForwardRow, pending_forwards
from app.cases.lights import RUNNING_SQL, Light, LightWindow, light_window
from app.cases.search_index import GRAM, ensure_search_index, rarest_piece
from app.core.auth import Action, require
from app.core.context import HALL_TZ, Actor, AppContext
from app.reference import workdays
from db.errors import DRIVER_ERRORS, classify

PAGE_SIZE = 100
LIGHT_FILTERS = ("red", "yellow", "green", "due", "paused", "moved")
_DEADLINE_LIGHTS = LIGHT_FILTERS[:4]  # filters on the promised deadline: walked along it, with today's window

_ALNUM = re.compile(r"[0-9A-Z]+")
_CASE_NO = re.compile(r"\d{18}")  # DESIGN §3: device 4 + date 8 + epoch 1 + counter 5


@dataclass(frozen=True)
class CaseQuery:
    """What the case list shows: a search text and filters (all optional)."""

    text: str = ""
    states: tuple[str, ...] = ()
    light: str = ""  # one of LIGHT_FILTERS, or "" for any
    item_code: str = ""
    window_id: int | None = None
    received_from: date | None = None  # hall-local dates, both included
    received_to: date | None = None
    yellow_workdays: int = 3


@dataclass(frozen=True)
class CasePage:
    """One page; `after` is the key to ask for the next one (None: this was the last)."""

    rows: tuple[CaseRow, ...]
    after: tuple[Any, ...] | None
    mode: str  # list | deadline | name | fragment | digits | prefix | exact


@dataclass(frozen=True)
class _Plan:
    mode: str
    source: str  # FROM … (and the search term's WHERE)
    where: list[str]
    params: dict[str, Any]
    order: tuple[str, ...]  # sort expressions, all in one direction
    descending: bool
    key_columns: tuple[int, ...]  # positions in the selected row that make the page key


def _stamp(at: datetime) -> str:
    """A naive UTC instant as SQLAlchemy stores DateTime in SQLite (comparable as text)."""
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def _local_midnight_utc(day: date) -> str:
    local = datetime.combine(day, time(0, 0), tzinfo=HALL_TZ)
    return _stamp((local - local.utcoffset()).replace(tzinfo=None))  # type: ignore[operator]


def _next_string(prefix: str) -> str:
    """The smallest string greater than every string starting with `prefix` (SQLite BINARY = code points)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


@lru_cache(maxsize=512)
def normalise_search(raw: str) -> tuple[str, str]:
    """(mode, term): full-width digits and letters folded, spaces dropped from numbers.

    Remembered: the list asks again for every page of the same search, and the panels for each refresh."""
    # Plain ASCII is its own NFKC form: skip the Unicode pass for the common case (scanned numbers, pinyin).
    folded = (raw if raw.isascii() else unicodedata.normalize("NFKC", raw)).strip()
    if not folded:
        return "list", ""
    compact = re.sub(r"\s+", "", folded)
    if compact.isascii() and any(ch.isdigit() for ch in compact):
        term = "".join(_ALNUM.findall(compact.upper()))
        if not term:
            return "list", ""
        if len(term) == 18:
            return "exact", term  # a scanned case number, or a whole ID / USCC number
        if len(term) >= GRAM:
            return "fragment", term
        return ("digits" if len(term) >= 3 else "prefix"), term
    return "name", folded


def _filters(q: CaseQuery, window: LightWindow) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if q.states:
        names = [f":st{i}" for i in range(len(q.states))]
        where.append(f"c.state IN ({', '.join(names)})")
        params.update({f"st{i}": s for i, s in enumerate(q.states)})
    if q.item_code:
        where.append("c.item_code = :item_code")
        params["item_code"] = q.item_code
    if q.window_id is not None:
        where.append("c.window_id = :window_id")
        params["window_id"] = q.window_id
    if q.received_from:
        where.append("c.received_at >= :rf")
        params["rf"] = _local_midnight_utc(q.received_from)
    if q.received_to:
        where.append("c.received_at < :rt")
        params["rt"] = _local_midnight_utc(q.received_to + timedelta(days=1))
    if q.light in _DEADLINE_LIGHTS:
        # Bound only where used: a statement with unused parameters still binds them on every page.
        params["today"], params["green_from"] = window.today.isoformat(), window.green_from.isoformat()
    light = {
        "red": f"{RUNNING_SQL} AND c.promised_deadline < :today",
        "yellow": f"{RUNNING_SQL} AND c.promised_deadline >= :today AND c.promised_deadline < :green_from",
        "green": f"{RUNNING_SQL} AND c.promised_deadline >= :green_from",
        "due": f"{RUNNING_SQL} AND c.promised_deadline < :green_from",
        "paused": "c.state = 'suspended'",
        "moved": "c.deadline_moved = 1",
    }.get(q.light)
    if light:
        where.append(light)
    return where, params


def _plan(q: CaseQuery, window: LightWindow, search: tuple[str, str] | None = None, piece: str = "") -> _Plan:
    where, params = _filters(q, window)
    mode, term = search or normalise_search(q.text)
    if mode == "exact":
        params["term"] = term
        where.append("(c.case_no = :term OR c.applicant_id_number = :term)")
        return _Plan(mode, '"case" c', where, params, ("c.rowid",), True, (0,))
    if mode in ("digits", "fragment"):
        # The recheck against the row: a longer fragment walks one of its pieces, and it guards against an
        # index left stale by a rebuilt table.
        params["term"] = term
        where.append("(instr(upper(c.case_no), :term) OR instr(upper(c.applicant_id_number), :term) "
                     "OR instr(upper(c.agent_id_number), :term))")
        if mode == "fragment":
            # Walk one piece; the fragment's first and last pieces are looked up in the index beside it, so
            # a row is read only when all three are there (with the recheck, exact).
            params["gram"] = piece or term[:GRAM]
            ends = [p for p in dict.fromkeys((term[:GRAM], term[-GRAM:])) if p != params["gram"]]
            params.update({f"gram{i}": p for i, p in enumerate(ends)})
            also = [f"EXISTS (SELECT 1 FROM case_gram h WHERE h.gram = :gram{i} AND h.case_rowid = g.case_rowid)"
                    for i in range(len(ends))]
            return _Plan(mode, 'case_gram g JOIN "case" c ON c.rowid = g.case_rowid',
                         ["g.gram = :gram", *also, *where], params, ("g.case_rowid",), True, (0,))
        params["match"] = f'"{term}"'
        return _Plan(mode, 'case_fts f JOIN "case" c ON c.rowid = f.rowid', ["case_fts MATCH :match", *where],
                     params, ("f.rowid",), True, (0,))
    if mode in ("name", "prefix"):
        column = "c.applicant_name" if mode == "name" else "c.applicant_id_number"
        params.update(lo=term, hi=_next_string(term))
        return _Plan(mode, '"case" c', [f"{column} >= :lo", f"{column} < :hi", *where], params,
                     (column, "c.rowid"), True, (AT[column[2:]], 0))
    if q.light in _DEADLINE_LIGHTS:
        # Most urgent first, along the partial index of running cases.
        return _Plan("deadline", '"case" c', where, params, ("c.promised_deadline", "c.rowid"), False,
                     (AT["promised_deadline"], 0))
    return _Plan("list", '"case" c', where, params, ("c.received_at", "c.rowid"), True, (AT["received_at"], 0))


def _sql(plan: _Plan, after: Sequence[Any] | None, limit: int) -> tuple[str, dict[str, Any]]:
    where, params = list(plan.where), dict(plan.params)
    if after is not None:
        names = [f":k{i}" for i in range(len(after))]
        op = "<" if plan.descending else ">"
        where.append(f"({', '.join(plan.order)}) {op} ({', '.join(names)})")
        params.update({f"k{i}": v for i, v in enumerate(after)})
    direction = " DESC" if plan.descending else ""
    order = ", ".join(f"{col}{direction}" for col in plan.order)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    # The limit is written into the SQL, not bound: SQLCipher's SQLite (3.51) lets the planner use a bound
    # LIMIT's value, so each call re-prepared the statement (68 against 16 µs per page at 100k, #19).
    return f"SELECT {COLUMNS} FROM {plan.source}{clause} ORDER BY {order} LIMIT {int(limit) + 1}", params


def page_sql(q: CaseQuery, window: LightWindow, after: Sequence[Any] | None = None, limit: int = PAGE_SIZE,
             search: tuple[str, str] | None = None, piece: str = "") -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of one page (the benchmark runs it bare beside search_cases; `search`
    forces a mode, e.g. ("digits", fragment) for the FTS5 trigram query of a long fragment)."""
    return _sql(_plan(q, window, search, piece), after, limit)


@contextmanager
def _reading(ctx: AppContext) -> Iterator[sqlite3.Connection]:
    """This thread's read connection, used bare: a list page is one SELECT in autocommit mode, and the
    ORM session (or even the pool's check-out) around it would cost more than the indexed query itself."""
    try:
        with ctx.thread_reader() as con:
            yield con
    except DRIVER_ERRORS as exc:
        known = classify(exc)
        if known is not None:
            raise known from exc
        raise


_windows: dict[tuple[str, int, date, int], LightWindow] = {}
_versions: dict[str, tuple[float, int]] = {}
VERSION_RECHECK_S = 2.0  # a new calendar version shows in the lights within two seconds


def _light_window(ctx: AppContext, con: sqlite3.Connection, yellow_workdays: int) -> LightWindow:
    """Today's light window, remembered per calendar version (checked at most every two seconds)."""
    db, now = ctx.read_engine.url.database or "", time_module.monotonic()  # the file's path, cheaply
    seen = _versions.get(db)
    if seen is None or now - seen[0] > VERSION_RECHECK_S:
        row = con.execute("SELECT id FROM calendar_version WHERE current = 1").fetchone()
        seen = _versions[db] = (now, row[0] if row else 0)
    today = ctx.today()
    key = (db, seen[1], today, yellow_workdays)
    window = _windows.get(key)
    if window is None:
        with ctx.read() as s:
            window = current_window(s, today, yellow_workdays)
        if len(_windows) > 64:
            _windows.clear()
        _windows[key] = window
    return window


_search_ready: set[str] = set()


def _check_index_once(ctx: AppContext) -> None:
    key = str(ctx.data.database)
    if key in _search_ready:
        return
    with ctx.write() as s:
        ensure_search_index(s)
    _search_ready.add(key)


def forget_light_windows() -> None:
    """After a calendar update: the next page computes its lights on the new version."""
    _versions.clear()
    _windows.clear()


def current_window(session: Session, today: date, yellow_workdays: int) -> LightWindow:
    return light_window(workdays.current_calendar(session), today, yellow_workdays)


def search_cases(ctx: AppContext, actor: Actor, query: CaseQuery, after: Sequence[Any] | None = None,
                 limit: int = PAGE_SIZE) -> CasePage:
    """One page of cases matching the query, in the mode's order, starting after the key `after`."""
    require(actor, Action.VIEW_CASES)
    search = normalise_search(query.text)
    if search[0] in ("digits", "fragment"):
        _check_index_once(ctx)
    with _reading(ctx) as con:
        window = _light_window(ctx, con, query.yellow_workdays)
        piece = rarest_piece(con, search[1]) if search[0] == "fragment" else ""
        plan = _plan(query, window, search, piece)
        sql, params = _sql(plan, after, limit)
        raw = con.execute(sql, params).fetchall()
    more = len(raw) > limit
    raw = raw[:limit]
    rows = make_rows(raw, window)
    key = tuple(raw[-1][i] for i in plan.key_columns) if more and raw else None
    return CasePage(rows, key, plan.mode)


def find_case_no(ctx: AppContext, actor: Actor, case_no: str, yellow_workdays: int = 3) -> CaseRow | None:
    """The case with exactly this number (a scanned receipt barcode), or None."""
    require(actor, Action.VIEW_CASES)
    number = unicodedata.normalize("NFKC", case_no).strip()
    if not number:
        return None
    with _reading(ctx) as con:
        window = _light_window(ctx, con, yellow_workdays)
        r = con.execute(f'SELECT {COLUMNS} FROM "case" c WHERE c.case_no = :no', {"no": number}).fetchone()
    return make_rows((r,), window)[0] if r is not None else None


def looks_like_case_no(raw: str) -> bool:
    return _CASE_NO.fullmatch(unicodedata.normalize("NFKC", raw).strip()) is not None


@dataclass(frozen=True)
class DueList:
    """The due-soon panel: late and due-soon running cases, most urgent first, and cases whose date moved."""

    overdue: tuple[CaseRow, ...]
    due_soon: tuple[CaseRow, ...]
    moved: tuple[CaseRow, ...]
    green_from: date
    forwarding: tuple[ForwardRow, ...] = ()  # 上报 still to do, with the two-day deadline's light
    checks: tuple[CheckRow, ...] = ()  # 告知承诺 post-checks still open (and false ones to revoke), with lights


def due_cases(ctx: AppContext, actor: Actor, yellow_workdays: int = 3, window_id: int | None = None,
              limit: int = 200) -> DueList:
    """Running cases due within the yellow period or late, along the partial index; at most `limit` each."""
    due = search_cases(ctx, actor, CaseQuery(light="due", window_id=window_id, yellow_workdays=yellow_workdays),
                       limit=limit)
    moved = search_cases(ctx, actor, CaseQuery(light="moved", window_id=window_id,
                                               yellow_workdays=yellow_workdays), limit=limit)
    overdue = tuple(r for r in due.rows if r.promised_light == Light.RED)
    soon = tuple(r for r in due.rows if r.promised_light == Light.YELLOW)
    with _reading(ctx) as con:
        green_from = _light_window(ctx, con, yellow_workdays).green_from
    return DueList(overdue, soon, moved.rows, green_from, pending_forwards(ctx, actor, window_id, limit),
                   open_checks(ctx, actor, window_id, limit))
