"""The one way a message leaves the bot: every message it creates in a chat is sent here.

Erase can only delete what it can find: a message the bot sent and did not remember would stay
in her chat after she erased it. So the id of every message sent is remembered (in memory
only) the moment Telegram gives it, here and nowhere else; tests/test_outbound.py fails on any
other call in handlers/ or bot/ that makes a message.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import TelegramError

from bot.ui.view import View
from handlers.context import Context

log = logging.getLogger(__name__)


def keyboard(view: View) -> InlineKeyboardMarkup | None:
    if not view.rows:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(label, callback_data=data) for label, data in row]
            for row in view.rows
        ]
    )


async def send(
    context: Context,
    chat_id: int,
    view: View,
    *,
    photo: bytes | None = None,
    topic: int | None = None,
) -> Message:
    """A new message in the chat: the view's text and buttons, or a photo with the text as its
    caption; in a forum topic of the relay group with `topic`. The text is Telegram HTML,
    escaped by whoever built it."""
    memory = context.core.erase_memory  # no core, no message: it could not be erased
    if photo is None:
        message = await context.bot.send_message(
            chat_id, view.text, reply_markup=keyboard(view), message_thread_id=topic
        )
    else:
        message = await context.bot.send_photo(
            chat_id, photo, caption=view.text, reply_markup=keyboard(view)
        )
    memory.saw(chat_id, message.message_id)
    context.core.last_screens.sent(chat_id, message.message_id)
    return message


async def relay_copy(
    context: Context,
    chat_id: int,
    source: tuple[int, int],
    *,
    topic: int | None = None,
    caption: str | None = None,
    view: View | None = None,
) -> int:
    """A copy of the message `source` names, (chat id, message id), in the chat, as the bot's
    own message: never a forward, which would carry its sender's account. Only the two
    numbers, so that a copy waiting its turn holds nothing more of her. `caption` (Telegram
    HTML) replaces a media message's caption; `view`'s buttons go under it. Protected from
    forwarding and saving, as every message. Remembered for Erase like every message sent;
    returns its id."""
    memory = context.core.erase_memory
    from_chat, message_id = source
    copied = await context.bot.copy_message(
        chat_id,
        from_chat,
        message_id,
        caption=caption,
        reply_markup=keyboard(view) if view is not None else None,
        message_thread_id=topic,
    )
    memory.saw(chat_id, copied.message_id)
    context.core.last_screens.sent(chat_id, copied.message_id)
    return copied.message_id


async def delete(context: Context, chat_id: int, batches: Iterable[list[int]]) -> bool:
    """Each batch (at most 100 ids) in one deleteMessages; ids gone or too old are skipped by
    Telegram. False if any batch was refused: logged by the error's kind only."""
    return not await refused_deletions(context, chat_id, batches)


async def refused_deletions(
    context: Context, chat_id: int, batches: Iterable[list[int]]
) -> list[list[int]]:
    """As `delete`, returning the batches Telegram refused, to be tried again."""
    refused = []
    for batch in batches:
        try:
            await context.bot.delete_messages(chat_id, batch)
        except TelegramError as exc:
            refused.append(batch)
            log.info("messages could not be deleted (%s)", type(exc).__name__)
    return refused
