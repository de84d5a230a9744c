"""commitment: cases approved on a written commitment (告知承诺) and their post-checks

Schema as of commit 268cbf1.

Revision ID: s0007
Revises: s0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0007"
down_revision: str | None = "s0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commitment",
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("case_no", sa.String(32), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("committed_on", sa.Date(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("check_days", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("checked_on", sa.Date(), nullable=True),
        sa.Column("checked_by", sa.String(64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.String(64), nullable=True),
        sa.Column("revocation_document", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"],
                                name=op.f("fk_commitment_window_code_window")),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_commitment")),
    )
    op.create_index(op.f("ix_commitment_window_code"), "commitment", ["window_code"])


def downgrade() -> None:
    op.drop_table("commitment")
