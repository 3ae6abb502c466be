"""The `helpline` command line: run, demo, db upgrade, directory, staff, stats."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib
import logging
import os
import stat
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import (
    audit,
    database,
    directory,
    directory_export,
    directory_file,
    logs,
    staff,
    stats_publish,
    stats_report,
)
from bot.clock import utc_now, utc_today
from bot.directory_file import DirectoryFileInvalid
from bot.i18n import CatalogError
from bot.settings import Settings, SettingsError, load_settings
from bot.stats_periods import Kind

log = logging.getLogger("bot")
# The range `helpline stats` shows when none is given: about a quarter of weeks, a year of months.
DEFAULT_STATS_DAYS = {Kind.WEEK: 91, Kind.MONTH: 366}


class CommandError(Exception):
    """Something the operator can fix; printed as one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser(
        "run", help="run the bot (long polling, or a webhook); migrates the database first"
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (also when WEBHOOK_URL is set); needs WEBHOOK_URL",
    )

    demo = commands.add_parser("demo", help="chat with the bot in the terminal, offline")
    demo.add_argument("--lang", default="en", help="the simulated user's Telegram language code")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="migrate the database to the newest schema")

    dirs = commands.add_parser("directory", help="the directory of support contacts")
    dir_commands = dirs.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    validate = dir_commands.add_parser("validate", help="check a directory file")
    validate.add_argument("file", type=Path)
    load = dir_commands.add_parser("import", help="replace the directory from a file")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    past = dir_commands.add_parser("history", help="every recorded change to one entry")
    past.add_argument("entry_id")
    export = dir_commands.add_parser(
        "export", help="write the directory to a file, or - for stdout"
    )
    export.add_argument("file")
    export.add_argument("--format", choices=("yaml", "csv", "hsds"), default="yaml")
    export.add_argument(
        "--include-internal", action="store_true", help="include the staff-only notes"
    )

    team = commands.add_parser("staff", help="who is a volunteer or an admin")
    team_commands = team.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = team_commands.add_parser("add", help="make a Telegram user id a volunteer or admin")
    add.add_argument("user_id", type=_user_id)
    add.add_argument("--role", choices=staff.ROLES, required=True)
    drop = team_commands.add_parser("remove", help="remove a member of staff")
    drop.add_argument("user_id", type=_user_id)
    team_commands.add_parser("list", help="list staff")

    stats = commands.add_parser(
        "stats", help="anonymised usage counts by complete weeks or months, small counts hidden"
    )
    stats.add_argument(
        "--period", choices=[k.value for k in Kind], default=Kind.WEEK.value, help="week or month"
    )
    stats.add_argument(
        "--from", dest="start", type=_date, help="first UTC day (YYYY-MM-DD) a period may start on"
    )
    stats.add_argument(
        "--to", dest="end", type=_date, help="last UTC day a period may end on (default: today)"
    )
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    return parser


