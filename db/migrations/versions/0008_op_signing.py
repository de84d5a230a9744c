"""ops signed by the person who made them: per-person signing keys, the frozen signed op in the outbox

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "signing_key",
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("sealed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("registered_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_signing_key")),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("actor", sa.String(64), nullable=False, server_default=""))
        batch.add_column(sa.Column("wire_json", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("signature", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("signature")
        batch.drop_column("wire_json")
        batch.drop_column("actor")
    op.drop_table("signing_key")
