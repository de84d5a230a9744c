"""commitment.note and credit_record: what a post-check found, and the hall's credit records (信用记录)

Schema as of commit 8553a4d.

Revision ID: s0008
Revises: s0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0008"
down_revision: str | None = "s0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credit_record",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("subject_name", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_credit_record")),
    )
    op.create_index(op.f("ix_credit_record_window_code"), "credit_record", ["window_code"])
    op.add_column("commitment", sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("commitment") as batch:
        batch.drop_column("note")
    op.drop_table("credit_record")