def _user_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (digits)")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-01") from None


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever the shell's umask, every file a command creates (the SQLite database with the
    # staff's ids, an export with the staff's notes) is readable by the service's user alone.
    os.umask(0o077)
    # Before anything can fail: a traceback is printed with anything shaped like a token
    # blanked, and the configured secrets too as soon as they are known.
    logs.install_hooks()
    args = _parser().parse_args(argv)
    _warn_if_others_can_read(Path(".env"))
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"helpline: setting error: {logs.Redactor()(str(exc))}", file=sys.stderr)
        return 2
    secrets = settings.secrets()
    logs.install_hooks(secrets)
    logs.configure(settings.log_level, secrets=secrets, fmt=settings.log_format)
    clean = logs.Redactor(secrets)
    try:
        if _uses_database(args):
            _require_driver(settings.database_url)
        return _dispatch(args, settings)
    except (SettingsError, CatalogError, CommandError) as exc:
        print(f"helpline: {clean(str(exc))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _warn_if_others_can_read(dotenv: Path) -> None:
    """`.env` holds the bot token: say so when other users of the machine can read it."""
    try:
        mode = stat.S_IMODE(dotenv.stat().st_mode)
    except OSError:
        return
    if mode & (stat.S_IRGRP | stat.S_IROTH):
        print(
            f"helpline: warning: {dotenv} can be read by other users of this machine"
            f" (mode {mode:04o}) and holds the bot's secrets: chmod 600 {dotenv}",
            file=sys.stderr,
        )


def _uses_database(args: argparse.Namespace) -> bool:
    """Every command but the demo (a throwaway SQLite file) and `directory validate`."""
    if args.command == "directory":
        return bool(args.directory_command != "validate")
    return bool(args.command != "demo")


def _require_driver(url: str) -> None:
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


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    match args.command:
        case "run":
            return _run(settings, webhook=args.webhook)
        case "demo":
            from bot import demo

            return demo.main(settings, args.lang)
        case "db":
            database.upgrade_url(settings.database_url)
            print("database is at the newest schema")
            return 0
        case "directory":
            return _directory(args, settings)
        case "stats":
            return _stats(args, settings)
        case "staff":
            return asyncio.run(_staff(args, settings))
    raise AssertionError(args.command)


def _run(settings: Settings, *, webhook: bool = False) -> int:
    from telegram.error import InvalidToken, NetworkError

    token = settings.token()
    if webhook and not settings.webhook_url:
        raise SettingsError("--webhook needs WEBHOOK_URL, the public https:// address of the bot")
    if settings.webhook_url:
        from bot import webhook as webhook_mode

        webhook_mode.require_secret(settings)
    try:
        asyncio.run(_check_token(settings, token))
        return _serve(settings, token)
    except InvalidToken:
        # The library's message holds the whole token: never shown, not even chained.
        raise CommandError(
            f"the Bot API at {settings.telegram_api_url} refused BOT_TOKEN: check the token"
            " with @BotFather, and TELEGRAM_API_URL"
        ) from None
    except NetworkError as exc:
        raise CommandError(
            f"the Bot API at {settings.telegram_api_url} could not be reached"
            f" ({exc.__class__.__name__}: {exc.message})"
        ) from None


async def _check_token(settings: Settings, token: str) -> None:
    """Ask the Bot API who the bot is before anything starts, on a connection closed again
    whatever the answer: a refused token is then one line, with nothing left half-open
    behind it for the event loop to complain about."""
    from telegram import Bot

    from bot.telegram_request import RetryingRequest

    request = RetryingRequest()
    bot = Bot(
        token,
        base_url=f"{settings.telegram_api_url}/bot",
        request=request,
        get_updates_request=request,
    )
    try:
        await bot.initialize()
    finally:
        await request.shutdown()


def _serve(settings: Settings, token: str) -> int:
    from bot.app import ALLOWED_UPDATES, build_application

    application = build_application(settings, token=token)
    if settings.webhook_url:
        from bot import webhook as webhook_mode

        log.info("starting (webhook)")
        asyncio.run(webhook_mode.serve(application, settings, ALLOWED_UPDATES))
    else:
        log.info("starting (long polling)")
        application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)
    log.info("stopped")
    return 0


def _read(path: Path) -> str | None:
    try:
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"helpline: cannot read {path}: {exc.__class__.__name__}", file=sys.stderr)
        return None


def _directory(args: argparse.Namespace, settings: Settings) -> int:
    if args.directory_command == "export":
        return _export(settings, args.file, args.format, internal=args.include_internal)
    if args.directory_command == "history":
        return asyncio.run(_history(settings, args.entry_id))
    text = _read(args.file)
    if text is None:
        return 1
    try:
        parsed = directory_file.parse(text, str(args.file))
    except DirectoryFileInvalid as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"{args.file}: {len(exc.errors)} error(s); nothing was changed", file=sys.stderr)
        return 1
    if args.directory_command == "validate":
        print(f"{args.file}: valid, {len(parsed.entries)} entries")
        return 0
    return asyncio.run(_import(settings, parsed, dry_run=args.dry_run))


