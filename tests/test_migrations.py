"""The migrations build exactly the schema the models describe, and can be walked back."""

from __future__ import annotations

import asyncio
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


async def test_entry_documents_are_rebuilt_from_the_tables(tmp_path: Path) -> None:
    """Migration 0008 fills each entry's document from its tables, exactly as the application
    writes it: same fields, same order, staff notes included."""
    from sqlalchemy import select

    from bot import directory
    from bot.models import Entry
    from tests.directory_data import as_yaml, standard_entries
    from tests.harness import load_directory

    url = databases.url_for(tmp_path, "documents")
    await load_directory(url, as_yaml(standard_entries()))
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            written = dict((await session.execute(select(Entry.id, Entry.document))).all())
        config = database.alembic_config(url)
        async with engine.begin() as connection:
            await connection.run_sync(_walk, config)
        async with database.make_sessionmaker(engine)() as session:
            rebuilt = dict((await session.execute(select(Entry.id, Entry.document))).all())
    finally:
        await engine.dispose()
    assert rebuilt == written
    assert any("internal_note" in document for document in rebuilt.values())
    assert directory.from_document(rebuilt["cn-shelter-all"]).contacts[1].type == "wechat"


def _walk(connection: Any, config: Any) -> None:
    config.attributes["connection"] = connection
    command.downgrade(config, "0007")
    command.upgrade(config, "head")


def test_head_names_the_newest_migration() -> None:
    """`database.HEAD` lets a running bot skip Alembic on a current database; a migration
    added without moving it would never be applied by `helpline run`."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(database.alembic_config("sqlite://"))
    assert script.get_heads() == [database.HEAD]


async def test_an_older_database_is_still_migrated_on_start(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path, "older")
    await asyncio.to_thread(command.upgrade, database.alembic_config(url), "0009")
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        async with engine.connect() as connection:
            revision = await connection.run_sync(database._revision)
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert (revision, differences) == (database.HEAD, [])


def test_a_current_database_is_opened_without_alembic(tmp_path: Path) -> None:
    """Alembic stays out of a bot's memory when there is nothing to migrate."""
    import subprocess
    import sys

    url = databases.url_for(tmp_path, "current")
    database.upgrade_url(url)
    probe = (
        "import asyncio, sys\n"
        "from bot import database\n"
        "async def main():\n"
        "    engine = database.make_engine(sys.argv[1])\n"
        "    await database.upgrade(engine)\n"
        "    await engine.dispose()\n"
        "asyncio.run(main())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, url], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_two_upgrades_at_once_on_a_fresh_postgresql_database(tmp_path: Path, postgres: str) -> None:
    """Two processes started together (two instances' ExecStartPre, or an admin's command
    beside a starting service) migrate a new database once between them, both exiting 0."""
    import os
    import subprocess
    import sys

    project = Path(__file__).resolve().parent.parent
    for attempt in range(3):  # the race is the whole first migration: each round must pass
        url = databases.database_on(postgres, f"race{attempt}")
        env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(project)}
        env.pop("HELPLINE_ENV_FILE", None)
        started = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "db", "upgrade"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        results = [(p.wait(120), *p.communicate()) for p in started]
        assert [code for code, _out, _err in results] == [0, 0], results
        assert databases.schema_exists(url)
