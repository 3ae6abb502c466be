"""The `helpline` command line: run, demo, db upgrade, directory, staff, stats."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import importlib
import logging
import os
import signal
import stat
import sys
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import logs
from bot.clock import utc_now, utc_today
from bot.db import database
from bot.desk import staff
from bot.directory import audit, export, file_format, queries, schema
from bot.directory.file_format import DirectoryFileInvalid
from bot.i18n import CatalogError
from bot.settings import EnvFile, Settings, SettingsError, choose_env_file, load_settings
from bot.stats import publish, report
from bot.stats.periods import Kind

log = logging.getLogger("bot")
# The range `helpline stats` shows when none is given: about a quarter of weeks, a year of months.
DEFAULT_STATS_DAYS = {Kind.WEEK: 91, Kind.MONTH: 366}


class CommandError(Exception):
    """Something the operator can fix; printed as one line."""


ENV_FILE_HELP = (
    "read the settings from this file (default: the file named by HELPLINE_ENV_FILE, else"
    " ./.env if there is one); variables set in the environment win over it"
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description=__doc__)
    parser.add_argument("--env-file", metavar="PATH", help=ENV_FILE_HELP)
    # The same option after the command too (`helpline db upgrade --env-file ...`), where it
    # is as easily typed; given in both places, the later one counts.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument(
        "--env-file", metavar="PATH", default=argparse.SUPPRESS, help="as before the command"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        group: argparse._SubParsersAction[argparse.ArgumentParser], name: str, **kw: Any
    ) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[after], **kw)

    run = command(
        commands,
        "run",
        help="run the bot (long polling, or a webhook); migrates the database first",
    )
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve Telegram's webhook (also when WEBHOOK_URL is set); needs WEBHOOK_URL",
    )
    run.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook server listens, over WEBHOOK_LISTEN (one per process)",
    )

    demo = command(commands, "demo", help="chat with the bot in the terminal, offline")
    demo.add_argument("--lang", default="en", help="the simulated user's Telegram language code")

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    command(db_commands, "upgrade", help="migrate the database to the newest schema")

    dirs = commands.add_parser("directory", help="the directory of support contacts")
    dir_commands = dirs.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    validate = command(dir_commands, "validate", help="check a directory file, or - for stdin")
    validate.add_argument("file", type=Path)
    load = command(dir_commands, "import", help="replace the directory from a file, or - for stdin")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    past = command(dir_commands, "history", help="every recorded change to one entry")
    past.add_argument("entry_id")
    export = command(dir_commands, "export", help="write the directory to a file, or - for stdout")
    export.add_argument("file")
    export.add_argument("--format", choices=("yaml", "csv", "hsds"), default="yaml")
    export.add_argument(
        "--include-internal", action="store_true", help="include the staff-only notes"
    )

    team = commands.add_parser("staff", help="who is a volunteer or an admin")
    team_commands = team.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = command(team_commands, "add", help="make a Telegram user id a volunteer or admin")
    add.add_argument("user_id", type=_user_id)
    add.add_argument("--role", choices=staff.ROLES, required=True)
    drop = command(team_commands, "remove", help="remove a member of staff")
    drop.add_argument("user_id", type=_user_id)
    command(team_commands, "list", help="list staff")

    stats = command(
        commands,
        "stats",
        help="anonymised usage counts by complete weeks or months, small counts hidden",
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
    overrides = {"webhook_listen": args.listen} if getattr(args, "listen", None) else {}
    try:
        env_file = choose_env_file(args.env_file)
        settings = load_settings(env_file, **overrides)
    except SettingsError as exc:
        print(f"helpline: setting error: {logs.Redactor()(str(exc))}", file=sys.stderr)
        _warn_if_others_can_read(_env_file_or_none(args.env_file))
        return 2
    if settings.pgpassfile:  # read by the PostgreSQL driver from the environment
        os.environ["PGPASSFILE"] = settings.pgpassfile
    secrets = settings.secrets()
    logs.install_hooks(secrets)
    logs.configure(settings.log_level, secrets=secrets, fmt=settings.log_format)
    clean = logs.Redactor(secrets)
    try:
        if _uses_database(args):
            _require_driver(settings.database_url)
            if args.command != "run":  # `run` logs it, as one of its log lines
                print(f"helpline: {_which_database(settings, env_file)}", file=sys.stderr)
        if args.command != "run":  # `run` warns after its first line
            _warn_if_others_can_read(env_file)
        args.settings_file = env_file  # for `run`, which names it in its log
        return _dispatch(args, settings)
    except (SettingsError, CatalogError, CommandError) as exc:
        print(f"helpline: {clean(str(exc))}", file=sys.stderr)
        return 2
    except (StartupFailed, DatabaseUnavailable) as exc:
        print(f"helpline: {clean(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


class StartupFailed(Exception):
    """`run` could not start for a reason that may pass (the Bot API out of reach): exit 1,
    so that systemd tries again later, where a setting error (exit 2) would not be."""


class DatabaseUnavailable(Exception):
    """The database could not be reached or opened; the message says which, without its
    password."""


def _which_database(settings: Settings, env_file: EnvFile) -> str:
    """The first line of every command that uses the database: which one (password hidden;
    a SQLite file by its full path, saying so when it is about to be made) and where the
    settings came from. An admin in the wrong folder, or without the settings file, sees it
    before anything is written."""
    shown = database.describe(settings.database_url)
    default = "" if "database_url" in settings.model_fields_set else ", DATABASE_URL not set"
    return f"database {shown} ({env_file.describe()}{default})"


def _database_problem(exc: BaseException, url: str) -> str | None:
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


# SQLSTATE classes of a database that refuses the connection itself: 08 connection, 28 login,
# 3D no such database, 53 too many connections, 57 shutting down or starting up.
LOGIN_REFUSED = ("08", "28", "3D", "53", "57")


def _refused_at_login(exc: DBAPIError) -> bool:
    state = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(state, str) and state[:2] in LOGIN_REFUSED


@contextlib.contextmanager
def _reaching(url: str) -> Iterator[None]:
    """Turn a database that cannot be reached (refused, unknown host, wrong password, a
    SQLite file in a folder it cannot write) into one line and exit 1."""
    try:
        yield
    except (OSError, SQLAlchemyError) as exc:
        problem = _database_problem(exc, url)
        if problem is None:
            raise
        raise DatabaseUnavailable(problem) from None


def _env_file_or_none(option: str | None) -> EnvFile:
    """The settings file to warn about after a setting error, if it could be read at all."""
    try:
        return choose_env_file(option)
    except SettingsError:
        return EnvFile(None, "")


def _warn_if_others_can_read(env_file: EnvFile) -> None:
    """The settings file holds the bot token: say so when other users of the machine can
    read it. A `./.env` should be its owner's alone; a file named with --env-file or
    HELPLINE_ENV_FILE may be readable by the service's group (/etc/helpline/helpline.env is
    root:helpline 0640), but never by everyone."""
    if env_file.path is None:
        return
    try:
        mode = stat.S_IMODE(env_file.path.stat().st_mode)
    except OSError:
        return
    loose = stat.S_IROTH | (stat.S_IRGRP if env_file.named_by == "./.env" else 0)
    if mode & loose:
        print(
            f"helpline: warning: {env_file.path} can be read by other users of this machine"
            f" (mode {mode:04o}) and holds the bot's secrets:"
            f" chmod {'600' if env_file.named_by == './.env' else 'o-rwx'} {env_file.path}",
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
            return _run(settings, args.settings_file, webhook=args.webhook)
        case "demo":
            from bot.telegram import demo

            return demo.main(settings, args.lang)
        case "db":
            with _reaching(settings.database_url):
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


def _run(settings: Settings, env_file: EnvFile, *, webhook: bool = False) -> int:
    from telegram.error import InvalidToken, NetworkError

    token = settings.token()
    if webhook and not settings.webhook_url:
        raise SettingsError("--webhook needs WEBHOOK_URL, the public https:// address of the bot")
    if settings.webhook_url:
        from bot.telegram.webhook import require_secret

        require_secret(settings)
    log.info("%s", _which_database(settings, env_file))
    _warn_if_others_can_read(env_file)
    api = settings.telegram_api_url
    try:
        if not asyncio.run(_wait_for_bot_api(settings, token)):
            return 0  # stopped while waiting
        with _reaching(settings.database_url):
            return _serve(settings, token)
    except InvalidToken:
        # The library's message holds the whole token: never shown, not even chained.
        raise CommandError(
            f"the Bot API at {api} refused BOT_TOKEN: check the token with @BotFather,"
            " and TELEGRAM_API_URL"
        ) from None
    except NetworkError as exc:
        raise StartupFailed(
            f"the Bot API at {api} could not be reached while starting ({_reason(exc)})"
        ) from None
    except DatabaseUnavailable as exc:
        raise StartupFailed(str(exc)) from None


def _reason(exc: Exception) -> str:
    """A network error in a few words: its type, and the library's message cut short (a
    proxy's error page can be long)."""
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0][:160]}" if message else type(exc).__name__


