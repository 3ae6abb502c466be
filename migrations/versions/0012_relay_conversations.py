"""talk to a person: open conversations, blocks, staff duty and signature

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "relay_conversations",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("topic_id", sa.BigInteger(), nullable=True),
        sa.Column("chat_tag", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_activity", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_relay_conversations")),
        sa.UniqueConstraint("chat_tag", name=op.f("uq_relay_conversations_chat_tag")),
        sa.UniqueConstraint("topic_id", name=op.f("uq_relay_conversations_topic_id")),
    )
    op.create_index(
        op.f("ix_relay_conversations_last_activity"),
        "relay_conversations",
        ["last_activity"],
        unique=False,
    )
    op.create_table(
        "relay_blocks",
        sa.Column("tag", sa.LargeBinary(length=32), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tag", name=op.f("pk_relay_blocks")),
    )
    op.create_index(op.f("ix_relay_blocks_until"), "relay_blocks", ["until"], unique=False)
    with op.batch_alter_table("staff") as batch:
        batch.add_column(
            sa.Column("on_duty", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("signature", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("signature")
        batch.drop_column("on_duty")
    op.drop_index(op.f("ix_relay_blocks_until"), table_name="relay_blocks")
    op.drop_table("relay_blocks")
    op.drop_index(op.f("ix_relay_conversations_last_activity"), table_name="relay_conversations")
    op.drop_table("relay_conversations")
