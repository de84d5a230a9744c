"""The case list: keyset pages, name prefixes (two-character names too), ID / USCC fragments, filters, lights."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from itertools import count

import pytest
from ow_testkit import at_local, clerk, set_clock
from sqlalchemy import select, text

from app.cases.lights import Light, LightWindow
from app.cases.queries import (
    CaseQuery,
    due_cases,
    ensure_search_index,
    find_case_no,
    looks_like_case_no,
    normalise_search,
    page_sql,
    search_cases,
)
from app.cases.search_index import GRAM_DDL, GRAM_REBUILD, rarest_piece
from app.core.context import AppContext
from db.models import Case, Staff

_seq = count(1)
# GB 11643 sample 11010519491231002X (DOMAIN.md) and GB 32100 samples 91350100M000100Y43, 91440300708461136T.


def _add(ctx: AppContext, name: str, id_number: str = "11010519491231002X", *, state: str = "under_review",
         received: datetime | None = None, promised: date | None = None, legal: date | None = None,
         item_code: str = "330999-SJ-XK-009", window_id: int | None = None, case_no: str | None = None,
         moved: bool = False) -> str:
    n = next(_seq)
    with ctx.write() as s:
        staff = s.execute(select(Staff).where(Staff.username == "zhangmin")).scalar_one()
        received = received or at_local(2026, 11, 2, 9) + (at_local(2026, 11, 2, 9, 1) - at_local(2026, 11, 2, 9)) * n
        case = Case(case_no=case_no or f"0001202611020{n:05d}", state=state, item_code=item_code, item_name="药品零售许可",
                    window_id=window_id or staff.window_id, department_id=staff.department_id,
                    processing_type="promised", review_mode="double", applicant_kind="person", applicant_name=name,
                    applicant_id_type="resident_id", applicant_id_number=id_number, received_at=received,
                    accepted_at=received, clock_start=received.date(), legal_days=20, promised_days=10,
                    promised_deadline=promised, legal_deadline=legal, clerk_id=staff.id, deadline_moved=moved,
                    printed_promised=promised)
        s.add(case)
        s.flush()
        return case.id


def _names(page: object) -> list[str]:
    return [r.applicant_name for r in page.rows]  # type: ignore[attr-defined]


def test_search_modes_from_what_was_typed() -> None:
    assert normalise_search("王芳") == ("name", "王芳")
    assert normalise_search(" １２３４５ ") == ("digits", "12345")  # full-width digits folded
    assert normalise_search("0020 x") == ("digits", "0020X")
    assert normalise_search("12") == ("prefix", "12")
    assert normalise_search("000120261120000001") == ("exact", "000120261120000001")
    assert normalise_search("") == ("list", "")
    assert normalise_search("  ") == ("list", "") and normalise_search("--") == ("name", "--")
    assert normalise_search("ｗａｎｇ") == ("name", "wang") and normalise_search(" 91350100m ") == ("fragment", "91350100M")
    assert looks_like_case_no("000120261120000001") and not looks_like_case_no("0001202611200000")


def test_two_character_names_by_prefix(ctx: AppContext) -> None:
    for name in ("王芳", "王芳芳", "王方", "李王芳", "王"):
        _add(ctx, name)
    actor = clerk(ctx)
    assert sorted(_names(search_cases(ctx, actor, CaseQuery(text="王芳")))) == ["王芳", "王芳芳"]
    assert sorted(_names(search_cases(ctx, actor, CaseQuery(text="王")))) == ["王", "王方", "王芳", "王芳芳"]
    assert _names(search_cases(ctx, actor, CaseQuery(text="王芳芳"))) == ["王芳芳"]
    assert search_cases(ctx, actor, CaseQuery(text="王芳")).mode == "name"


def test_id_and_uscc_fragments_by_trigram(ctx: AppContext) -> None:
    _add(ctx, "张三", "11010519491231002X")
    _add(ctx, "云岫市锦程餐饮有限公司", "91350100M000100Y43")
    _add(ctx, "李四", "91440300708461136T")
    actor = clerk(ctx)
    assert _names(search_cases(ctx, actor, CaseQuery(text="1231002x"))) == ["张三"]  # tail, lower-case x
    assert _names(search_cases(ctx, actor, CaseQuery(text="19491231"))) == ["张三"]  # birth date in the middle
    assert _names(search_cases(ctx, actor, CaseQuery(text="M000100"))) == ["云岫市锦程餐饮有限公司"]
    assert _names(search_cases(ctx, actor, CaseQuery(text="９１３５０１"))) == ["云岫市锦程餐饮有限公司"]
    assert search_cases(ctx, actor, CaseQuery(text="708461")).mode == "fragment"
    assert search_cases(ctx, actor, CaseQuery(text="70846")).mode == "digits"
    assert _names(search_cases(ctx, actor, CaseQuery(text="08461"))) == ["李四"]  # five: the trigram table
    assert _names(search_cases(ctx, actor, CaseQuery(text="91440300708461136T"))) == ["李四"]  # whole USCC


def test_scanned_case_number_finds_exactly_one(ctx: AppContext) -> None:
    target = _add(ctx, "赵六", case_no="000120261102000777")
    _add(ctx, "钱七", case_no="000120261102000778")
    actor = clerk(ctx)
    page = search_cases(ctx, actor, CaseQuery(text="000120261102000777"))
    assert [r.id for r in page.rows] == [target] and page.mode == "exact"
    row = find_case_no(ctx, actor, "000120261102000777")
    assert row is not None and row.id == target
    assert find_case_no(ctx, actor, "000120261102000999") is None


def test_keyset_pages_cover_every_case_once_newest_first(ctx: AppContext) -> None:
    ids = [_add(ctx, f"测试{i:03d}") for i in range(250)]
    actor = clerk(ctx)
    seen: list[str] = []
    after = None
    sizes = []
    while True:
        page = search_cases(ctx, actor, CaseQuery(), after, limit=100)
        sizes.append(len(page.rows))
        seen += [r.id for r in page.rows]
        after = page.after
        if after is None:
            break
    assert sizes == [100, 100, 50]
    assert seen == list(reversed(ids))  # received_at descending: newest first


def test_name_pages_continue_after_the_last_key(ctx: AppContext) -> None:
    for _ in range(7):
        _add(ctx, "王芳")
    actor = clerk(ctx)
    first = search_cases(ctx, actor, CaseQuery(text="王芳"), limit=3)
    second = search_cases(ctx, actor, CaseQuery(text="王芳"), first.after, limit=3)
    third = search_cases(ctx, actor, CaseQuery(text="王芳"), second.after, limit=3)
    got = [r.id for p in (first, second, third) for r in p.rows]
    assert len(got) == 7 == len(set(got)) and third.after is None


def test_due_and_id_prefix_pages_continue_after_the_last_key(ctx: AppContext) -> None:
    """The page key is read from the selected row by column name (app.cases.case_rows.AT): a key taken
    from the wrong column repeats or skips cases on the second page."""
    set_clock(ctx, at_local(2026, 9, 30, 10))
    due = [_add(ctx, f"临期{i}", f"1101051949123{i:04d}X", promised=date(2026, 10, 1 + i % 3)) for i in range(7)]
    actor = clerk(ctx)
    for query, expected in ((CaseQuery(light="due"), set(due)), (CaseQuery(text="11"), set(due))):
        got, after = [], None
        while True:
            page = search_cases(ctx, actor, query, after, limit=3)
            got += [r.id for r in page.rows]
            after = page.after
            if after is None:
                break
        assert len(got) == len(expected) == len(set(got)) and set(got) == expected, query
    ordered = [r.promised_deadline for r in search_cases(ctx, actor, CaseQuery(light="due")).rows]
    assert ordered == sorted(ordered)


def test_filters_by_state_item_window_and_local_dates(ctx: AppContext) -> None:
    late_evening = _add(ctx, "晚到", received=at_local(2026, 11, 20, 23, 30))  # 15:30 UTC: still the 20th locally
    next_morning = _add(ctx, "早到", received=at_local(2026, 11, 21, 0, 10))
    _add(ctx, "别的事项", item_code="330999-SJ-XK-001", received=at_local(2026, 11, 20, 10))
    _add(ctx, "已送达", state="delivered", received=at_local(2026, 11, 20, 11))
    actor = clerk(ctx)
    on_20th = search_cases(ctx, actor, CaseQuery(received_from=date(2026, 11, 20), received_to=date(2026, 11, 20)))
    assert sorted(_names(on_20th)) == ["别的事项", "已送达", "晚到"]
    assert [r.id for r in search_cases(ctx, actor, CaseQuery(received_from=date(2026, 11, 21))).rows] == [next_morning]
    assert late_evening in [r.id for r in search_cases(ctx, actor, CaseQuery(item_code="330999-SJ-XK-009")).rows]
    assert _names(search_cases(ctx, actor, CaseQuery(states=("delivered",)))) == ["已送达"]
    assert _names(search_cases(ctx, actor, CaseQuery(item_code="330999-SJ-XK-001"))) == ["别的事项"]
    assert search_cases(ctx, actor, CaseQuery(window_id=actor.window_id + 1)).rows == ()  # type: ignore[operator]


def test_light_filters_and_the_due_panel(ctx: AppContext) -> None:
    # Today Wed 2026-09-30; 3 working days: 10-8 ①, 10-9 ②, 10-10 (Saturday, make-up) ③ → green from 10-12.
    set_clock(ctx, at_local(2026, 9, 30, 10))
    red = _add(ctx, "逾期", promised=date(2026, 9, 29), legal=date(2026, 10, 20))
    today = _add(ctx, "今天到期", promised=date(2026, 9, 30), legal=date(2026, 10, 20))
    soon = _add(ctx, "补班日到期", promised=date(2026, 10, 10), legal=date(2026, 10, 20))
    green = _add(ctx, "正常", promised=date(2026, 10, 12), legal=date(2026, 10, 20))
    _add(ctx, "已办结", state="delivered", promised=date(2026, 9, 1), legal=date(2026, 9, 10))
    paused = _add(ctx, "暂停", state="suspended", promised=date(2026, 9, 29), legal=date(2026, 10, 20))
    moved = _add(ctx, "改期", promised=date(2026, 10, 15), legal=date(2026, 10, 20), moved=True)
    actor = clerk(ctx)

    def ids(light: str) -> list[str]:
        return [r.id for r in search_cases(ctx, actor, CaseQuery(light=light)).rows]

    assert ids("red") == [red]
    assert ids("yellow") == [today, soon]  # most urgent first
    assert ids("due") == [red, today, soon]
    assert set(ids("green")) == {green, moved}
    assert ids("paused") == [paused] and ids("moved") == [moved]
    rows = {r.id: r for r in search_cases(ctx, actor, CaseQuery()).rows}
    assert rows[red].promised_light is Light.RED and rows[red].legal_light is Light.GREEN
    assert rows[soon].promised_light is Light.YELLOW and rows[paused].promised_light is Light.PAUSED
    panel = due_cases(ctx, actor, 3)
    assert [r.id for r in panel.overdue] == [red] and [r.id for r in panel.due_soon] == [today, soon]
    assert [r.id for r in panel.moved] == [moved] and panel.green_from == date(2026, 10, 12)
    wide = due_cases(ctx, actor, 5)  # ④ 10-12, ⑤ 10-13: the 10-12 case turns yellow
    assert green in [r.id for r in wide.due_soon]


def test_search_index_follows_updates_and_repairs_itself(ctx: AppContext) -> None:
    case_id = _add(ctx, "孙八", "11010519491231002X")
    actor = clerk(ctx)
    with ctx.write() as s:
        s.get(Case, case_id).applicant_id_number = "932682198501010017"  # foreign permanent resident sample
    assert _names(search_cases(ctx, actor, CaseQuery(text="198501010"))) == ["孙八"]
    assert search_cases(ctx, actor, CaseQuery(text="19491231")).rows == ()
    with ctx.write() as s:  # what a later batch migration of "case" would do to the triggers
        for name in ("case_fts_ai", "case_fts_ad", "case_fts_au"):
            s.execute(text(f"DROP TRIGGER {name}"))
    with ctx.write() as s:
        assert ensure_search_index(s) is True
        assert ensure_search_index(s) is False
    _add(ctx, "周九", "91440300708461136T")
    assert _names(search_cases(ctx, actor, CaseQuery(text="708461136"))) == ["周九"]


@pytest.mark.parametrize("query", [
    CaseQuery(), CaseQuery(text="王芳"), CaseQuery(text="王"), CaseQuery(text="12"), CaseQuery(text="1231002X"),
    CaseQuery(text="02X"), CaseQuery(text="491231", states=("accepted",)), CaseQuery(text="0519491231002"),
    CaseQuery(text="000120261120000001"), CaseQuery(states=("under_review",)), CaseQuery(light="due"),
    CaseQuery(light="red"), CaseQuery(item_code="330999-SJ-XK-001"), CaseQuery(window_id=1),
    CaseQuery(received_from=date(2026, 1, 1), received_to=date(2026, 2, 1)),
])
def test_no_page_scans_the_case_table(ctx: AppContext, query: CaseQuery) -> None:
    """Every page walks an index (or the FTS table): nothing reads the whole table per keystroke."""
    window = LightWindow(date(2026, 11, 20), date(2026, 11, 26))
    con = sqlite3.connect(ctx.data.database)
    try:
        for after in (None, _key(query)):
            sql, params = page_sql(query, window, after)
            lines = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
            # "SCAN c" without an index reads the whole table; an index walk in order stops at the page's end.
            assert not any(line.startswith("SCAN c") and "INDEX" not in line for line in lines), lines
    finally:
        con.close()


def _key(query: CaseQuery) -> tuple[object, ...]:
    mode = normalise_search(query.text)[0]
    if mode in ("digits", "fragment", "exact"):
        return (100,)
    if mode in ("name", "prefix"):
        return ("王芳", 100)
    if query.light in ("due", "red"):
        return ("2026-11-20", 100)
    return ("2026-11-20 01:00:00.000000", 100)


def test_the_v0001_fixture_upgrades_into_the_search_index(tmp_path: object) -> None:
    """Migration 0003 builds the trigram index over rows that existed before it (nothing to re-enter)."""
    import shutil
    from pathlib import Path

    from db.engine import make_engine
    from db.migrate import upgrade

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "v0001.sqlite"
    db = Path(str(tmp_path)) / "onewindow.sqlite"
    shutil.copy(fixture, db)
    engine = make_engine(db)
    upgrade(engine, db, Path(str(tmp_path)) / "backups")
    engine.dispose()
    con = sqlite3.connect(db)
    try:
        window = LightWindow(date(2026, 11, 20), date(2026, 11, 26))
        for text_ in ("1231002x", "王䶮", "000120261120000001"):
            sql, params = page_sql(CaseQuery(text=text_), window)
            assert [r[2] for r in con.execute(sql, params)] == ["000120261120000001"], text_
    finally:
        con.close()


# --- the gram index (case_gram, migration 0012): fragments of six to seventeen characters ---

def _pieces_by_hand(*numbers: str) -> set[str]:
    """Every six-character piece, computed here rather than by the index's SQL."""
    return {n.upper()[i:i + 6] for n in numbers for i in range(len(n) - 5)}


