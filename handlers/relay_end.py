"""A conversation's topic made, and a conversation ended, whoever ends it: she (End, Erase),
a volunteer (End, End and block) or time (RELAY_IDLE_HOURS without a message).

Ending is the same every time: the row goes first (so that a second process ending it at
once finds nothing and does nothing), then the topic with every message in it, then her side
(her messages and the answers, unless she chose to keep them); she is told it ended, in her
language. Nothing is told to the topic: it is gone.
"""

from __future__ import annotations

import datetime as dt
import logging

from telegram.error import TelegramError

from bot.desk.screens import topic as topic_screens
from bot.i18n import Texts
from bot.menus.callback import Nav, Screen
from bot.menus.erase_memory import BATCH
from bot.relay import conversations, duty, screens, topic
from bot.relay.conversations import Conversation
from handlers import outbound
from handlers.context import Context

log = logging.getLogger(__name__)

IDLE_CHECK_SECONDS = 300.0  # conversations idle past RELAY_IDLE_HOURS end within five minutes


async def make_topic(context: Context, opened: Conversation) -> bool:
    """The new conversation's topic, its first message, and the pings to staff on duty;
    False if the group refused (the bot is not an admin there, say)."""
    core = context.core
    group = core.settings.relay_chat_id
    assert group is not None
    route = opened.route
    name = topic.topic_name(opened.code, route.lang, route.place, route.need)
    try:
        made = await context.bot.create_forum_topic(group, name)
        await conversations.set_topic(core.sessions, opened.code, made.message_thread_id)
        header = topic_screens.header(
            Texts(route.lang),
            opened.code,
            route.place,
            route.need,
            idle_hours=core.settings.relay_idle_hours,
        )
        await outbound.send(context, group, header, topic=made.message_thread_id)
    except TelegramError as exc:
        log.warning("a conversation's topic could not be made (%s)", type(exc).__name__)
        return False
    await _ping(context, route.lang)
    return True


async def _ping(context: Context, her_lang: str) -> None:
    """Staff on duty learn that a conversation waits, in their language, and nothing else."""
    for staff_id, staff_lang in await duty.on_duty(context.core.sessions):
        try:
            await outbound.send(context, staff_id, topic_screens.ping(Texts(staff_lang), her_lang))
        except TelegramError as exc:
            log.info("a member of staff could not be told (%s)", type(exc).__name__)


async def finish(context: Context, code: str, *, tell_her: bool = True) -> Conversation | None:
    """End the conversation `code`: the row, the topic, her side; then tell her, unless her
    own tap ended it (her screen then says so). None if it had ended already elsewhere."""
    core = context.core
    keys, group = core.relay_keys, core.settings.relay_chat_id
    assert keys is not None and group is not None
    ended = await conversations.end(core.sessions, keys, code)
    if ended is None:
        return None
    if ended.topic_id is not None:
        try:
            await context.bot.delete_forum_topic(group, ended.topic_id)
        except TelegramError as exc:
            log.warning("a conversation's topic could not be deleted (%s)", type(exc).__name__)
    route = ended.route
    if not route.keep_her_side:
        await _delete_her_side(context, route.chat_id, route.her_message_ids)
    if tell_her:
        nav = Nav(Screen.TALK_END, route.lang)
        view = screens.ended(Texts(route.lang), nav, kept=route.keep_her_side)
        try:
            await outbound.send(context, route.chat_id, view)
        except TelegramError as exc:  # she blocked the bot, say: nothing more to do
            log.info("the end of a conversation could not be told (%s)", type(exc).__name__)
    return ended


async def _delete_her_side(context: Context, chat_id: int, message_ids: list[int]) -> None:
    ids = sorted(set(message_ids))
    await outbound.delete(context, chat_id, (ids[i : i + BATCH] for i in range(0, len(ids), BATCH)))


async def end_for_chat(context: Context, chat_id: int) -> None:
    """Erase ends her conversation too, saying nothing: the chat is being emptied."""
    keys = context.core.relay_keys
    if keys is None:
        return
    hers = await conversations.by_chat(context.core.sessions, keys, chat_id)
    if hers is not None:
        await finish(context, hers.code, tell_her=False)


async def expire_idle(context: Context) -> None:
    """Every few minutes: conversations without a message for RELAY_IDLE_HOURS end (her side
    must go before Telegram's 48 hours for deleting it run out); past blocks are dropped.
    She is not written to: a notification hours later could be read by whoever holds her
    phone. Her screen's buttons say it has ended when she next taps one."""
    core = context.core
    if core.relay_keys is None:
        return
    now = core.now()
    try:
        codes = await conversations.idle(core.sessions, now, core.settings.relay_idle_hours)
        for code in codes:  # hours after her last word: no message, no notification
            await finish(context, code, tell_her=False)
        await conversations.purge_blocks(core.sessions, now)
    except Exception as exc:  # tried again at the next run
        log.warning("idle conversations could not be ended (%s)", type(exc).__name__)


async def purge_old_key(context: Context) -> None:
    """At start: conversations sealed under an earlier RELAY_KEY can no longer reach her;
    their rows go, and their topics with them. Her side cannot be found any more: it stays
    until she erases it or Telegram's own auto-delete takes it."""
    core = context.core
    keys, group = core.relay_keys, core.settings.relay_chat_id
    if keys is None or group is None:
        return
    for topic_id in await conversations.purge_unreadable(core.sessions, keys):
        try:
            await context.bot.delete_forum_topic(group, topic_id)
        except TelegramError as exc:
            log.warning("an old conversation's topic could not be deleted (%s)", type(exc).__name__)


def block_until(now: dt.datetime, days: int) -> dt.datetime:
    return now + dt.timedelta(days=days)
