"""a narrow index for the lists' totals

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 07:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_listings_fresh", "listings", ["need", "place", "verified_on"])


def downgrade() -> None:
    op.drop_index("ix_listings_fresh", table_name="listings")