def _grams_of(ctx: AppContext, case_id: str) -> set[str]:
    con = sqlite3.connect(ctx.data.database)
    try:
        return {r[0] for r in con.execute('SELECT g.gram FROM case_gram g JOIN "case" c ON c.rowid = g.case_rowid '
                                          "WHERE c.id = ?", (case_id,))}
    finally:
        con.close()


def test_every_fragment_of_six_to_seventeen_finds_its_case(ctx: AppContext) -> None:
    target = _add(ctx, "张三", "11010519491231002x", case_no="000120261102000901")
    _add(ctx, "李四", "91440300708461136T", case_no="000120261102000902")
    _add(ctx, "王五", "11010519491231003X", case_no="000120261103000903")  # shares the first 16
    actor = clerk(ctx)
    number = "11010519491231002X"
    for length in range(6, 18):
        for start in range(0, 19 - length):
            fragment = number[start:start + length]
            page = search_cases(ctx, actor, CaseQuery(text=fragment.lower()))
            expect = {"张三", "王五"} if fragment in "11010519491231003X" else {"张三"}
            assert set(_names(page)) == expect and page.mode == "fragment", fragment
    assert _names(search_cases(ctx, actor, CaseQuery(text="02000901"))) == ["张三"]  # a case-number piece
    assert _grams_of(ctx, target) == _pieces_by_hand("000120261102000901", "11010519491231002x")


