"""The context every handler and job gets: python-telegram-bot's own, with the core on it.

`ContextTypes(context=Context)` in the application makes PTB build this class for every
update, so a handler writes `context.core` and the type checker knows what it holds.
"""

from __future__ import annotations

from typing import Any, cast

from telegram.ext import CallbackContext, ExtBot, JobQueue

from bot.core import Core


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
