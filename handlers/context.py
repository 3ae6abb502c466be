"""The context every handler and job gets: python-telegram-bot's own, with the core on it,
and the one reading of her language from an update.

`ContextTypes(context=Context)` in the application makes PTB build this class for every
update, so a handler writes `context.core` and the type checker knows what it holds.
"""

from __future__ import annotations

from typing import Any, cast

from telegram import Update
from telegram.ext import CallbackContext, ExtBot, JobQueue

from bot.core import Core
from bot.taxonomy import user_language


class Context(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    @property
    def core(self) -> Core:
        found = self.bot_data.get("core")
        if not isinstance(found, Core):
            raise RuntimeError("the core is not set up; post_init did not run")
        return found

    @property
    def job_queue(self) -> JobQueue[Context] | None:  # type: ignore[override]
        """PTB's own, typed: jobs run with this context too."""
        return cast("JobQueue[Context] | None", super().job_queue)


def language_of(update: Update) -> str:
    """The language of her Telegram app, as one the bot speaks: what a screen opened without a
    button (a command, typed text, an error, a flood notice) is shown in."""
    user = update.effective_user
    return user_language(user.language_code if user else None)