def test_the_gram_index_follows_updates_and_repairs_itself(ctx: AppContext) -> None:
    case_id = _add(ctx, "孙八", "11010519491231002X")
    actor = clerk(ctx)
    with ctx.write() as s:
        case = s.get(Case, case_id)
        case.applicant_id_number, case.agent_id_number = "932682198501010017", "91350100M000100Y43"
        case_no = case.case_no
    assert _grams_of(ctx, case_id) == _pieces_by_hand(case_no, "932682198501010017", "91350100M000100Y43")
    assert _names(search_cases(ctx, actor, CaseQuery(text="M000100Y4"))) == ["孙八"]  # the agent's USCC
    assert search_cases(ctx, actor, CaseQuery(text="491231")).rows == ()
    with ctx.write() as s:  # a batch migration of "case" drops the triggers and may renumber rows
        for name in ("case_gram_ai", "case_gram_ad", "case_gram_au"):
            s.execute(text(f"DROP TRIGGER {name}"))
        s.execute(text("DELETE FROM case_gram"))
    with ctx.write() as s:
        assert ensure_search_index(s) is True
        assert ensure_search_index(s) is False
    assert _names(search_cases(ctx, actor, CaseQuery(text="198501010"))) == ["孙八"]
    with ctx.write() as s:
        s.delete(s.get(Case, case_id))
    assert _grams_of(ctx, case_id) == set()
    con = sqlite3.connect(ctx.data.database)
    try:
        assert con.execute("SELECT count(*) FROM case_gram WHERE gram = '198501'").fetchone()[0] == 0
    finally:
        con.close()


