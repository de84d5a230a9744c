"""site visit photos at the window's other workstations: the hashes of the photos the server holds

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A visit recorded here or before 0018 knows no hashes: its photos are its own attachments (or only a count).
    with op.batch_alter_table("site_visit") as batch:
        batch.add_column(sa.Column("photo_hashes_json", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("site_visit") as batch:
        batch.drop_column("photo_hashes_json")
