"""listings: where each verified entry is listed, in each user language's order

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 06:50:00
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLACES = ("CN", "KR", "TRANSIT", "OTHER")
LANGS = ("ko", "zh", "en")


def _key(item: dict[str, Any], lang: str) -> str:
    """As `bot.directory.listing_key` at this revision."""
    names: dict[str, str] = item.get("name", {})
    for candidate in (lang, "en", *sorted(names)):
        if candidate in names:
            name = names[candidate]
            break
    else:
        name = item["id"]
    return ("0" if lang in item["languages"] else "1") + name


def upgrade() -> None:
    table = op.create_table(
        "listings",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("need", sa.String(length=32), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=False),
        sa.Column("key_ko", sa.Text(), nullable=False),
        sa.Column("key_zh", sa.Text(), nullable=False),
        sa.Column("key_en", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_listings_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "need", "place", name=op.f("pk_listings")),
    )
    for lang in LANGS:
        op.create_index(
            f"ix_listings_{lang}",
            "listings",
            ["need", "place", f"key_{lang}", "entry_id", "verified_on"],
        )
    connection = op.get_bind()
    rows = []
    query = "SELECT document, verified_on FROM entries WHERE status = 'verified'"
    for document, verified_on in connection.execute(sa.text(query)):
        if document is None or verified_on is None:
            continue
        item = json.loads(document)
        keys = {f"key_{lang}": _key(item, lang) for lang in LANGS}
        anywhere = "ANY" in item["regions"]
        places = PLACES if anywhere else [p for p in PLACES if p in item["regions"]]
        spots = [(need, place) for need in item["categories"] for place in places]
        if anywhere:
            spots.append(("", "ANY"))
        for need, place in spots:
            rows.append(
                {
                    "entry_id": item["id"],
                    "need": need,
                    "place": place,
                    "verified_on": dt.date.fromisoformat(str(verified_on)),
                    **keys,
                }
            )
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    for lang in LANGS:
        op.drop_index(f"ix_listings_{lang}", table_name="listings")
    op.drop_table("listings")