def test_a_long_fragment_walks_its_rarest_piece_and_pages_by_keyset(ctx: AppContext) -> None:
    # 130 cases of one district born in 1985: "330102" and "198503" are common, the serial is not.
    common = [_add(ctx, f"区内{i:03d}", f"33010219850{3 + i % 2}{i % 28 + 1:02d}{i:03d}X") for i in range(130)]
    actor = clerk(ctx)
    con = sqlite3.connect(ctx.data.database)
    try:
        piece = rarest_piece(con, "19850315014")  # i = 14: born 1985-03-15, serial 014
        assert piece not in ("198503",) and con.execute(
            "SELECT count(*) FROM case_gram WHERE gram = ?", (piece,)).fetchone()[0] <= 3
    finally:
        con.close()
    assert _names(search_cases(ctx, actor, CaseQuery(text="19850315014"))) == ["区内014"]
    seen: list[str] = []
    after = None
    while True:
        page = search_cases(ctx, actor, CaseQuery(text="330102"), after=after)
        seen += [r.id for r in page.rows]
        if page.after is None:
            break
        after = page.after
    assert seen == list(reversed(common))  # newest first, each once, over two pages


def test_the_migration_repeats_the_index_text_exactly() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "db" / "migrations" / "versions" / "0012_case_gram.py"
    spec = importlib.util.spec_from_file_location("m0012", path)
    assert spec is not None and spec.loader is not None
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.ddl() == GRAM_DDL and migration.fill() == GRAM_REBUILD[1]


