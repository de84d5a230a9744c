"""bundle desk: a partial index holding only the bundles the comprehensive window still follows

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as in db/models/bundles.py: SQLite uses a partial index only when the query repeats its WHERE.
BUNDLE_DESK_WHERE = "state IN ('open', 'notified', 'ready', 'stopped')"


def upgrade() -> None:
    op.create_index("ix_bundle_desk_open", "bundle", ["window_id", "received_at", "id"],
                    sqlite_where=sa.text(BUNDLE_DESK_WHERE))


def downgrade() -> None:
    op.drop_index("ix_bundle_desk_open", "bundle")
