"""Talk to a person, the volunteers' side: everything that happens in the relay group
(RELAY_CHAT_ID), the one group the bot stays in.

A message in a conversation's topic from a member of staff reaches her as the bot's own
message (a copy, protected; signed with the volunteer's first name if one is set); from
anyone else in the group it is ignored, and nothing about them is logged. The topic's End
and End and block are honoured only from staff, and only in the topic of the conversation
their data names, so that a forged button cannot reach another conversation.
"""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.desk import staff
from bot.desk.callback import Act, decode
from bot.desk.screens import topic as topic_screens
from bot.i18n import Texts
from bot.menus.callback import BadCallback, Nav, Screen
from bot.relay import conversations, counts, duty, screens
from bot.relay.conversations import Conversation
from bot.ui.text import escape
from bot.ui.view import MAX_MESSAGE, View, visible_length
from handlers import errors, outbound, relay_end
from handlers.context import Context
from handlers.render import answer

log = logging.getLogger(__name__)

# What a caption can be, at most (Telegram's limit); a signed caption must fit too.
MAX_CAPTION = 1024
_CAPTIONED = ("photo", "video", "audio", "document", "voice", "animation")


async def on_update(update: Update, context: Context) -> None:
    """Every update from the relay group: a tap on a topic's button, a message in a topic;
    anything else there (members joining, service messages) is not the bot's business. No
    other handler sees the group's updates: the menus and the desk are for private chats."""
    try:
        if update.callback_query is not None:
            await _on_tap(update, context)
        elif update.message is not None and update.message.is_topic_message:
            await _on_message(update, context, update.message)
    except Exception as exc:  # logged as any error, without the update; nobody else answers
        await errors.report(update, context, exc)
    raise ApplicationHandlerStop


async def _is_staff(context: Context, user_id: int | None) -> bool:
    core = context.core
    return await staff.role_now(core.staff_ids, core.sessions, user_id) is not None


async def _on_message(update: Update, context: Context, message: Message) -> None:
    core = context.core
    keys = core.relay_keys
    user = update.effective_user
    if keys is None or user is None or message.message_thread_id is None:
        return
    if not await _is_staff(context, user.id):
        return  # someone else in the group: ignored, and not written down
    hers = await conversations.by_topic(core.sessions, keys, message.message_thread_id)
    if hers is None:
        return  # a topic of no open conversation (ended, or not the bot's)
    signature = await duty.signature_of(core.sessions, user.id)
    try:
        sent = await _to_her(context, hers, message, signature)
    except TelegramError as exc:
        log.info("an answer was not passed on (%s)", type(exc).__name__)
        notice = topic_screens.not_delivered(Texts(hers.route.lang))
        await outbound.send(context, message.chat_id, notice, topic=message.message_thread_id)
        return
    waited = await conversations.note_answer(core.sessions, keys, hers.code, sent, core.now())
    if waited is not None:
        counts.count_answered(core.counter, hers.route.lang, waited, by=None)


async def _to_her(
    context: Context, hers: Conversation, message: Message, signature: str | None
) -> list[int]:
    """The answer in her chat, as the bot's message with End conversation under it; the ids
    of what was sent there (deleted with the conversation)."""
    route = hers.route
    t = Texts(route.lang)
    end = View("", screens.end_rows(t, Nav(Screen.TALK_START, route.lang)))
    signed = "\n\n— " + escape(signature) if signature else ""
    if message.text is not None:  # a text is sent anew, signed; its formatting kept
        room = visible_length(message.text_html + signed) <= MAX_MESSAGE
        view = View(message.text_html + (signed if room else ""), end.rows)
        ids = [(await outbound.send(context, route.chat_id, view)).message_id]
        if signed and not room:  # no room left in the message: a line of its own
            ids.append(
                (await outbound.send(context, route.chat_id, View(signed.strip()))).message_id
            )
        return ids
    kinds = [kind for kind in _CAPTIONED if getattr(message, kind, None)]
    caption = None
    if signed and kinds:
        caption = (message.caption_html or "") + signed
        if len(caption) > MAX_CAPTION:
            caption = None  # left as it was, and signed below
    source = (message.chat_id, message.message_id)
    ids = [await outbound.relay_copy(context, route.chat_id, source, caption=caption, view=end)]
    if signed and caption is None:  # a sticker, a video note, or no room: a line of its own
        ids.append((await outbound.send(context, route.chat_id, View(signed.strip()))).message_id)
    return ids


async def _on_tap(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    assert query is not None
    core = context.core
    keys = core.relay_keys
    message = query.message
    thread = message.message_thread_id if isinstance(message, Message) else None
    try:
        tap = decode(query.data)
    except BadCallback:
        tap = None
    if (
        keys is None
        or tap is None
        or tap.act not in (Act.RELAY_END, Act.RELAY_BLOCK)
        or thread is None
        or not await _is_staff(context, user.id if user else None)
    ):
        await answer(query)
        return
    hers = await conversations.by_topic(core.sessions, keys, thread)
    if hers is None or hers.code.lower() != tap.arg:
        await answer(query)  # another conversation's button, or one already ended
        return
    await answer(query)
    if tap.act is Act.RELAY_BLOCK:
        until = relay_end.block_until(core.now(), core.settings.relay_block_days)
        await conversations.block(core.sessions, keys, hers.route.chat_id, until)
    await relay_end.finish(context, hers.code)
