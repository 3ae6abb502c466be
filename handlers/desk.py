"""The volunteer desk in Telegram: /volunteer, /history, staff buttons, typed answers, files.

Every entry point here reads the sender's role first, for every update. To anyone who is not
staff, a staff command is unknown text and a staff button is an old button: the same answers
anyone gets, so that nothing shows that a staff area exists.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.desk import answers, browsing, digest, history, taps, uploads
from bot.desk.callback import ADMIN_ONLY, IN_TOPIC, decode
from bot.menus.callback import BadCallback
from bot.ui.view import View
from handlers import commands, menu, outbound
from handlers.context import Context, language_of
from handlers.render import answer, edit, forget_incoming, send
from handlers.roles import role_of

log = logging.getLogger(__name__)


async def volunteer_command(update: Update, context: Context) -> None:
    role = await role_of(update, context)
    user = update.effective_user
    if role is None or user is None:
        await commands.anything_else(update, context)
        return
    try:
        desk = await browsing.open_desk(context.core, user.id, role, language_of(update))
        await send(update, context, desk)
    finally:
        await forget_incoming(update, context)


async def history_command(update: Update, context: Context) -> None:
    """/history ID, for admins: an entry's audit trail, as `helpline directory history`."""
    if await role_of(update, context) != "admin":
        await commands.anything_else(update, context)
        return
    try:
        entry_id = context.args[0] if context.args else ""
        trail = await history.entry_history(context.core, entry_id, language_of(update))
        await send(update, context, trail)
    finally:
        await forget_incoming(update, context)


async def on_button(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None:
        return
    role = await role_of(update, context)
    try:
        tap = decode(query.data)
    except BadCallback:
        tap = None
    if tap is not None and tap.act in IN_TOPIC:  # a topic's button, sent from elsewhere
        tap = None
    if role is None or user is None or tap is None or (tap.act in ADMIN_ONLY and role != "admin"):
        await menu.stale(update, context)
        return
    result = await taps.on_tap(context.core, tap, user.id, role)
    await answer(query, result.toast)
    await edit(update, context, query, result.view)
    await _tell(context, result.notify)


async def on_text(update: Update, context: Context) -> None:
    """Typed text: a staff member's answer to the question the desk asked, else what anyone's
    text gets."""
    role = await role_of(update, context)
    user, message = update.effective_user, update.effective_message
    if role is None or user is None or message is None or not message.text:
        await commands.anything_else(update, context)
        return
    try:
        result = await answers.on_text(context.core, user.id, role, message.text)
        if result is None:
            await commands.anything_else(update, context)
            return
        await send(update, context, result.view)
        await _tell(context, result.notify)
    finally:
        await forget_incoming(update, context)


async def on_document(update: Update, context: Context) -> None:
    """A directory file from staff becomes proposals; from anyone else it is never opened."""
    role = await role_of(update, context)
    user, message = update.effective_user, update.effective_message
    document = message.document if message is not None else None
    if role is None or user is None or document is None:
        await commands.anything_else(update, context)
        return
    try:
        lang = language_of(update)
        if document.file_size is None:  # never downloaded: it could be of any size
            result = uploads.unsized(lang)
        elif document.file_size > uploads.MAX_UPLOAD_BYTES:
            result = uploads.too_big(lang)
        else:
            content = bytes(await (await document.get_file()).download_as_bytearray())
            result = await uploads.on_file(context.core, user.id, lang, content)
        await send(update, context, result.view)
    finally:
        await forget_incoming(update, context)


async def _tell(context: Context, messages: list[tuple[int, str]]) -> None:
    """Messages for other members of staff (never for users: the bot never writes first)."""
    for staff_id, text in messages:
        try:
            await outbound.send(context, staff_id, View(text))
        except TelegramError as exc:
            log.info("a message for staff could not be delivered (%s)", type(exc).__name__)


async def send_digest(context: Context) -> None:
    """Once a day: one message to each member of staff with something waiting, none else.
    With several bot processes, the first to claim the day sends it."""
    messages = await digest.messages(context.core)
    if messages is None:
        return
    await _tell(context, messages)
    log.info("the daily digest went to %d member(s) of staff", len(messages))
