"""case: the signed decision's terms (licence content and validity) kept on the case

The certificate is drawn from the decision that approved it. The decision's text used to live only in
the signing workstation's case event; kept on the case it travels with the case through sync, so the
workstation that issues the certificate reads exactly what the chief signed.

Revision ID: 0010
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("decision_content", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("decision_validity", sa.String(200), nullable=False, server_default=""))
    # Cases approved before this revision: their terms are in the last deciding event of the case.
    for column, key in (("decision_content", "content"), ("decision_validity", "validity")):
        op.execute(f"""UPDATE "case" SET {column} = COALESCE((
            SELECT json_extract(e.data_json, '$.decision.{key}') FROM case_event e
            WHERE e.case_id = "case".id AND e.kind IN ('decide', 'sign_off', 'decide_on_spot', 'backoffice_decision')
            ORDER BY e.id DESC LIMIT 1), '') WHERE decision = 'approved'""")


def downgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.drop_column("decision_validity")
        batch.drop_column("decision_content")
