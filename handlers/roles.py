"""The sender's role, read on the server for every update that could reach the staff area."""

from __future__ import annotations

from telegram import Chat, Update

from bot.desk import staff
from handlers.context import Context


async def role_of(update: Update, context: Context) -> str | None:
    """`volunteer`, `admin`, or None for everyone else and outside a private chat
    (`staff.role_now`: no query carries the id of someone who is not staff)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != Chat.PRIVATE or user is None:
        return None
    return await staff.role_now(context.core.staff_ids, context.core.sessions, user.id)