def _raw(state: str = "accepted", received: str = "2026-11-20 01:00:00.000000", promised: str | None = None,
         legal: str | None = None, id_number: str = "11010519491231002X") -> tuple[object, ...]:
    """A row as the list's SELECT returns it (columns as app.cases.case_rows.COLUMNS names them)."""
    return (1, "id", "000120261120100001", state, "330999-SJ-XK-009", "药品零售许可", 1, "person", "王䶮",
            received, promised, legal, 0, promised, 0, "promised", id_number)


_WINDOW = LightWindow(date(2026, 11, 20), date(2026, 11, 26))


def test_list_times_are_hall_time_with_and_without_the_old_summer_time() -> None:
    from app.cases.case_rows import make_rows as _rows

    def received(stamp: str) -> datetime:
        return _rows([_raw(received=stamp)], _WINDOW)[0].received_at

    assert received("2026-11-20 01:00:00.000000") == datetime(2026, 11, 20, 9, 0)
    assert received("2026-06-30 16:30:00.000000") == datetime(2026, 7, 1, 0, 30)  # across midnight
    assert received("1988-06-01 00:00:00.000000") == datetime(1988, 6, 1, 9, 0)  # 1986–1991 summers: UTC+9


def test_the_list_rows_light_and_mask_as_the_rules_do() -> None:
    """The list decodes its rows on access (#18); their lights and masks must be those of
    app.cases.lights.case_lights and app.core.masking.mask_id for every state and deadline."""
    from app.cases.case_rows import make_rows as _rows
    from app.cases.lights import case_lights
    from app.cases.states import State
    from app.core.masking import mask_id

    days = [None, "2026-11-19", "2026-11-20", "2026-11-25", "2026-11-26", "2027-01-04"]
    for state in State:
        for promised in days:
            for legal in days:
                row = _rows([_raw(str(state), promised=promised, legal=legal)], _WINDOW)[0]
                as_dates = [date.fromisoformat(d) if d else None for d in (promised, legal)]
                assert (row.promised_light, row.legal_light) == case_lights(str(state), *as_dates, _WINDOW)
                assert (row.promised_deadline, row.legal_deadline) == tuple(as_dates)
    for number in ("11010519491231002X", "91350100M000100Y43", "AB123456", "H12345678", "", "X" * 90):
        row = _rows([_raw(id_number=number)], _WINDOW)[0]
        assert row.applicant_id_number == mask_id(number)
        assert len(number) <= 8 or number not in repr(row)  # the full number never sits in a row
    row = _rows([_raw(promised="2026-11-25")], _WINDOW)[0]
    assert (row.state_label, row.provisional, row.deadline_moved) == ("已受理", False, False)
    assert row.printed_promised == date(2026, 11, 25) and row.item_name == "药品零售许可"
    assert row.applicant_name == "王䶮" and row.case_no == "000120261120100001"


