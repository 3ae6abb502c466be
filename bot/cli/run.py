"""`helpline run` and `helpline demo`: the bot itself. Both are started by bot/telegram; this
module only checks, logs and turns what went wrong into one line and an exit code."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from bot.cli.db import reaching, which_database
from bot.cli.failures import CommandError, DatabaseUnavailable, StartupFailed
from bot.cli.settings_file import warn_if_others_can_read
from bot.settings import EnvFile, Settings

log = logging.getLogger("bot")


def run_bot(settings: Settings, env_file: EnvFile, *, webhook: bool = False) -> int:
    # Telegram's library is loaded for this command alone, not for every other one.
    from bot.telegram import startup

    token = settings.token()
    startup.check(settings, webhook_asked=webhook)
    log.info("%s", which_database(settings, env_file))
    warn_if_others_can_read(env_file)
    try:
        if not startup.reach_bot_api(settings, token):
            return 0  # stopped while waiting
        with reaching(settings.database_url):
            startup.serve(settings, token)
        return 0
    except startup.TokenRefused as exc:
        raise CommandError(str(exc)) from None
    except (startup.BotApiUnreachable, DatabaseUnavailable) as exc:
        raise StartupFailed(str(exc)) from None


def write_screens(lang: str, out: str | None) -> int:
    """`helpline screens`: the preview page, on stdout or in `out`. It ignores the settings:
    it shows the product with its defaults (bot/preview/tour.py)."""
    from bot.preview import main

    page = main.page(lang)
    if out is None:
        sys.stdout.write(page)
    else:
        Path(out).write_text(page, encoding="utf-8")
    return 0


def run_demo(settings: Settings, lang: str) -> int:
    from bot.telegram import demo

    return demo.main(settings, lang)
