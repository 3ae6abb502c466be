"""The migrations build exactly the schema the models describe, and can be walked back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import database
from bot.db.models import Base
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


def _schema(connection: Any) -> dict[str, Any]:
    """Every table as the database describes it: columns, keys, indexes and constraints."""
    found = inspect(connection)
    described: dict[str, Any] = {}
    for table in sorted(found.get_table_names()):
        columns = [
            (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
            for c in found.get_columns(table)
        ]
        keys = sorted(
            (
                tuple(k["constrained_columns"]),
                k["referred_table"],
                tuple(k["referred_columns"]),
                str(sorted((k.get("options") or {}).items())),  # ON DELETE CASCADE, say
            )
            for k in found.get_foreign_keys(table)
        )
        indexes = sorted(
            (i["name"], tuple(i["column_names"]), bool(i["unique"]))
            for i in found.get_indexes(table)
        )
        uniques = sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(table))
        checks = sorted(" ".join(c["sqltext"].split()) for c in found.get_check_constraints(table))
        primary = tuple(found.get_pk_constraint(table)["constrained_columns"])
        described[table] = (columns, primary, keys, indexes, uniques, checks)
    return described


async def _inspected(url: str) -> tuple[dict[str, Any], list[Any]]:
    engine = database.make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(lambda sync: (_schema(sync), _differences(sync)))
    finally:
        await engine.dispose()


def _revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(database.alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]  # oldest first


def test_every_migration_can_be_undone_and_done_again(tmp_path: Path) -> None:
    """Up, then down one migration at a time, then up again. Each step down leaves the schema
    exactly as going up to that revision made it; at base no table of the application is
    left; and after going up again the schema is the models' (as Alembic compares them) and
    the same, table by table, as that of a database that only ever went up."""
    revisions = _revisions()
    fresh = databases.url_for(tmp_path, "fresh")
    going_up = {}
    for revision in revisions:
        command.upgrade(database.alembic_config(fresh), revision)
        going_up[revision] = databases.run(_inspected(fresh))[0]
    once, differences = databases.run(_inspected(fresh))
    assert differences == [] and len(once) > 5

    url = databases.url_for(tmp_path, "walk")
    config = database.alembic_config(url)
    command.upgrade(config, "head")
    for revision in reversed(revisions[:-1]):
        command.downgrade(config, revision)
        assert databases.run(_inspected(url))[0] == going_up[revision], f"down to {revision}"
    command.downgrade(config, "base")
    emptied, _ = databases.run(_inspected(url))
    assert set(emptied) <= {"alembic_version"}
    command.upgrade(config, "head")
    again, differences = databases.run(_inspected(url))
    assert differences == []
    assert again == once


async def test_entry_documents_are_rebuilt_from_the_tables(tmp_path: Path) -> None:
    """Migration 0008 fills each entry's document from its tables, exactly as the application
    writes it: same fields, same order, staff notes included."""
    from sqlalchemy import select

    from bot.db.models import Entry
    from bot.directory import queries
    from tests.directory_data import as_yaml, standard_entries
    from tests.harness import load_directory

    url = databases.url_for(tmp_path, "documents")
    # Going down past 0013 drops what to expect: this test is about 0008's documents.
    entries = [{k: v for k, v in e.items() if k != "expect"} for e in standard_entries()]
    await load_directory(url, as_yaml(entries))
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
    assert queries.from_document(rebuilt["cn-shelter-all"]).contacts[1].type == "wechat"


def _walk(connection: Any, config: Any) -> None:
    config.attributes["connection"] = connection
    command.downgrade(config, "0007")
    command.upgrade(config, "head")


async def test_migration_0013_down_takes_what_to_expect_away_and_up_keeps_the_rest(
    tmp_path: Path,
) -> None:
    """Down to 0012, nothing the older code reads holds `expect`: no entry's texts or
    document, no proposal (its checks would refuse the field); everything else stays. Up
    again, the schema is the models' and the directory reads as it did, without `expect`."""
    import datetime as dt

    import yaml
    from sqlalchemy import select, text

    from bot.db.models import Entry, Proposal
    from bot.directory import queries
    from bot.directory.file_format import entry_yaml
    from tests.directory_data import as_yaml, standard_entries
    from tests.harness import load_directory

    url = databases.url_for(tmp_path, "expect")
    await load_directory(url, as_yaml(standard_entries()))
    engine = database.make_engine(url)
    try:
        sessions = database.make_sessionmaker(engine)
        async with sessions() as session:
            written = dict((await session.execute(select(Entry.id, Entry.document))).all())
            shelter = queries.from_document(written["cn-shelter-all"])
            assert shelter.expect["ko"] == "봉사자가 받습니다. 먼저 전화하지 않습니다."
            changed = shelter.model_copy(update={"expect": {"en": "Someone answers."}})
            session.add(
                Proposal(
                    batch=1,
                    author=640001,
                    state="open",
                    kind="change",
                    entry_id=shelter.id,
                    base=entry_yaml(shelter),
                    proposed=entry_yaml(changed),
                    created_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC),
                )
            )
            await session.commit()
        await engine.dispose()
        config = database.alembic_config(url)
        await asyncio.to_thread(command.downgrade, config, "0012")
        async with sessions() as session:
            documents = dict((await session.execute(select(Entry.id, Entry.document))).all())
            fields = (await session.execute(text("SELECT DISTINCT field FROM entry_texts"))).all()
            base, proposed = (await session.execute(select(Proposal.base, Proposal.proposed))).one()
        assert sorted(f for (f,) in fields) == ["description", "hours", "name"]
        assert not any('"expect"' in document for document in documents.values())
        for entry_id, document in written.items():
            without = queries.from_document(document).model_copy(update={"expect": {}})
            assert queries.from_document(documents[entry_id]) == without
        for kept in (yaml.safe_load(base), yaml.safe_load(proposed)):
            assert "expect" not in kept and kept["name"] == dict(shelter.name)
            assert kept["description"]["ko"] == "누구나 옵니다."
        await engine.dispose()
        await asyncio.to_thread(command.upgrade, config, "head")
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences) == []
        async with sessions() as session:
            again = dict((await session.execute(select(Entry.id, Entry.document))).all())
        assert again == documents
    finally:
        await engine.dispose()


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
        "from bot.db import database\n"
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