@pytest.mark.parametrize("window_id", [None, 1])
def test_the_moved_list_walks_only_moved_cases(ctx: AppContext, window_id: int | None) -> None:
    """The due panel's "date moved" list: along its partial index, not every case in received order."""
    sql, params = page_sql(CaseQuery(light="moved", window_id=window_id),
                           LightWindow(date(2026, 11, 20), date(2026, 11, 26)))
    con = sqlite3.connect(ctx.data.database)
    try:
        plan = [r[3] for r in con.execute("EXPLAIN QUERY PLAN " + sql, params)]
    finally:
        con.close()
    assert "ix_case_moved" in plan[0], plan


def test_dispose_waits_for_a_page_being_read_on_another_thread(tmp_path: object) -> None:
    """List pages read on each thread's own connection (AppContext.thread_reader); closing the data while a
    worker reads must neither close the connection under its query (a crash) nor leave it open."""
    import threading
    from pathlib import Path

    from app.station.bootstrap import open_data_dir

    own = open_data_dir(Path(str(tmp_path)) / "data", demo=True)
    actor = clerk(own)
    for n in range(150):
        _add(own, f"王{n}")
    stop, pages, failures = threading.Event(), [], []

    def read() -> None:
        while not stop.is_set():
            try:
                pages.append(len(search_cases(own, actor, CaseQuery()).rows))
            except Exception as exc:  # noqa: BLE001 — any failure is the finding
                failures.append(exc)

    worker = threading.Thread(target=read)
    worker.start()
    while len(pages) < 5:
        threading.Event().wait(0.01)
    own.dispose()  # while the worker reads on its own connection
    after = len(pages)
    while len(pages) < after + 3:  # and it reads on after it (a pooled connection, as before)
        threading.Event().wait(0.01)
    stop.set()
    worker.join()
    own.dispose()
    assert not failures and set(pages) == {100}
    assert not own._thread_readers  # nothing left open


def test_the_threads_read_connections_stay_few_as_threads_come_and_go(ctx: AppContext) -> None:
    """The task pool's threads end when idle and new ones come all day: their list connections are retired,
    the oldest idle first, so a day of threads never piles up open connections."""
    import threading

    from app.core.context import MAX_THREAD_READERS

    actor = clerk(ctx)
    _add(ctx, "王䶮")
    found: list[int] = []
    done = threading.Event()

    def read() -> None:
        found.append(len(search_cases(ctx, actor, CaseQuery()).rows))
        done.wait()  # alive until all have read: every thread has its own ident

    workers = [threading.Thread(target=read, daemon=True) for _ in range(MAX_THREAD_READERS * 3)]
    held = []
    try:
        for n, worker in enumerate(workers, 1):
            worker.start()
            while len(found) < n:
                threading.Event().wait(0.005)
            held.append(len(ctx._thread_readers))
    finally:
        done.set()
        for worker in workers:
            worker.join()
    assert max(held) <= MAX_THREAD_READERS
    assert found == [1] * (MAX_THREAD_READERS * 3)