@contextlib.asynccontextmanager
async def _database(
    settings: Settings, *, missing: str | None = None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The database at the newest schema, for one command. With `missing`, a database that
    does not exist yet is an error with that message instead of being created."""
    if missing is not None and not await database.has_schema(settings.database_url):
        raise CommandError(missing)
    engine = database.make_engine(settings.database_url)
    try:
        await database.upgrade(engine)
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _import(
    settings: Settings, parsed: directory_file.DirectoryFile, *, dry_run: bool
) -> int:
    if dry_run and not await database.has_schema(settings.database_url):
        _print_plan(directory.plan_import([], parsed), dry_run=True)  # nothing is created
        return 0
    async with _database(settings) as sessions, sessions() as session:
        if dry_run:
            plan = directory.plan_import(await directory.all_entries(session), parsed)
        else:
            async with session.begin():
                plan = await directory.replace_all(session, parsed)
    _print_plan(plan, dry_run=dry_run)
    return 0


def _print_plan(plan: directory.ImportPlan, *, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for label, ids in (("added", plan.added), ("updated", plan.updated), ("removed", plan.removed)):
        for entry_id in ids:
            print(f"{label}: {entry_id}")
    print(
        f"{len(plan.added)} {verb} added, {len(plan.updated)} {verb} updated,"
        f" {len(plan.removed)} {verb} removed, {plan.unchanged} unchanged"
    )


async def _all_entries(settings: Settings) -> list[directory_file.EntryModel]:
    missing = "the database has no directory yet: run `helpline db upgrade` or import a file"
    async with _database(settings, missing=missing) as sessions, sessions() as session:
        return await directory.all_entries(session)


def _export(settings: Settings, target: str, fmt: str, *, internal: bool = False) -> int:
    entries = asyncio.run(_all_entries(settings))
    if fmt == "csv":
        text = directory_export.to_csv(entries, internal=internal)
    elif fmt == "hsds":
        text = directory_export.to_hsds(entries, internal=internal)
    else:
        text = directory_file.dump(entries, internal=internal)
    if target == "-":
        sys.stdout.write(text)
    else:
        Path(target).write_text(text, "utf-8")
        print(f"wrote {len(entries)} entries to {target}", file=sys.stderr)
    return 0


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    """The published periods lying wholly in the range: the same fixed figures the bot shows.
    Periods that are over and not yet published are published first."""
    kind = Kind(args.period)
    today = utc_today()
    end = args.end or today
    start = args.start or end - dt.timedelta(days=DEFAULT_STATS_DAYS[kind])
    if start > end:
        raise CommandError("--from is after --to")
    reports = asyncio.run(_published_reports(settings, kind, start, end))
    formats = {
        "json": stats_report.to_json,
        "csv": stats_report.to_csv,
        "table": stats_report.to_table,
    }
    sys.stdout.write(formats[args.format](reports))
    if not reports:
        print(
            f"helpline: no complete {kind.value} from {start} to {end} has been published yet",
            file=sys.stderr,
        )
    return 0


async def _published_reports(
    settings: Settings, kind: Kind, start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    missing = "the database has no counts yet: run `helpline db upgrade` first"
    async with _database(settings, missing=missing) as sessions:
        await stats_publish.publish_due(
            sessions, utc_now(), settings.stats_min_count, settings.stats_retention_days
        )
        async with sessions() as session:
            periods = await stats_publish.published(session, kind, start, end)
            weeks = [
                await stats_publish.weeks_published(session, p.period) if kind is Kind.MONTH else []
                for p in periods
            ]
    return [stats_report.report(p, w) for p, w in zip(periods, weeks, strict=True)]


async def _staff(args: argparse.Namespace, settings: Settings) -> int:
    async with _database(settings) as sessions:
        match args.staff_command:
            case "add":
                changed = await staff.add(sessions, args.user_id, args.role, utc_today())
                print(f"{args.user_id}: {args.role}" + ("" if changed else " (unchanged)"))
            case "remove":
                if not await staff.remove(sessions, args.user_id):
                    raise CommandError(f"{args.user_id} is not staff")
                print(f"{args.user_id}: removed")
            case "list":
                for member in await staff.members(sessions):
                    print(f"{member.user_id}\t{member.role}\tsince {member.added_on}")
    return 0


async def _history(settings: Settings, entry_id: str) -> int:
    missing = "the database has no directory yet"
    async with _database(settings, missing=missing) as sessions, sessions() as session:
        records = await audit.history(session, entry_id)
    if not records:
        raise CommandError(f"no recorded change to {entry_id!r}")
    for item in records:
        print(audit.describe(item))
    return 0
