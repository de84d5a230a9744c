"""ways of working (#21): the 上报 deadline of a case, and consultations under 首问负责制

`case.forward_due` is two working days from the day the papers are complete, `forwarded_at` when the case
went to the department; a partial index holds only the cases still to be forwarded (the due panel reads it).
Consultations are kept with the items asked about (counted per window and item in the figures).

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The same text as db/models/cases.py FORWARD_PENDING_SQL (SQLite uses a partial index only for its WHERE).
FORWARD_WHERE = ("forward_due IS NOT NULL AND forwarded_at IS NULL "
                 "AND state IN ('accepted', 'under_review', 'awaiting_signoff')")


def upgrade() -> None:
    op.add_column("case", sa.Column("forward_due", sa.Date(), nullable=True))
    op.add_column("case", sa.Column("forwarded_at", sa.DateTime(), nullable=True))
    op.create_index("ix_case_forward_pending", "case", ["window_id", "forward_due"],
                    sqlite_where=sa.text(FORWARD_WHERE))
    op.create_table(
        "consultation",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("person_name", sa.String(100), nullable=False),
        sa.Column("person_phone", sa.String(40), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("referral_window_id", sa.Integer(), nullable=True),
        sa.Column("notice_document_id", sa.String(36), nullable=True),
        sa.Column("case_id", sa.String(36), nullable=True),
        sa.Column("origin_device", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(["window_id"], ["window.id"], name=op.f("fk_consultation_window_id_window")),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_consultation_staff_id_staff")),
        sa.ForeignKeyConstraint(["referral_window_id"], ["window.id"],
                                name=op.f("fk_consultation_referral_window_id_window")),
        sa.ForeignKeyConstraint(["notice_document_id"], ["document.id"],
                                name=op.f("fk_consultation_notice_document_id_document")),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_consultation_case_id_case")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation")),
    )
    op.create_index("ix_consultation_window_at", "consultation", ["window_id", "at"])
    op.create_index(op.f("ix_consultation_case_id"), "consultation", ["case_id"])
    op.create_table(
        "consultation_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultation_id", sa.String(36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("item_code", sa.String(64), nullable=False),
        sa.Column("item_name", sa.String(200), nullable=False),
        sa.Column("window_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["consultation_id"], ["consultation.id"], ondelete="CASCADE",
                                name=op.f("fk_consultation_item_consultation_id_consultation")),
        sa.ForeignKeyConstraint(["item_id"], ["item.id"], name=op.f("fk_consultation_item_item_id_item")),
        sa.ForeignKeyConstraint(["window_id"], ["window.id"], name=op.f("fk_consultation_item_window_id_window")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_item")),
    )
    op.create_index("ix_consultation_item_code", "consultation_item", ["item_code"])
    op.create_index(op.f("ix_consultation_item_consultation_id"), "consultation_item", ["consultation_id"])


def downgrade() -> None:
    op.drop_table("consultation_item")
    op.drop_table("consultation")
    op.drop_index("ix_case_forward_pending", "case")
    op.drop_column("case", "forwarded_at")
    op.drop_column("case", "forward_due")
