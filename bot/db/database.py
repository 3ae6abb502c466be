"""Engine, sessions and schema migrations.

Alembic owns the schema from the first table on, so that a deployment created today can be
upgraded in place years from now; `create_all` is never used outside Alembic's first revision.
"""

from __future__ import annotations

import asyncio
import os
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, inspect, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
# The newest migration's revision; a test checks it against the migrations themselves.
HEAD = "0014"


SQLITE_CONNECTIONS = 4
# PostgreSQL advisory lock held while migrating ("help" in ASCII): any number for this
# database, as long as nothing else in it uses the same one.
MIGRATION_LOCK = 0x68656C70


def make_engine(url: str) -> AsyncEngine:
    if make_url(url).get_backend_name() == "sqlite":
        # SQLite writes one at a time whatever the pool, and each aiosqlite connection is a
        # thread with its own memory: a few connections serve as well and weigh less.
        # A file does not hang up like a server, so no ping before each use.
        engine = create_async_engine(url, pool_size=SQLITE_CONNECTIONS, max_overflow=0)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """Enforce foreign keys, wait on a busy file instead of failing a user's tap, and
    overwrite deleted content with zeros: freed pages would otherwise keep old rows (and the
    order in which counts were written) readable to whoever copies the file."""
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: object, config: Config) -> None:
    from alembic import command

    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    found = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(found) if found is not None else None


def insert_for(session: AsyncSession) -> Callable[..., Any]:
    """The INSERT of the session's database, for its ON CONFLICT clauses: SQLAlchemy has
    them per dialect only (PostgreSQL's and SQLite's are written alike)."""
    on_postgres = session.get_bind().dialect.name == "postgresql"
    return postgresql.insert if on_postgres else sqlite.insert


async def upgrade(engine: AsyncEngine) -> None:
    """Migrate the database behind `engine` to the newest schema. Alembic is imported only
    when there is something to migrate: a bot started on a current database would otherwise
    carry all of it in memory for nothing (docs/PERFORMANCE.md)."""
    async with engine.connect() as connection:
        if await connection.run_sync(_revision) == HEAD:
            return
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # One migration at a time: two instances starting together (or an admin's
            # `db upgrade` beside a starting service) would otherwise both create the first
            # tables, and one fail. The other waits here, then finds nothing left to do:
            # Alembic reads the revision again inside this transaction, after the lock.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(_upgrade, config)


def _sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    name = parsed.database or ""
    return not name or name == ":memory:" or not os.path.isfile(name)


async def has_schema(url: str) -> bool:
    """Whether the database exists and has been migrated, without creating anything: a dry run
    or an export in the wrong folder must not leave an empty database behind."""
    if _sqlite_file_missing(url):
        return False
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: inspect(sync).has_table("alembic_version")
            )
    finally:
        await engine.dispose()


def describe(url: str) -> str:
    """The URL as an admin should see it: the password hidden, and a SQLite file by its full
    path, saying so when there is no such file yet (the command is about to make it)."""
    parsed = make_url(url)
    name = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or name in ("", ":memory:"):
        # The query as written (?host=/run/postgresql), not %-escaped; it holds no password.
        base, mark, query = parsed.render_as_string(hide_password=True).partition("?")
        return base + mark + urllib.parse.unquote(query)
    full = Path(name).absolute()
    shown = parsed.set(database=str(full)).render_as_string(hide_password=True)
    try:
        exists = full.is_file()
    except OSError:  # a folder this user may not look into: say nothing either way
        return shown
    return shown if exists else f"{shown}, a new file"


def upgrade_url(url: str) -> None:
    """Synchronous entry point for `helpline db upgrade`."""

    async def run() -> None:
        engine = make_engine(url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


__all__ = ["Engine", "describe", "make_engine", "make_sessionmaker", "upgrade", "upgrade_url"]