# Pauses between tries to reach the Bot API at start: doubled each time, up to this.
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


async def _wait_for_bot_api(settings: Settings, token: str) -> bool:
    """Ask the Bot API who the bot is until it answers, for up to BOT_API_WAIT_SECONDS,
    pausing longer after each try: a server that boots before its network, or a Telegram
    outage, is waited out with one line per try instead of a crash. False when SIGTERM or
    Ctrl-C came while waiting. A refused token is not tried again."""
    from telegram.error import NetworkError

    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    deadline = loop.time() + settings.bot_api_wait_seconds
    pause = FIRST_PAUSE
    try:
        while True:
            try:
                await _check_token(settings, token)
                return True
            except NetworkError as exc:
                left = deadline - loop.time()
                if left < 1:
                    raise StartupFailed(
                        f"the Bot API at {settings.telegram_api_url} could not be reached"
                        f" ({_reason(exc)}); gave up after {settings.bot_api_wait_seconds} s"
                        " (BOT_API_WAIT_SECONDS)"
                    ) from None
                wait = int(min(pause, left))
                log.warning(
                    "the Bot API at %s could not be reached (%s); trying again in %d s",
                    settings.telegram_api_url,
                    _reason(exc),
                    wait,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                if stop.is_set():
                    log.info("stopped while waiting for the Bot API")
                    return False
                pause = min(pause * 2, LONGEST_PAUSE)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


async def _check_token(settings: Settings, token: str) -> None:
    """Ask the Bot API who the bot is, once, on a connection closed again whatever the
    answer: a refused token is then one line, with nothing left half-open behind it for the
    event loop to complain about."""
    from telegram import Bot

    from bot.telegram.request import AiohttpRequest

    request = AiohttpRequest()
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
    from bot.telegram.app import ALLOWED_UPDATES, build_application

    application = build_application(settings, token=token)
    if settings.webhook_url:
        from bot.telegram import webhook

        log.info("starting (webhook)")
        asyncio.run(webhook.serve(application, settings, ALLOWED_UPDATES))
    else:
        log.info("starting (long polling)")
        # A loop of our own, closed only after the bot's connections: if start-up fails in
        # getMe, python-telegram-bot's shutdown skips them (the bot never counted as
        # initialised) and they would be left open.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False, close_loop=False
            )
        finally:
            loop.run_until_complete(application.bot.shutdown())
            loop.close()
            asyncio.set_event_loop(None)
    log.info("stopped")
    return 0


