"""statistics published by fixed weeks and months, each decided once

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stats_periods",
        sa.Column("label", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("label", name=op.f("pk_stats_periods")),
    )
    op.create_index(op.f("ix_stats_periods_last_day"), "stats_periods", ["last_day"], unique=False)
    op.create_table(
        "stats_cells",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("cell", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["period"],
            ["stats_periods.label"],
            name=op.f("fk_stats_cells_period_stats_periods"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("period", "cell", name=op.f("pk_stats_cells")),
    )


def downgrade() -> None:
    op.drop_table("stats_cells")
    op.drop_index(op.f("ix_stats_periods_last_day"), table_name="stats_periods")
    op.drop_table("stats_periods")
