"""each entry's whole text in one column, for screens that read one row

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 06:30:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LANG_ORDER = {"ko": 0, "zh": 1, "en": 2}


def _documents(connection: sa.Connection) -> dict[str, str]:
    """Each entry as the file format's fields, from the tables (as the application wrote it
    at this revision), keys and order as `bot.directory_file.entry_to_data` gives them."""
    rows = connection.execute(
        sa.text("SELECT id, status, verified_on, internal_note FROM entries")
    ).all()
    data: dict[str, dict[str, Any]] = {}
    for entry_id, status, verified_on, note in rows:
        item: dict[str, Any] = {"id": entry_id, "status": status}
        if verified_on is not None:
            item["verified_on"] = str(verified_on)
        item.update(categories=[], regions=[], languages=[])
        item["_texts"] = {"name": {}, "description": {}, "hours": {}}
        item["contacts"] = []
        item["_note"] = note
        data[entry_id] = item
    for table, column, key in (
        ("entry_categories", "category", "categories"),
        ("entry_regions", "region", "regions"),
        ("entry_languages", "lang", "languages"),
    ):
        query = f"SELECT entry_id, {column} FROM {table} ORDER BY entry_id, position"
        for entry_id, value in connection.execute(sa.text(query)):
            data[entry_id][key].append(value)
    for entry_id, field, lang, text in connection.execute(
        sa.text("SELECT entry_id, field, lang, text FROM entry_texts")
    ):
        data[entry_id]["_texts"][field][lang] = text
    for entry_id, kind, value in connection.execute(
        sa.text("SELECT entry_id, type, value FROM contacts ORDER BY entry_id, position")
    ):
        data[entry_id]["contacts"].append({"type": kind, "value": value})
    out = {}
    for entry_id, item in data.items():
        texts, contacts, note = item.pop("_texts"), item.pop("contacts"), item.pop("_note")
        for field in ("name", "description", "hours"):
            values = texts[field]
            if values or field == "name":
                order = sorted(values, key=lambda k: (LANG_ORDER.get(k, len(LANG_ORDER)), k))
                item[field] = {k: values[k] for k in order}
        item["contacts"] = contacts
        if note:
            item["internal_note"] = note
        out[entry_id] = json.dumps(item, ensure_ascii=False)
    return out


def upgrade() -> None:
    op.add_column("entries", sa.Column("document", sa.Text(), nullable=True))
    connection = op.get_bind()
    for entry_id, document in _documents(connection).items():
        connection.execute(
            sa.text("UPDATE entries SET document = :document WHERE id = :id"),
            {"document": document, "id": entry_id},
        )
    # Left NULL-able: making it NOT NULL on SQLite means rebuilding `entries`, and dropping the
    # old table would cascade-delete every row that refers to it.


def downgrade() -> None:
    op.drop_column("entries", "document")
