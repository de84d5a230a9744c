"""Case search and list paging at a million cases (run by hand; prints numbers, never fails).

    uv run python bench/bench_case_search.py [N_CASES] [RUNS] [--keep DIR | --hall]

Builds a copy of the demo data directory holding N_CASES cases (default 1,000,000; RUNS default 300: realistic Chinese
names, two-character ones included, valid ID numbers and USCCs, five years of dates) by bulk insert
with raw sqlite3, then times search_cases() — two- and three-character names, a case number, an ID
fragment, the first and later list pages, the due-soon filter — beside the bare SQLite query doing the
same work (the same SQL and parameters on a plain sqlite3 connection) in the same run. p50 / p95 in
ms over RUNS page fetches of varied queries; goal: our p95 ≤ 3× the bare p95.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from ow_testkit import clerk  # noqa: E402

from app.cases.queries import CaseQuery, current_window, page_sql, search_cases  # noqa: E402
from app.cases.search_index import GRAM_REBUILD  # noqa: E402
from app.reference.identity import resident_check_char, uscc_check_char  # noqa: E402
from app.station.bootstrap import open_data_dir  # noqa: E402

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
            "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文斌波宇浩凯鹏辉飞鑫晨婷雪琳欣怡梓涵子轩"
         "佳宁思远俊杰志强海燕春梅德明永红丹阳博文嘉怡雨萱一鸣晓东慧敏瑞")
ORG_WORDS = ("锦程", "宏达", "聚福", "鼎盛", "悦来", "华美", "兴隆", "安康", "恒通", "新禾", "云岫", "江滨", "桂香",
              "百味", "德润", "明辉")
ORG_KINDS = ("餐饮有限公司", "食品店", "商贸有限公司", "药房", "建筑工程有限公司", "运输有限公司", "文化传媒有限公司",
             "便利店")
AREAS = ("330999", "330102", "330106", "330381", "110105", "320106", "440305", "510107")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CLOSED = ("delivered", "approved", "certificate_issued", "denied", "refused", "closed_unanswered", "withdrawn")
OPEN = ("accepted", "under_review", "awaiting_signoff", "suspended", "forwarded", "notified", "received")


def person_id(rng: random.Random) -> str:
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
    first17 = f"{rng.choice(AREAS)}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + resident_check_char(first17)


def uscc(rng: random.Random) -> str:
    first17 = "9" + rng.choice("123") + rng.choice(AREAS) + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return first17 + uscc_check_char(first17)


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) if rng.random() < 0.35 else rng.choice(GIVEN) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + given


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S.%f")


def case_rows(n: int, items: list[tuple[Any, ...]], clerk_id: int, window_id: int,
              end: datetime) -> Iterator[tuple[Any, ...]]:
    """n cases over the five years before `end`, in time order, numbered per day as intake numbers them."""
    rng = random.Random(20261122)
    start = end - timedelta(days=5 * 365)
    step = (end - start) / n
    counter: dict[date, int] = {}
    for i in range(n):
        at = start + step * i + timedelta(seconds=rng.randrange(30))
        day = (at + timedelta(hours=8)).date()
        counter[day] = counter.get(day, 0) + 1
        item_id, code, name, dept, ptype, review, legal, promised = rng.choice(items)
        org = rng.random() < 0.2
        applicant = (f"云岫市{rng.choice(ORG_WORDS)}{rng.choice(ORG_WORDS)}{rng.choice(ORG_KINDS)}" if org
                     else person_name(rng))
        age_days = (end - at).days
        state = rng.choice(OPEN) if age_days < 30 and rng.random() < 0.7 else rng.choice(CLOSED)
        accepted = _stamp(at) if state not in ("received", "notified", "refused") else None
        clock = day.isoformat() if accepted else None
        promised_d = (day + timedelta(days=promised * 7 // 5 + 1)).isoformat() if accepted else None
        legal_d = (day + timedelta(days=legal * 7 // 5 + 2)).isoformat() if accepted else None
        decided = _stamp(at + timedelta(days=rng.randrange(1, 15))) if state in CLOSED[:4] else None
        yield (str(uuid.UUID(int=rng.getrandbits(128))), f"0001{day:%Y%m%d}0{counter[day]:05d}", state, code, name,
               item_id, window_id, dept, ptype, review, "org" if org else "person", applicant,
               "uscc" if org else "resident_id", uscc(rng) if org else person_id(rng),
               f"13{rng.randrange(10**9):09d}", "云岫市桂花巷 12 号", person_name(rng) if org else "",
               _stamp(at), accepted, clock, legal, promised, promised_d, legal_d, decided,
               "approved" if decided else None, clerk_id, _stamp(at), _stamp(at))


INSERT = ('INSERT INTO "case" (id, case_no, state, item_code, item_name, item_id, window_id, department_id, '
          "processing_type, review_mode, applicant_kind, applicant_name, applicant_id_type, applicant_id_number, "
          "applicant_phone, applicant_address, legal_rep, received_at, accepted_at, clock_start, legal_days, "
          "promised_days, promised_deadline, legal_deadline, decided_at, decision, clerk_id, created_at, updated_at, "
          "agent_name, agent_id_type, agent_id_number, agent_phone, deemed_accepted, extension_days, "
          "deadline_provisional, calendar_version, deadline_moved, refusal_reason, refusal_basis, competent_authority, "
          "origin_device, row_version) VALUES (" + ", ".join(["?"] * 29) + ", '', '', '', '', 0, 0, 0, '', 0, '', '', '', "
          "'0001', 1)")


def build(db: Path, n: int, end: datetime) -> float:
    """Bulk insert n cases: indexes and search triggers off during the load, rebuilt after it."""
    t0 = time.perf_counter()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    items = con.execute("SELECT id, code, name, department_id, processing_type, review_mode, legal_days, "
                        "promised_days FROM item").fetchall()
    clerk_id, window_id = con.execute("SELECT id, window_id FROM staff WHERE username='zhangmin'").fetchone()
    schema = begin_bulk_load(con, ("case",))
    con.executemany(INSERT, case_rows(n, items, clerk_id, window_id, end))
    finish_bulk_load(con, schema)
    return time.perf_counter() - t0


def begin_bulk_load(con: sqlite3.Connection, tables: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Open the load's transaction and drop the tables' indexes and triggers (rebuilt once, at the end)."""
    marks = ", ".join("?" * len(tables))
    schema = con.execute(f"SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL "
                         "AND type IN ('index', 'trigger')", tables).fetchall()
    con.execute("BEGIN")
    for kind, name, _sql in schema:
        con.execute(f'DROP {kind.upper()} "{name}"')
    return schema


