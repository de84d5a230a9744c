"""desks: partial indexes holding only the cases a desk shows, so desks do not grow with history

The review desk reads the running cases and those the department decided (no approver here); the
certificate desk reads approved cases waiting for their certificate. Each index holds just those rows:
a workstation with years of closed cases walks the same few hundred entries as a new one.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as in db/models/cases.py: SQLite uses a partial index only when the query repeats its WHERE.
DESK_WHERE = ("state IN ('accepted', 'under_review', 'forwarded') "
              "OR (state IN ('approved', 'denied') AND approver_id IS NULL)")
ISSUE_WHERE = "state = 'approved' AND decision = 'approved'"


def upgrade() -> None:
    op.create_index("ix_case_desk_pending", "case", ["window_id", "promised_deadline"],
                    sqlite_where=sa.text(DESK_WHERE))
    op.create_index("ix_case_awaiting_issue", "case", ["issue_deadline"], sqlite_where=sa.text(ISSUE_WHERE))


def downgrade() -> None:
    op.drop_index("ix_case_awaiting_issue", "case")
    op.drop_index("ix_case_desk_pending", "case")
