"""once-a-day jobs claimed by one process

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 06:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "daily_jobs",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("name", "day", name=op.f("pk_daily_jobs")),
    )


def downgrade() -> None:
    op.drop_table("daily_jobs")
