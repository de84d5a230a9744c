"""The two search indexes over case numbers and ID / USCC numbers, and their repair after a table rebuild.

- `case_fts` (migration 0003): an FTS5 trigram table, for fragments of three to five characters.
- `case_gram` (migration 0012): every six-character piece of the three numbers with the case's rowid,
  keyed (gram, rowid). A fragment of six or more characters is found by equality on one of its six-
  character pieces, walked in rowid order, and checked against the row. FTS5 must intersect the doclists
  of all the fragment's trigrams, and over digits those lists grow with the hall (there are only 1,000
  digit trigrams); a six-character piece has a million values, so its list stays short and a page stops
  after its 100 rows whatever the size of the hall.

The gram table holds no more than the FTS table already does (pieces of the numbers, with the row they
come from); the full numbers stay where they were, in "case".
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import text
from sqlalchemy.orm import Session

GRAM = 6  # the shortest fragment the gram index answers; shorter ones go to the FTS5 trigram table
_LONGEST = 40  # the columns are String(40): a piece may start at any of the first 35 characters
_POSITIONS = "(VALUES " + ", ".join(f"({i})" for i in range(1, _LONGEST - GRAM + 2)) + ")"
PROBE_LIMIT = 256  # counting a piece's rows stops here: enough to tell a rare piece from a common one


def grams_select(row: str, rowid: str = "") -> str:
    """SELECT every six-character piece of a trigger row's three numbers (upper case), with `rowid` if given."""
    extra = f", {rowid}" if rowid else ""
    return (f"SELECT substr(v.s, p.column1, {GRAM}){extra} FROM (SELECT upper({row}.case_no) AS s "
            f"UNION ALL SELECT upper({row}.applicant_id_number) UNION ALL SELECT upper({row}.agent_id_number)) v, "
            f"{_POSITIONS} p WHERE length(v.s) >= p.column1 + {GRAM - 1}")


def _table_grams(column: str) -> str:
    return (f'SELECT substr(upper(c.{column}), p.column1, {GRAM}), c.rowid FROM "case" c, {_POSITIONS} p '
            f"WHERE length(c.{column}) >= p.column1 + {GRAM - 1}")


_DELETE_OLD = f"DELETE FROM case_gram WHERE case_rowid = old.rowid AND gram IN ({grams_select('old')}); "
_INSERT_NEW = f"INSERT OR IGNORE INTO case_gram (gram, case_rowid) {grams_select('new', 'new.rowid')}; "
# Migration 0012 repeats this text (a migration never imports app code); keep the two the same.
GRAM_DDL = (
    "CREATE TABLE IF NOT EXISTS case_gram (gram TEXT NOT NULL, case_rowid INTEGER NOT NULL, "
    "PRIMARY KEY (gram, case_rowid)) WITHOUT ROWID",
    f"CREATE TRIGGER IF NOT EXISTS case_gram_ai AFTER INSERT ON \"case\" BEGIN {_INSERT_NEW}END",
    f"CREATE TRIGGER IF NOT EXISTS case_gram_ad AFTER DELETE ON \"case\" BEGIN {_DELETE_OLD}END",
    "CREATE TRIGGER IF NOT EXISTS case_gram_au AFTER UPDATE OF case_no, applicant_id_number, agent_id_number "
    f"ON \"case\" BEGIN {_DELETE_OLD}{_INSERT_NEW}END",
)
# Sorted, so the B-tree is written in order: at a million cases far faster than in row order.
GRAM_REBUILD = ("DELETE FROM case_gram",
                "INSERT OR IGNORE INTO case_gram (gram, case_rowid) "
                + " UNION ALL ".join(_table_grams(c) for c in ("case_no", "applicant_id_number", "agent_id_number"))
                + " ORDER BY 1, 2")

# Migration 0003's DDL, repeated here to repair a rebuilt table.
FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_fts USING fts5(case_no, applicant_id_number, agent_id_number, "
    "content='case', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS case_fts_ai AFTER INSERT ON \"case\" BEGIN "
    "INSERT INTO case_fts(rowid, case_no, applicant_id_number, agent_id_number) "
    "VALUES (new.rowid, new.case_no, new.applicant_id_number, new.agent_id_number); END",
    "CREATE TRIGGER IF NOT EXISTS case_fts_ad AFTER DELETE ON \"case\" BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, case_no, applicant_id_number, agent_id_number) "
    "VALUES ('delete', old.rowid, old.case_no, old.applicant_id_number, old.agent_id_number); END",
    "CREATE TRIGGER IF NOT EXISTS case_fts_au AFTER UPDATE OF case_no, applicant_id_number, agent_id_number "
    "ON \"case\" BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, case_no, applicant_id_number, agent_id_number) "
    "VALUES ('delete', old.rowid, old.case_no, old.applicant_id_number, old.agent_id_number); "
    "INSERT INTO case_fts(rowid, case_no, applicant_id_number, agent_id_number) "
    "VALUES (new.rowid, new.case_no, new.applicant_id_number, new.agent_id_number); END",
    "INSERT INTO case_fts(case_fts) VALUES ('rebuild')",
)
_FTS_NAMES = ("case_fts", "case_fts_ai", "case_fts_ad", "case_fts_au")
_GRAM_NAMES = ("case_gram", "case_gram_ai", "case_gram_ad", "case_gram_au")


def _present(session: Session, names: tuple[str, ...]) -> bool:
    marks = ", ".join(f"'{n}'" for n in names)
    found = session.execute(text(f"SELECT count(*) FROM sqlite_master WHERE name IN ({marks})")).scalar_one()
    return found == len(names)


def ensure_search_index(session: Session) -> bool:
    """Recreate either index and its triggers if a later table rebuild dropped them; True if it had to.

    A batch migration copies "case" into a new table: the triggers go and rowids may change, so an index
    found incomplete is rebuilt from the rows, not just given its triggers back."""
    repaired = False
    if not _present(session, _FTS_NAMES):
        for statement in FTS_DDL:
            session.execute(text(statement))
        repaired = True
    if not _present(session, _GRAM_NAMES):
        for statement in (*GRAM_DDL, *GRAM_REBUILD):
            session.execute(text(statement))
        repaired = True
    return repaired


def pieces(term: str) -> list[str]:
    """The six-character pieces of a fragment, in order (the fragment itself when it is six long)."""
    return [term[i:i + GRAM] for i in range(len(term) - GRAM + 1)]


def rarest_piece(con: sqlite3.Connection, term: str) -> str:
    """The piece of `term` with the fewest cases (counted up to PROBE_LIMIT each), to walk the index by.

    Every page then reads at most that piece's rows, checked against the whole fragment; a piece of an
    ID's area code (one case in eight) is passed over for the birth date or serial number beside it."""
    candidates = list(dict.fromkeys(pieces(term)))
    if len(candidates) == 1:
        return candidates[0]
    best, fewest = candidates[0], PROBE_LIMIT + 1
    for piece in candidates:
        # LIMIT written in, not bound: a bound LIMIT re-prepares the statement on SQLCipher's SQLite (#19).
        (n,) = con.execute(f"SELECT count(*) FROM (SELECT 1 FROM case_gram WHERE gram = ? LIMIT {int(PROBE_LIMIT)})",
                           (piece,)).fetchone()
        if n < fewest:
            best, fewest = piece, n
        if n == 0:
            break
    return best