def _read(path: Path) -> str | None:
    """A directory file's text; `-` is standard input (the service's user may not be able to
    open a file in the admin's home folder: `helpline directory import - < FILE`)."""
    try:
        if str(path) == "-":
            return sys.stdin.buffer.read().decode("utf-8")
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
        parsed = file_format.parse(text, str(args.file))
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
    with _reaching(settings.database_url):
        if missing is not None and not await database.has_schema(settings.database_url):
            raise CommandError(missing)
        engine = database.make_engine(settings.database_url)
        try:
            await database.upgrade(engine)
            yield database.make_sessionmaker(engine)
        finally:
            await engine.dispose()


async def _import(settings: Settings, parsed: schema.DirectoryFile, *, dry_run: bool) -> int:
    with _reaching(settings.database_url):
        new_database = not await database.has_schema(settings.database_url)
    if dry_run and new_database:
        _print_plan(queries.plan_import([], parsed), dry_run=True)  # nothing is created
        return 0
    async with _database(settings) as sessions, sessions() as session:
        if dry_run:
            plan = queries.plan_import(await queries.all_entries(session), parsed)
        else:
            async with session.begin():
                plan = await queries.replace_all(session, parsed)
    _print_plan(plan, dry_run=dry_run)
    return 0


def _print_plan(plan: queries.ImportPlan, *, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for label, ids in (("added", plan.added), ("updated", plan.updated), ("removed", plan.removed)):
        for entry_id in ids:
            print(f"{label}: {entry_id}")
    print(
        f"{len(plan.added)} {verb} added, {len(plan.updated)} {verb} updated,"
        f" {len(plan.removed)} {verb} removed, {plan.unchanged} unchanged"
    )


async def _all_entries(settings: Settings) -> list[schema.EntryModel]:
    missing = "the database has no directory yet: run `helpline db upgrade` or import a file"
    async with _database(settings, missing=missing) as sessions, sessions() as session:
        return await queries.all_entries(session)


def _export(settings: Settings, target: str, fmt: str, *, internal: bool = False) -> int:
    entries = asyncio.run(_all_entries(settings))
    if fmt == "csv":
        text = export.to_csv(entries, internal=internal)
    elif fmt == "hsds":
        text = export.to_hsds(entries, internal=internal)
    else:
        text = file_format.dump(entries, internal=internal)
    if target == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(target).write_text(text, "utf-8")
        except OSError as exc:
            raise CommandError(
                f"cannot write {target}: {exc.strerror or type(exc).__name__}"
            ) from None
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
        "json": report.to_json,
        "csv": report.to_csv,
        "table": report.to_table,
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
) -> list[report.Report]:
    missing = "the database has no counts yet: run `helpline db upgrade` first"
    async with _database(settings, missing=missing) as sessions:
        await publish.publish_due(
            sessions, utc_now(), settings.stats_min_count, settings.stats_retention_days
        )
        async with sessions() as session:
            periods = await publish.published(session, kind, start, end)
            weeks = [
                await publish.weeks_published(session, p.period) if kind is Kind.MONTH else []
                for p in periods
            ]
    return [report.report(p, w) for p, w in zip(periods, weeks, strict=True)]


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
