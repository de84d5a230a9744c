"""site_visit: a case's site visits (现场核查) and their results

Schema as of commit b39742a.

Revision ID: s0006
Revises: s0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0006"
down_revision: str | None = "s0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "site_visit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("case_id", sa.String(36), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("scheduled_by", sa.String(64), nullable=False),
        sa.Column("result", sa.String(16), nullable=True),
        sa.Column("rectify_due", sa.Date(), nullable=True),
        sa.Column("result_by", sa.String(64), nullable=True),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_site_visit_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_visit")),
    )
    op.create_index(op.f("ix_site_visit_case_id"), "site_visit", ["case_id"])


def downgrade() -> None:
    op.drop_table("site_visit")
