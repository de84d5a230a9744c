"""bundles received for examination (收件) are on the comprehensive window's follow-up list too

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as in db/models/bundles.py: SQLite uses a partial index only when the query repeats its WHERE.
BUNDLE_DESK_WHERE = "state IN ('received', 'open', 'notified', 'ready', 'stopped')"
BEFORE = "state IN ('open', 'notified', 'ready', 'stopped')"


def upgrade() -> None:
    op.drop_index("ix_bundle_desk_open", "bundle")
    op.create_index("ix_bundle_desk_open", "bundle", ["window_id", "received_at", "id"],
                    sqlite_where=sa.text(BUNDLE_DESK_WHERE))


def downgrade() -> None:
    op.drop_index("ix_bundle_desk_open", "bundle")
    op.create_index("ix_bundle_desk_open", "bundle", ["window_id", "received_at", "id"], sqlite_where=sa.text(BEFORE))
