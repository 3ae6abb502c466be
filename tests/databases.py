"""Which database the tests run on, and a fresh one for every test.

By default every test gets its own SQLite file. With `HELPLINE_TEST_DATABASE` set to the URL of
a PostgreSQL server (`postgresql+asyncpg://user@127.0.0.1:5432/postgres`), every test gets a
new, empty database on that server instead, so that the whole suite runs on PostgreSQL too
(`.ci/run` does both). Databases made here are dropped when the test session ends.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import threading
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import MetaData, make_url, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.db import database

ENV = "HELPLINE_TEST_DATABASE"
T = TypeVar("T")
_created: list[tuple[str, str]] = []
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


def postgres_server() -> str | None:
    """A PostgreSQL server for the tests that need one whatever the suite runs on: the one
    under test, else a local one started by `.ci/postgres` if PostgreSQL is installed (it is
    not installed by the tests). None if there is none."""
    server = server_url()
    if server is not None:
        return server
    script = Path(__file__).resolve().parent.parent / ".ci" / "postgres"
    try:
        done = subprocess.run(
            ["bash", str(script)],
            env={**os.environ, "POSTGRES_NO_INSTALL": "1"},
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    url = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return url if done.returncode == 0 and url.startswith("postgresql+asyncpg://") else None


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


async def _admin(statement: str, server: str | None = None) -> None:
    server = server or server_url()
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
    return database_on(server, name)


def database_on(server: str, name: str) -> str:
    """A new, empty database on a PostgreSQL server, dropped at the end of the session."""
    db_name = f"t_{name}_{uuid.uuid4().hex[:12]}"
    run(_admin(f'CREATE DATABASE "{db_name}"', server))
    _created.append((server, db_name))
    return make_url(server).set(database=db_name).render_as_string(hide_password=False)


def drop_at_end(server: str, name: str) -> None:
    """A database made by other means (a restore script), dropped at the end of the session."""
    _created.append((server, name))


def drop_created() -> None:
    while _created:
        server, name = _created.pop()
        run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', server))


async def block_connections(url: str) -> str:
    """Make a test database unreachable, as a stopped server would be; its name, to undo."""
    name = make_url(url).database or ""
    await _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    await _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    return name


async def allow_connections(url: str, name: str | None) -> None:
    await _admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


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
