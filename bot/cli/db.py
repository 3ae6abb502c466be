"""The database as the commands reach it: which one (said first), one line for one that cannot
be reached, the schema brought up to date, and `helpline db upgrade` itself."""

from __future__ import annotations

import argparse
import contextlib
import importlib
from collections.abc import AsyncIterator, Iterator

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli.failures import CommandError, DatabaseUnavailable
from bot.db import database
from bot.settings import EnvFile, Settings

# SQLSTATE classes of a database that refuses the connection itself: 08 connection, 28 login,
# 3D no such database, 53 too many connections, 57 shutting down or starting up.
LOGIN_REFUSED = ("08", "28", "3D", "53", "57")


def upgrade(settings: Settings) -> int:
    with reaching(settings.database_url):
        database.upgrade_url(settings.database_url)
    print("database is at the newest schema")
    return 0


def uses_database(args: argparse.Namespace) -> bool:
    """Every command but the demo and the screens (a throwaway SQLite file each) and
    `directory validate`."""
    if args.command == "directory":
        return bool(args.directory_command != "validate")
    return bool(args.command not in ("demo", "screens"))


def require_driver(url: str) -> None:
    """PostgreSQL's driver is an optional extra: say how to install it, before anything
    starts, instead of failing deep inside SQLAlchemy."""
    if not url.startswith("postgresql+asyncpg://"):
        return
    try:
        importlib.import_module("asyncpg")
    except ImportError:
        raise CommandError(
            "DATABASE_URL is a PostgreSQL database and its driver, asyncpg, is not installed:"
            " install the postgres extra: pip install '.[postgres]' in the bot's source folder"
        ) from None


def which_database(settings: Settings, env_file: EnvFile) -> str:
    """The first line of every command that uses the database: which one (password hidden;
    a SQLite file by its full path, saying so when it is about to be made) and where the
    settings came from. An admin in the wrong folder, or without the settings file, sees it
    before anything is written."""
    shown = database.describe(settings.database_url)
    default = "" if "database_url" in settings.model_fields_set else ", DATABASE_URL not set"
    return f"database {shown} ({env_file.describe()}{default})"


def database_problem(exc: BaseException, url: str) -> str | None:
    """One line for a database that cannot be reached, refuses the login, or cannot be
    opened; None for anything else (a bug keeps its traceback)."""
    if isinstance(exc, OperationalError | InterfaceError):
        cause: BaseException = exc.orig if exc.orig is not None else exc
    elif isinstance(exc, DBAPIError) and _refused_at_login(exc):
        cause = exc.orig if exc.orig is not None else exc
    elif isinstance(exc, OSError | TimeoutError) or type(exc).__module__.startswith("asyncpg"):
        cause = exc
    else:
        return None
    text = str(cause).strip()
    detail = text.splitlines()[0][:200] if text else ""
    reason = f"{type(cause).__name__}: {detail}" if detail else type(cause).__name__
    hint = ""
    if "Peer authentication failed" in text:
        # PostgreSQL's local login takes the system user's name for the role's.
        hint = "; over the local socket, run it as the system user of the same name"
    return f"the database {database.describe(url)} could not be reached or opened ({reason}){hint}"


def _refused_at_login(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(state, str) and state[:2] in LOGIN_REFUSED


@contextlib.contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn a database that cannot be reached (refused, unknown host, wrong password, a
    SQLite file in a folder it cannot write) into one line and exit 1."""
    try:
        yield
    except (OSError, SQLAlchemyError) as exc:
        problem = database_problem(exc, url)
        if problem is None:
            raise
        raise DatabaseUnavailable(problem) from None


@contextlib.asynccontextmanager
async def opened(
    settings: Settings, *, missing: str | None = None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The database at the newest schema, for one command. With `missing`, a database that
    does not exist yet is an error with that message instead of being created."""
    with reaching(settings.database_url):
        if missing is not None and not await database.has_schema(settings.database_url):
            raise CommandError(missing)
        engine = database.make_engine(settings.database_url)
        try:
            await database.upgrade(engine)
            yield database.make_sessionmaker(engine)
        finally:
            await engine.dispose()
