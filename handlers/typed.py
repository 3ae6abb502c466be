"""Typed text, photos, voice, stickers, files, places, contacts: none of it is read or kept.

She is answered on the screen she was on: the bot edits its last screen in her chat (kept in
memory only, bot/menus/screen_memory.py) to show that screen again, or the one her words lead
to, with a line on top saying that no person reads it. No second menu is stacked under the
first. Where the last screen is not remembered (after a restart, or an hour later), or can
no longer be edited, a new message carries the answer, in her Telegram language.

Also what every screen shown is remembered through: `remember`.
"""

from __future__ import annotations

import dataclasses
import logging

from telegram import Update
from telegram.error import BadRequest

from bot.menus import typed_screens
from bot.menus.callback import Nav
from bot.menus.screen_memory import Shown
from bot.ui.view import View
from handlers import outbound
from handlers.context import Context
from handlers.render import forget_incoming

log = logging.getLogger(__name__)


def remember(context: Context, chat_id: int | None, message_id: int | None, nav: Nav) -> None:
    """The message `message_id` in the chat now shows the screen of `nav`."""
    if chat_id is not None and message_id is not None:
        context.core.last_screens.showed(chat_id, message_id, nav)


async def answer_typed(update: Update, context: Context, fallback: Nav) -> None:
    """Answer what she sent, then delete it (it may hold her name), even if answering failed.
    `fallback`: the first screen in her Telegram language, for when no screen is known."""
    chat, message = update.effective_chat, update.effective_message
    core = context.core
    try:
        if chat is None:
            return
        last = core.last_screens.last(chat.id)
        # Her pending auto-erase, as `fallback` has it, rides on the buttons as ever.
        here = dataclasses.replace(last.nav, auto=fallback.auto) if last is not None else None
        nav, view = await typed_screens.answer(
            core,
            here,
            fallback,
            message.text if message is not None else None,
            deleted=core.settings.delete_user_messages,
            user_id=update.effective_user.id if update.effective_user else None,
        )
        remember(context, chat.id, await _show(context, chat.id, last, view), nav)
    finally:
        await forget_incoming(update, context)


async def _show(context: Context, chat_id: int, last: Shown | None, view: View) -> int:
    """The answer in place of her last screen if it is the newest message from the bot,
    else in a new message; the id of the message that shows it."""
    if last is not None and not last.covered:
        try:
            await context.bot.edit_message_text(
                view.text,
                chat_id=chat_id,
                message_id=last.message_id,
                reply_markup=outbound.keyboard(view),
            )
            return last.message_id
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # she typed twice: it is shown already
                return last.message_id
            # Gone (she deleted it) or too old: the answer comes as a new message.
            log.info("a screen was not edited for typed text (%s)", type(exc).__name__)
    sent = await outbound.send(context, chat_id, view)
    return sent.message_id
