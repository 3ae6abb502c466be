"""Put a screen on Telegram: as a new message, or by editing the message a button sits on."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError

from bot.ui.view import View
from handlers import outbound
from handlers.context import Context

log = logging.getLogger(__name__)


async def send(update: Update, context: Context, view: View) -> Message | None:
    """A new message in the update's chat (see handlers/outbound.py)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await outbound.send(context, chat.id, view)


async def answer(query: CallbackQuery, text: str | None = None) -> None:
    """Answer a tap. If Telegram refuses (the tap is too old, say), the screen is still shown."""
    try:
        await query.answer(text)
    except TelegramError as exc:
        log.info("a tap could not be answered (%s)", type(exc).__name__)


async def edit(update: Update, context: Context, query: CallbackQuery, view: View) -> int | None:
    """Edit the message in place; if Telegram says it is too old to edit, send the screen
    anew. A message that is gone stays gone. The id of the message that shows the screen."""
    message = query.message
    if isinstance(message, Message):
        try:
            await message.edit_text(view.text, reply_markup=outbound.keyboard(view))
            return message.message_id
        except BadRequest as exc:
            if "can't be edited" not in exc.message.lower():
                # Not modified, or gone: she may have erased the chat; never post it anew.
                log.info("a screen was not edited (%s)", type(exc).__name__)
                return message.message_id if "not modified" in exc.message.lower() else None
            log.info("a message is too old to edit; sending the screen anew")
    sent = await send(update, context, view)
    return sent.message_id if sent is not None else None


async def forget_incoming(update: Update, context: Context) -> None:
    """Delete what she sent: it may hold her name or place (setting DELETE_USER_MESSAGES)."""
    message = update.effective_message
    if message is None or not context.core.settings.delete_user_messages:
        return
    try:
        await message.delete()
    except TelegramError as exc:
        log.info("an incoming message could not be deleted (%s)", type(exc).__name__)
