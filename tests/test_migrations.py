"""The migrations build exactly the schema the models describe, and can be walked back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from bot import database
from bot.models import Base


def test_migrations_match_the_models(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    command.upgrade(database.alembic_config(f"sqlite+aiosqlite:///{path}"), "head")
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []


def test_every_migration_can_be_undone_and_done_again(tmp_path: Path) -> None:
    config = database.alembic_config(f"sqlite+aiosqlite:///{tmp_path / 'walk.db'}")
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
