"""Talk to a person, her side: /talk and her buttons, opening a conversation, and what she
sends during one, copied into its topic in the volunteers' group.

Her conversation is found from her chat (its keyed tag, bot/relay/conversations.py), never
from a button: forged data can end or reach only her own conversation. What she sends is
copied (never forwarded, which would carry her account) with protect_content; a location, a
venue or a contact is not passed on at all. Her messages stay in her chat while the
conversation lasts, and are deleted with it (handlers/relay_end.py) unless she keeps them.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Chat, Message, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.i18n import Texts
from bot.menus import status
from bot.menus.callback import Nav, Screen
from bot.relay import conversations, counts, duty, screens
from bot.relay.conversations import Conversation
from bot.relay.posting import Put
from bot.relay.route import Route
from bot.ui.view import View
from handlers import errors, outbound, relay_end
from handlers.commands import where
from handlers.context import Context
from handlers.render import answer, edit, forget_incoming, send

log = logging.getLogger(__name__)

TALK_SCREENS = frozenset(
    {Screen.TALK, Screen.TALK_START, Screen.TALK_LEAVE, Screen.TALK_END, Screen.TALK_KEEP}
)


async def talk_command(update: Update, context: Context) -> None:
    """/talk: what talking to a person means, then Start (her conversation, if one is open).
    The menus do not see it after: they would answer it as unknown text."""
    try:
        nav = where(update, context, Screen.TALK)
        await send(update, context, await _screen(update, context, nav))
    except Exception as exc:  # told and logged as any error
        await errors.report(update, context, exc)
    finally:
        await forget_incoming(update, context)
    raise ApplicationHandlerStop


async def on_button(update: Update, context: Context, nav: Nav) -> bool:
    """A tap on one of her relay buttons; False if the relay is off (an old button, then)."""
    query, chat = update.callback_query, update.effective_chat
    if context.core.relay_keys is None or query is None or chat is None:
        return False
    if nav.screen in (Screen.TALK_END, Screen.TALK_KEEP) and await _end_hers(update, context, nav):
        return True
    view = await _screen(update, context, nav)
    await answer(query)
    await edit(update, context, query, view)
    return True


async def _end_hers(update: Update, context: Context, nav: Nav) -> bool:
    """End her open conversation (False if there is none): her side goes, and the end is
    said in a new message, the newest in her chat. The button she tapped goes too, unless
    she keeps her side (it may be under an answer she keeps)."""
    core = context.core
    keys, query, chat = core.relay_keys, update.callback_query, update.effective_chat
    assert keys is not None and query is not None and chat is not None
    hers = await conversations.by_chat(core.sessions, keys, chat.id)
    if hers is None:
        return False
    await answer(query)
    keep = nav.screen is Screen.TALK_KEEP
    if keep:
        await conversations.keep_her_side(core.sessions, keys, hers.code)
    await relay_end.finish(context, hers.code)
    if not keep and isinstance(query.message, Message):
        with contextlib.suppress(TelegramError):  # gone already, with her side
            await query.message.delete()
    return True


async def _screen(update: Update, context: Context, nav: Nav) -> View:
    """The screen for her tap, doing what it asks (open, or end, her conversation), finished
    as every screen (bot/menus/status.py)."""
    return status.finish(nav, await _relay_screen(update, context, nav))


async def _relay_screen(update: Update, context: Context, nav: Nav) -> View:
    core = context.core
    keys = core.relay_keys
    chat = update.effective_chat
    assert keys is not None and chat is not None
    t = Texts(nav.lang)
    if nav.screen in (Screen.TALK_END, Screen.TALK_KEEP):  # ended already, elsewhere
        return screens.ended(t, nav, kept=nav.screen is Screen.TALK_KEEP)
    hours = core.settings.relay_idle_hours
    hers = await conversations.by_chat(core.sessions, keys, chat.id)
    if hers is not None:  # open already: the conversation's screen again
        return screens.during(t, nav, waiting=hers.answered_at is None)
    if nav.screen is Screen.TALK:
        return screens.consent(t, nav, idle_hours=hours)
    staffed = bool(await duty.on_duty(core.sessions))
    if nav.screen is Screen.TALK_START and not staffed:
        return screens.nobody_on_duty(t, nav, idle_hours=hours)
    return await _open(update, context, nav, staffed=staffed)


async def _open(update: Update, context: Context, nav: Nav, *, staffed: bool) -> View:
    core = context.core
    keys, chat = core.relay_keys, update.effective_chat
    assert keys is not None and chat is not None
    t = Texts(nav.lang)
    route = Route(chat_id=chat.id, lang=nav.lang, place=nav.place or "", need=nav.need or "")
    try:
        opened, new = await conversations.open_conversation(core.sessions, keys, route, core.now())
    except conversations.Blocked:
        return screens.not_possible(t, nav)
    if new:
        if not await relay_end.make_topic(context, opened):
            await conversations.end(core.sessions, keys, opened.code)
            return screens.not_delivered(t, nav)
        who = update.effective_user.id if update.effective_user else None
        counts.count_opened(core.counter, nav.lang, by=who)
    return screens.during(t, nav, waiting=not staffed)


async def on_message(update: Update, context: Context) -> None:
    """Anything she sends in a private chat, before the menus see it: in a conversation it
    is the conversation's, and nothing else handles it; otherwise the menus answer it."""
    keys, message, chat = context.core.relay_keys, update.message, update.effective_chat
    if keys is None or message is None or chat is None or chat.type != Chat.PRIVATE:
        return
    try:
        hers = await conversations.by_chat(context.core.sessions, keys, chat.id)
        if hers is None:
            return
        await _relay_hers(update, context, hers, message)
    except Exception as exc:  # told and logged as any error; never answered as typed text
        await errors.report(update, context, exc)
        await forget_incoming(update, context)  # not passed on: not left in her chat either
    raise ApplicationHandlerStop


