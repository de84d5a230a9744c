"""scans of a case's materials taken at another workstation, to fetch after the pull

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "remote_scan",
        sa.Column("case_id", sa.String(36), sa.ForeignKey("case.id"), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("filename", sa.String(200), nullable=False),
        sa.Column("material", sa.String(200), nullable=False, server_default=""),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("remote_scan")
