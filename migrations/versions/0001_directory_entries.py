"""directory entries

Revision ID: 0001
Revises:
Create Date: 2026-11-29 03:31:22.307675
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entries",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entries")),
    )
    op.create_index(op.f("ix_entries_status"), "entries", ["status"], unique=False)
    op.create_table(
        "contacts",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_contacts_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "position", name=op.f("pk_contacts")),
    )
    op.create_table(
        "entry_categories",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_categories_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "category", name=op.f("pk_entry_categories")),
    )
    op.create_index(
        "ix_entry_categories_category", "entry_categories", ["category", "entry_id"], unique=False
    )
    op.create_table(
        "entry_languages",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_languages_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "lang", name=op.f("pk_entry_languages")),
    )
    op.create_table(
        "entry_regions",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("region", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_regions_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "region", name=op.f("pk_entry_regions")),
    )
    op.create_index(
        "ix_entry_regions_region", "entry_regions", ["region", "entry_id"], unique=False
    )
    op.create_table(
        "entry_texts",
        sa.Column("entry_id", sa.String(length=40), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name=op.f("fk_entry_texts_entry_id_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "field", "lang", name=op.f("pk_entry_texts")),
    )


def downgrade() -> None:
    op.drop_table("entry_texts")
    op.drop_index("ix_entry_regions_region", table_name="entry_regions")
    op.drop_table("entry_regions")
    op.drop_table("entry_languages")
    op.drop_index("ix_entry_categories_category", table_name="entry_categories")
    op.drop_table("entry_categories")
    op.drop_table("contacts")
    op.drop_index(op.f("ix_entries_status"), table_name="entries")
    op.drop_table("entries")