def finish_bulk_load(con: sqlite3.Connection, schema: list[tuple[str, str, str]]) -> None:
    """Recreate what begin_bulk_load dropped, rebuild the search index, commit, analyse and close."""
    for _kind, _name, sql in sorted(schema, key=lambda r: r[0]):  # indexes before triggers
        con.execute(sql)
    con.execute("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
    for statement in GRAM_REBUILD:
        con.execute(statement)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def pct(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return (time.perf_counter() - t0) * 1000


def main(n: int = 1_000_000, runs: int = 300, keep: Path | None = None) -> None:
    work = Path(tempfile.mkdtemp(prefix="ow-bench-search-"))
    template = work / "template"
    ctx = open_data_dir(template, demo=True)
    ctx.dispose()
    root = keep or work / "data"
    if "--hall" in sys.argv:  # the kept benchmark hall of bench/hall.py (years of history), not a fresh build
        from bench.hall import hall

        root = hall(n)
    if not (root / "onewindow.sqlite").exists():
        shutil.copytree(template, root, dirs_exist_ok=True)
        now = datetime(2026, 11, 20, 2, 0)
        print(f"building {n:,} cases …", flush=True)
        print(f"built in {build(root / 'onewindow.sqlite', n, now):.1f} s "
              f"({(root / 'onewindow.sqlite').stat().st_size / 2**20:.0f} MiB)", flush=True)
    ctx = open_data_dir(root, demo=True)
    # The kept hall's running cases are due around its last intake; the built one's around 11-20.
    clock = datetime(2026, 12, 1, 2, 0) if "--hall" in sys.argv else datetime(2026, 11, 20, 2, 0)
    ctx.clock = lambda: clock
    actor = clerk(ctx)
    bare = sqlite3.connect(root / "onewindow.sqlite", isolation_level=None)
    rng = random.Random(7)
    sample = bare.execute('SELECT applicant_name, case_no, applicant_id_number FROM "case" '
                          "WHERE applicant_kind='person' AND rowid % 997 = 0").fetchall()
    two = [r[0][:2] for r in sample if len(r[0]) >= 2]
    three = [r[0] for r in sample if len(r[0]) == 3]
    numbers = [r[1] for r in sample]
    fragments = [r[2][rng.randrange(6, 12):][:6] for r in sample]
    long_fragments = [r[2][(start := rng.randrange(0, 8)):start + 10] for r in sample]
    with ctx.read() as s:
        window = current_window(s, ctx.today(), 3)

    def compare(label: str, queries: list[CaseQuery], pages: int = 1, fts: bool = False, goal: float = 3.0) -> None:
        """Ours beside the same SQL bare, or (fts) beside the bare FTS5 trigram query of the same fragment."""
        ours: list[float] = []
        raw: list[float] = []
        hits: list[int] = []
        # Cycle the queries until there are `runs` page samples: a p95 of 20 samples is just the maximum.
        plan = [queries[i % len(queries)] for i in range(max(1, runs // pages))]
        for q in plan:
            after = None
            for _ in range(pages):
                search = ("digits", q.text) if fts else None
                sql, params = page_sql(q, window, after, search=search)
                raw.append(timed(lambda sql=sql, params=params: bare.execute(sql, params).fetchall()))
                box: list[Any] = []
                ours.append(timed(lambda q=q, after=after, box=box: box.append(search_cases(ctx, actor, q, after))))
                page = box[0]
                hits.append(len(page.rows))
                after = page.after
                if after is None:
                    break
        ratio = pct(ours, 0.95) / max(pct(raw, 0.95), 1e-6)
        print(f"{label:34s} ours p50 {pct(ours, .5):7.2f} p95 {pct(ours, .95):7.2f} ms | bare p50 "
              f"{pct(raw, .5):7.2f} p95 {pct(raw, .95):7.2f} ms | p95 ratio {ratio:4.2f}× "
              f"(goal ≤ {goal:g}×) | rows/page {statistics.mean(hits):5.1f}", flush=True)

    rng.shuffle(two)
    rng.shuffle(three)
    print(f"{n:,} cases; {runs} queries each; pages of 100")
    compare("name, two characters (prefix)", [CaseQuery(text=t) for t in two])
    compare("name, three characters", [CaseQuery(text=t) for t in three])
    compare("case number (scanned, exact)", [CaseQuery(text=t) for t in numbers])
    compare("ID fragment (6) vs same SQL", [CaseQuery(text=t) for t in fragments])
    compare("ID fragment (6) vs bare FTS5", [CaseQuery(text=t) for t in fragments], fts=True)
    compare("ID fragment (10) vs bare FTS5", [CaseQuery(text=t) for t in long_fragments], fts=True)
    compare("ID fragment (4, trigram)", [CaseQuery(text=t[:4]) for t in long_fragments])
    # Paging is held to the bare SQL more tightly than searching (#18: ≤ 1.5×).
    compare("list, first 5 pages", [CaseQuery()], pages=5, goal=1.5)
    compare("list by state, 5 pages", [CaseQuery(states=("delivered",))], pages=5, goal=1.5)
    compare("due soon (red + yellow)", [CaseQuery(light="due")], goal=1.5)
    compare("name + state filter", [CaseQuery(text=t, states=("approved",)) for t in two])
    bare.close()
    ctx.dispose()
    if keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    keep_dir = Path(sys.argv[sys.argv.index("--keep") + 1]) if "--keep" in sys.argv else None
    if keep_dir is not None and str(keep_dir) in args:
        args.remove(str(keep_dir))
    main(int(args[0]) if args else 1_000_000, int(args[1]) if len(args) > 1 else 300, keep_dir)
