"""The bot works only in private chats: anywhere else it leaves, saying nothing; except the
volunteers' relay group (RELAY_CHAT_ID) while Talk to a person is on."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError

from handlers.context import Context

log = logging.getLogger(__name__)

_PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.RESTRICTED)


async def leave(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None or chat.type == Chat.PRIVATE:
        return
    settings = context.core.settings
    if settings.relay_on and chat.id == settings.relay_chat_id:
        return  # its own handlers (handlers/relay_group.py) take what happens there
    member = update.my_chat_member
    if member is not None and member.new_chat_member.status not in _PRESENT:
        return
    if update.callback_query is not None:
        await update.callback_query.answer()
    try:
        await context.bot.leave_chat(chat.id)
    except TelegramError as exc:
        log.info("could not leave a non-private chat (%s)", type(exc).__name__)
