"""case desk: indexes for paged lists and figures, trigram search over case numbers and ID numbers

Revision ID: 0003
Revises: 0002

Names are searched by prefix on ix_case_applicant_name (0001): trigram FTS cannot match the one- and
two-character queries most Chinese names need. Digits (case numbers, ID / USCC numbers) are searched
by substring through the FTS5 trigram table `case_fts`, an external-content index over "case" kept
current by three triggers.

NOTE for later migrations: a batch (copy-and-move) migration of "case" drops these triggers and may
renumber rowids. app.case_queries.ensure_search_index() notices missing triggers and rebuilds the
index, but a migration that rebuilds "case" should recreate them itself (copy the DDL below).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RUNNING = "state IN ('accepted', 'under_review', 'awaiting_signoff', 'forwarded')"

FTS_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_fts USING fts5("
    "case_no, applicant_id_number, agent_id_number, content='case', content_rowid='rowid', tokenize='trigram')",
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


def upgrade() -> None:
    # Keyset pages ordered by (received_at, rowid): the rowid rides along in every SQLite index.
    # Plain CREATE INDEX, no batch: the table is not copied, so rowids and triggers stay as they are.
    op.create_index("ix_case_received_at", "case", ["received_at"])
    op.create_index("ix_case_state_received", "case", ["state", "received_at"])
    op.create_index("ix_case_item_received", "case", ["item_code", "received_at"])
    op.create_index("ix_case_accepted_at", "case", ["accepted_at"])
    op.create_index("ix_case_decided_at", "case", ["decided_at"])
    # Only cases whose clock runs: the due-soon panel and the light filters walk it in deadline order.
    op.execute(f'CREATE INDEX ix_case_running_promised ON "case" (promised_deadline) WHERE {RUNNING}')
    op.create_index("ix_case_event_to_state_at", "case_event", ["to_state", "at"])
    for statement in FTS_DDL:
        op.execute(statement)


def downgrade() -> None:
    for name in ("case_fts_au", "case_fts_ad", "case_fts_ai"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS case_fts")
    op.drop_index("ix_case_event_to_state_at", "case_event")
    op.execute("DROP INDEX IF EXISTS ix_case_running_promised")
    for name in ("ix_case_decided_at", "ix_case_accepted_at", "ix_case_item_received", "ix_case_state_received",
                 "ix_case_received_at"):
        op.drop_index(name, "case")