async def _relay_hers(
    update: Update, context: Context, hers: Conversation, message: Message
) -> None:
    core = context.core
    keys, group = core.relay_keys, core.settings.relay_chat_id
    assert keys is not None and group is not None
    nav = Nav(Screen.TALK_START, hers.route.lang, auto=0)
    t = Texts(hers.route.lang)
    kind = screens.kind_of({key for key in _CONTENT if getattr(message, key, None)})
    if kind not in screens.PASSED_ON:  # a place or a person: it could identify her
        try:
            await outbound.send(context, message.chat_id, screens.not_passed_on(t, nav, kind))
        finally:
            await forget_incoming(update, context)
        return
    topic = hers.topic_id
    # What waits for the group's turn holds only these two numbers, not her message, whose
    # sender carries her name and username.
    source = (message.chat_id, message.message_id)

    async def post() -> None:
        """Into the topic at the group's pace, after her turn is over (bot/relay/posting.py)."""
        try:
            if topic is None:
                raise RuntimeError("the conversation has no topic yet")
            await outbound.relay_copy(context, group, source, topic=topic)
        except (TelegramError, RuntimeError) as exc:
            log.info("a message was not passed to the volunteers (%s)", type(exc).__name__)
            await outbound.send(context, source[0], screens.not_delivered(t, nav))

    # Noted first: deleted with the rest at the end, whether or not its copy went out.
    await conversations.note_hers(core.sessions, keys, hers.code, [message.message_id], core.now())
    queued = core.group_posts.put(hers.code, post)
    if queued is not Put.QUEUED:
        # Not passed on, so not left in her chat either: what stays is what they received.
        await outbound.delete(context, message.chat_id, [[message.message_id]])
        if queued is Put.REFUSED_FIRST:
            await outbound.send(context, message.chat_id, screens.too_fast(t, nav))


_CONTENT = (*screens.PASSED_ON, *screens.IDENTIFYING)
