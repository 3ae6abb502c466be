"""proposals, and what the bot keeps about staff between their taps

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 05:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("author", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("base", sa.Text(), nullable=False),
        sa.Column("proposed", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewer", sa.BigInteger(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index("ix_proposals_state", "proposals", ["state", "id"])
    op.create_index("ix_proposals_author", "proposals", ["author", "state"])
    with op.batch_alter_table("staff") as batch:
        batch.add_column(
            sa.Column("lang", sa.String(length=8), nullable=False, server_default="en")
        )
        batch.add_column(sa.Column("waiting_for", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("waiting_since")
        batch.drop_column("waiting_for")
        batch.drop_column("lang")
    op.drop_index("ix_proposals_author", table_name="proposals")
    op.drop_index("ix_proposals_state", table_name="proposals")
    op.drop_table("proposals")
