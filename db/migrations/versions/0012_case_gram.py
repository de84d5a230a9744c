"""case search: an index of six-character pieces of case, ID and USCC numbers, flat as the hall grows;
the certificate register's order (ix_certificate_issued); the due panel's moved cases (ix_case_moved)

Revision ID: 0012
Revises: 0010

FTS5 trigram search over digits slows with the hall: there are only 1,000 digit trigrams, so each one's
list holds a large share of all cases and a fragment's lists must be intersected. `case_gram` keeps every
six-character piece of the three numbers with the case's rowid, keyed (gram, rowid): a fragment of six or
more characters walks one piece's short list in rowid order (app.cases.search_index). Triggers keep it
current; fragments of three to five characters still use case_fts.

The text below repeats app/cases/search_index.py (a migration never imports app code); keep the two the same.
A batch (copy-and-move) migration of "case" drops these triggers: ensure_search_index() rebuilds them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GRAM = 6
POSITIONS = "(VALUES " + ", ".join(f"({i})" for i in range(1, 40 - GRAM + 2)) + ")"  # String(40) columns
COLUMNS = ("case_no", "applicant_id_number", "agent_id_number")


def _row_grams(row: str, rowid: str = "") -> str:
    extra = f", {rowid}" if rowid else ""
    values = " UNION ALL ".join(f"SELECT upper({row}.{c})" + (" AS s" if i == 0 else "") for i, c in enumerate(COLUMNS))
    return (f"SELECT substr(v.s, p.column1, {GRAM}){extra} FROM ({values}) v, {POSITIONS} p "
            f"WHERE length(v.s) >= p.column1 + {GRAM - 1}")


def ddl() -> tuple[str, ...]:
    delete_old = f"DELETE FROM case_gram WHERE case_rowid = old.rowid AND gram IN ({_row_grams('old')}); "
    insert_new = f"INSERT OR IGNORE INTO case_gram (gram, case_rowid) {_row_grams('new', 'new.rowid')}; "
    return (
        "CREATE TABLE IF NOT EXISTS case_gram (gram TEXT NOT NULL, case_rowid INTEGER NOT NULL, "
        "PRIMARY KEY (gram, case_rowid)) WITHOUT ROWID",
        f'CREATE TRIGGER IF NOT EXISTS case_gram_ai AFTER INSERT ON "case" BEGIN {insert_new}END',
        f'CREATE TRIGGER IF NOT EXISTS case_gram_ad AFTER DELETE ON "case" BEGIN {delete_old}END',
        "CREATE TRIGGER IF NOT EXISTS case_gram_au AFTER UPDATE OF case_no, applicant_id_number, agent_id_number "
        f'ON "case" BEGIN {delete_old}{insert_new}END',
    )


def fill() -> str:
    """Every existing case's pieces, sorted so the B-tree is written in key order."""
    parts = [f'SELECT substr(upper(c.{col}), p.column1, {GRAM}), c.rowid FROM "case" c, {POSITIONS} p '
             f"WHERE length(c.{col}) >= p.column1 + {GRAM - 1}" for col in COLUMNS]
    return f"INSERT OR IGNORE INTO case_gram (gram, case_rowid) {' UNION ALL '.join(parts)} ORDER BY 1, 2"


def upgrade() -> None:
    for statement in ddl():
        op.execute(statement)
    op.execute(fill())
    # The certificate register pages newest first: walked along this index it stops after a page.
    op.create_index("ix_certificate_issued", "certificate", ["issued_on", "number"])
    # The due panel's cases whose date moved: only those (without it the list scanned every case, 3 s at 1M).
    op.create_index("ix_case_moved", "case", ["received_at"], sqlite_where=sa.text("deadline_moved = 1"))
    op.create_index("ix_case_moved_window", "case", ["window_id", "received_at"],
                    sqlite_where=sa.text("deadline_moved = 1"))


def downgrade() -> None:
    op.drop_index("ix_case_moved_window", "case")
    op.drop_index("ix_case_moved", "case")
    op.drop_index("ix_certificate_issued", "certificate")
    for name in ("case_gram_au", "case_gram_ad", "case_gram_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS case_gram")
