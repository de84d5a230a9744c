"""consultation: the consultations recorded at the windows (首问负责制)

Schema as of commit 42d6e18.

Revision ID: s0005
Revises: s0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "s0005"
down_revision: str | None = "s0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consultation",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("window_code", sa.String(32), nullable=False),
        sa.Column("staff", sa.String(64), nullable=False),
        sa.Column("device_id", sa.String(36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("local_day", sa.Date(), nullable=False),
        sa.Column("item_codes", sa.Text(), nullable=False),
        sa.Column("referral_window_code", sa.String(32), nullable=True),
        sa.Column("case_no", sa.String(32), nullable=True),
        sa.Column("record_json", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["referral_window_code"], ["window.code"],
                                name=op.f("fk_consultation_referral_window_code_window")),
        sa.ForeignKeyConstraint(["staff"], ["staff.username"], name=op.f("fk_consultation_staff_staff")),
        sa.ForeignKeyConstraint(["window_code"], ["window.code"],
                                name=op.f("fk_consultation_window_code_window")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    op.create_index("ix_consultation_window_day", "consultation", ["window_code", "local_day"])


def downgrade() -> None:
    op.drop_table("consultation")
