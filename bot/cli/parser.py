"""The `helpline` commands and their options, as argparse reads them."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeAlias

from bot.desk import staff
from bot.stats.periods import Kind
from bot.taxonomy import USER_LANGUAGES

DESCRIPTION = (
    "The `helpline` command line: run, demo, screens, db upgrade, directory, staff, stats."
)
ENV_FILE_HELP = (
    "read the settings from this file (default: the file named by HELPLINE_ENV_FILE, else"
    " ./.env if there is one); variables set in the environment win over it"
)

Group: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
Command: TypeAlias = Callable[..., argparse.ArgumentParser]
"""Adds a command to a group: (group, name, **argparse options) -> its parser."""


def build() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="helpline", description=DESCRIPTION)
    parser.add_argument("--env-file", metavar="PATH", help=ENV_FILE_HELP)
    # The same option after the command too (`helpline db upgrade --env-file ...`), where it
    # is as easily typed; given in both places, the later one counts.
    after = argparse.ArgumentParser(add_help=False)
    after.add_argument(
        "--env-file", metavar="PATH", default=argparse.SUPPRESS, help="as before the command"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(group: Group, name: str, **kw: Any) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[after], **kw)

    _run_and_demo(commands, command)
    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    command(db_commands, "upgrade", help="migrate the database to the newest schema")
    _directory(commands, command)
    _staff(commands, command)
    _stats(commands, command)
    return parser


def _run_and_demo(commands: Group, command: Command) -> None:
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
    screens = command(
        commands,
        "screens",
        help="every screen of the bot in one language, as one HTML page (offline)",
    )
    screens.add_argument("--lang", choices=USER_LANGUAGES, required=True)
    screens.add_argument("--out", metavar="FILE", help="write the page here (default: stdout)")


def _directory(commands: Group, command: Command) -> None:
    dirs = commands.add_parser("directory", help="the directory of support contacts")
    dir_commands = dirs.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    validate = command(dir_commands, "validate", help="check a directory file, or - for stdin")
    validate.add_argument("file", type=Path)
    load = command(dir_commands, "import", help="replace the directory from a file, or - for stdin")
    load.add_argument("file", type=Path)
    load.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    load.add_argument(
        "--format",
        choices=("yaml", "hsds"),
        default="yaml",
        help="hsds: Open Referral HSDS 3.0 JSON, read into drafts for volunteers to review",
    )
    load.add_argument(
        "--author",
        type=_user_id,
        help="with --format hsds: the volunteer whose drafts the services become",
    )
    past = command(dir_commands, "history", help="every recorded change to one entry")
    past.add_argument("entry_id")
    export = command(dir_commands, "export", help="write the directory to a file, or - for stdout")
    export.add_argument("file")
    export.add_argument("--format", choices=("yaml", "csv", "hsds"), default="yaml")
    export.add_argument(
        "--include-internal", action="store_true", help="include the staff-only notes"
    )


def _staff(commands: Group, command: Command) -> None:
    team = commands.add_parser("staff", help="who is a volunteer or an admin")
    team_commands = team.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    add = command(team_commands, "add", help="make a Telegram user id a volunteer or admin")
    add.add_argument("user_id", type=_user_id)
    add.add_argument("--role", choices=staff.ROLES, required=True)
    drop = command(team_commands, "remove", help="remove a member of staff")
    drop.add_argument("user_id", type=_user_id)
    command(team_commands, "list", help="list staff")


def _stats(commands: Group, command: Command) -> None:
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


def _user_id(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 2**63:
        raise argparse.ArgumentTypeError(f"{text!r} is not a Telegram user id (digits)")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2026-11-01") from None
