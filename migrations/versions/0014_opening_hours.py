"""structured opening hours on directory entries (file version 2, `opening`)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 20:30:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No entry has structured hours before this revision: the columns start empty, as the
    # documents (which gain an `opening` key only when an entry has some).
    op.add_column("entries", sa.Column("opening_rule", sa.Text(), nullable=True))
    op.add_column("entries", sa.Column("opening_zone", sa.String(length=64), nullable=True))
    op.add_column("entries", sa.Column("opening_holidays", sa.String(length=8), nullable=True))


def downgrade() -> None:
    """The columns go, and `opening` leaves each entry's document, so that the older
    application reads and writes the entries exactly as it wrote them."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text("SELECT id, document FROM entries WHERE opening_rule IS NOT NULL")
    ).all()
    for entry_id, document in rows:
        data = json.loads(document)
        data.pop("opening", None)
        connection.execute(
            sa.text("UPDATE entries SET document = :document WHERE id = :id"),
            {"document": json.dumps(data, ensure_ascii=False), "id": entry_id},
        )
    # Dropped in place, never by rebuilding `entries` (SQLite's batch mode): dropping the old
    # table would cascade-delete every row that refers to it.
    for column in ("opening_holidays", "opening_zone", "opening_rule"):
        op.drop_column("entries", column)
