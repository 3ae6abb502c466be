"""The error handler: a calm answer for her, and a log line that says nothing about her.

PTB's own example logs the whole update; here that would write her id, name and words to the
log. Only the update id, where it failed and the exception type are logged.
"""

from __future__ import annotations

import html
import logging
import traceback
from pathlib import Path

from telegram import Update
from telegram.error import TelegramError

from bot.core import is_passing_trouble
from bot.i18n import Texts
from bot.menus import screens
from bot.ui.view import View
from handlers import outbound
from handlers.context import Context, language_of

log = logging.getLogger(__name__)
_PROJECT = Path(__file__).resolve().parent.parent


def where(error: BaseException) -> str:
    """The innermost frame of the project's own code: module:function:line."""
    found = "unknown"
    for frame in traceback.extract_tb(error.__traceback__):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(_PROJECT) and "site-packages" not in path.parts:
            module = ".".join(path.relative_to(_PROJECT).with_suffix("").parts)
            found = f"{module}:{frame.name}:{frame.lineno}"
    return found


async def on_error(update: object, context: Context) -> None:
    await report(update, context, context.error)


async def report(update: object, context: Context, error: BaseException | None) -> None:
    """Log where an update failed, and tell her calmly: for the error handler, and for a
    handler that catches its own error so that no later handler answers the update."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error(
        "update %s failed in %s with %s",
        update_id,
        where(error) if error else "unknown",
        type(error).__name__,
    )
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != "private":
        return
    t = Texts(language_of(update))
    # The bot recovers by itself from passing trouble: she is told to try again soon.
    busy = is_passing_trouble(error)
    line = screens.try_again_soon(t) if busy else screens.something_went_wrong(t)
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(line)
        else:
            await outbound.send(context, update.effective_chat.id, View(html.escape(line)))
    except TelegramError as exc:
        log.info("could not tell the user about an error (%s)", type(exc).__name__)
