"""Which database the tests run on, and a fresh one for every test.

By default every test gets its own SQLite file. With `HELPLINE_TEST_DATABASE` set to the URL of
a PostgreSQL server (`postgresql+asyncpg://user@127.0.0.1:5432/postgres`), every test gets a
new, empty database on that server instead, so that the whole suite runs on PostgreSQL too
(`.ci/run` does both). Databases made here are dropped when the test session ends.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import MetaData, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot import database

ENV = "HELPLINE_TEST_DATABASE"
T = TypeVar("T")
_created: list[str] = []
_urls: dict[tuple[Path, str], str] = {}


def server_url() -> str | None:
    value = os.environ.get(ENV, "").strip()
    if not value or value == "sqlite":
        return None
    if not value.startswith("postgresql+asyncpg://"):
        raise RuntimeError(f"{ENV} must be 'sqlite' or a postgresql+asyncpg:// URL")
    return value


def on_postgres() -> bool:
    return server_url() is not None


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from sync or async code alike (in a thread of its own)."""
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coroutine))
        except BaseException as exc:  # handed back to the caller below
            failure.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result[0]


async def _admin(statement: str) -> None:
    server = server_url()
    assert server is not None
    engine = create_async_engine(server, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def url_for(tmp_path: Path, name: str = "helpline") -> str:
    """The URL of the test's database called `name`: new and empty the first time it is
    asked for, the same one afterwards (so that a harness and a CLI run share it)."""
    key = (tmp_path, name)
    if key not in _urls:
        _urls[key] = _fresh(tmp_path, name)
    return _urls[key]


def schema_exists(url: str) -> bool:
    return run(database.has_schema(url))


def _fresh(tmp_path: Path, name: str) -> str:
    server = server_url()
    if server is None:
        return f"sqlite+aiosqlite:///{tmp_path / (name + '.db')}"
    db_name = f"t_{name}_{uuid.uuid4().hex[:12]}"
    run(_admin(f'CREATE DATABASE "{db_name}"'))
    _created.append(db_name)
    return make_url(server).set(database=db_name).render_as_string(hide_password=False)


def drop_created() -> None:
    while _created:
        name = _created.pop()
        run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def snapshot(url: str, *, skip: tuple[str, ...] = ()) -> list[str]:
    """Every row of every table, as sorted text: equal snapshots, equal contents."""
    engine = database.make_engine(url)
    try:
        async with engine.connect() as connection:
            metadata = MetaData()
            await connection.run_sync(lambda sync: metadata.reflect(sync))
            rows = []
            for table in metadata.sorted_tables:
                if table.name in skip:
                    continue
                for row in await connection.execute(select(table)):
                    rows.append(f"{table.name}: {tuple(row)!r}")
            return sorted(rows)
    finally:
        await engine.dispose()
