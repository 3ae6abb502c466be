"""The sender's role, read on the server for every update that could reach the staff area."""

from __future__ import annotations

from telegram import Chat, Update

from bot.desk import staff
from handlers.context import Context


async def role_of(update: Update, context: Context) -> str | None:
    """`volunteer`, `admin`, or None for everyone else and outside a private chat.

    Whoever is not remembered as staff is answered from memory, with no database query that
    carries her id; a remembered id is checked in the database, now.
    """
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != Chat.PRIVATE or user is None:
        return None
    helpers = context.core
    if not await helpers.staff_ids.may_be(user.id):
        return None
    return await staff.role_of(helpers.sessions, user.id)
