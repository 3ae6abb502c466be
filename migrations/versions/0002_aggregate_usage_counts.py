"""aggregate usage counts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 04:07:17.622264
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("metric", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "metric", "key", name=op.f("pk_daily_counts")),
    )
    op.create_table(
        "weekly_need_place",
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("need", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "need", "place", name=op.f("pk_weekly_need_place")),
    )


def downgrade() -> None:
    op.drop_table("weekly_need_place")
    op.drop_table("daily_counts")
