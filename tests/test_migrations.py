"""The migrations build exactly the schema the models describe, and can be walked back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot import database
from bot.models import Base
from tests import databases


def _differences(connection: Any) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path, "fresh")
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


def test_every_migration_can_be_undone_and_done_again(tmp_path: Path) -> None:
    config = database.alembic_config(databases.url_for(tmp_path, "walk"))
    command.upgrade(config, "head")
    command.downgrade(config, "base")
    command.upgrade(config, "head")
