"""The `helpline` command line: run, demo, screens, db upgrade, directory, staff, stats.

`main` is the console script (and `python -m bot`): it reads the settings, sets up logging and
the redaction of secrets, and hands the command to the module of its group. What the commands
share sits beside them: the parser, the failures and their exit codes, the settings file's
checks, and the database access of db.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot import logs
from bot.cli import db, directory, parser, run, staff, stats
from bot.cli.failures import CommandError, DatabaseUnavailable, StartupFailed
from bot.cli.settings_file import env_file_or_none, warn_if_others_can_read
from bot.i18n import CatalogError
from bot.settings import Settings, SettingsError, choose_env_file, load_settings


def main(argv: Sequence[str] | None = None) -> int:
    # Whatever the shell's umask, every file a command creates (the SQLite database with the
    # staff's ids, an export with the staff's notes) is readable by the service's user alone.
    os.umask(0o077)
    # Before anything can fail: a traceback is printed with anything shaped like a token
    # blanked, and the configured secrets too as soon as they are known.
    logs.install_hooks()
    args = parser.build().parse_args(argv)
    overrides = {"webhook_listen": args.listen} if getattr(args, "listen", None) else {}
    try:
        env_file = choose_env_file(args.env_file)
        settings = load_settings(env_file, **overrides)
    except SettingsError as exc:
        print(f"helpline: setting error: {logs.Redactor()(str(exc))}", file=sys.stderr)
        warn_if_others_can_read(env_file_or_none(args.env_file))
        return 2
    if settings.pgpassfile:  # read by the PostgreSQL driver from the environment
        os.environ["PGPASSFILE"] = settings.pgpassfile
    secrets = settings.secrets()
    logs.install_hooks(secrets)
    logs.configure(settings.log_level, secrets=secrets, fmt=settings.log_format)
    clean = logs.Redactor(secrets)
    try:
        if db.uses_database(args):
            db.require_driver(settings.database_url)
            if args.command != "run":  # `run` logs it, as one of its log lines
                print(f"helpline: {db.which_database(settings, env_file)}", file=sys.stderr)
        if args.command != "run":  # `run` warns after its first line
            warn_if_others_can_read(env_file)
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


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    match args.command:
        case "run":
            return run.run_bot(settings, args.settings_file, webhook=args.webhook)
        case "demo":
            return run.run_demo(settings, args.lang)
        case "screens":
            return run.write_screens(args.lang, args.out)
        case "db":
            return db.upgrade(settings)
        case "directory":
            return directory.command(args, settings)
        case "stats":
            return stats.command(args, settings)
        case "staff":
            return staff.command(args, settings)
    raise AssertionError(args.command)
