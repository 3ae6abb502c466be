"""Runs before every other handler: the flood guard, erase bookkeeping, auto-erase countdown."""

from __future__ import annotations

import html
import logging

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.desk import pending
from bot.desk.callback import is_staff_data
from bot.i18n import Texts
from bot.menus import screens
from bot.menus.callback import BadCallback, Nav, Screen, decode
from bot.menus.flood import Verdict
from bot.ui.view import View
from handlers import erase, outbound
from handlers.context import Context, language_of
from handlers.render import answer
from handlers.steps import Step, erase_step, shed

log = logging.getLogger(__name__)

HELD_BACK = (Step.PLAIN, Step.WORDS)  # what the flood guard counts: everything but erasing
# What was not handled is tidied up this long after the first of it: one deleteMessages for
# her messages, one answer for her newest tap, however many there were.
TIDY_SECONDS = 5.0


async def before_everything(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        if shed():  # more from a chat it leaves or does not serve: nothing to do
            raise ApplicationHandlerStop
        return
    helpers = context.core
    if update.effective_user is not None:
        helpers.counter.see_user(update.effective_user.id)
    message = update.effective_message
    if message is not None:
        helpers.erase_memory.saw(chat.id, message.message_id, message.date.timestamp())
    step = erase_step(update)
    if shed():  # past what one chat may queue: noted, and tidied up later, without a call
        if step in HELD_BACK:
            helpers.flood.check(chat.id, may_warn=False, words=step is Step.WORDS)
        _hold(update, context, chat.id)
        raise ApplicationHandlerStop
    # Erasing is never held back, however fast she taps: that is when she needs it most.
    if step in HELD_BACK:
        verdict = helpers.flood.check(chat.id, words=step is Step.WORDS)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                await _please_wait(update, context)
            if verdict is Verdict.IGNORE or update.callback_query is None:
                _hold(update, context, chat.id)  # held back, and not left in the chat
            raise ApplicationHandlerStop
    nav = _nav(update)
    if nav is not None and nav.origin is Screen.AUTO_ERASE:  # her choice, off included
        erase.arm_auto_erase(context, chat.id, nav.auto)
    else:
        erase.keep_counting(context, chat.id, nav.auto if nav is not None else 0)
    await _leaving_the_desk(update, context)


async def _leaving_the_desk(update: Update, context: Context) -> None:
    """A member of staff who turns to anything else (a command, a user's button) leaves the
    desk: a question it asked ("send the new name") must not take her next words."""
    user = update.effective_user
    helpers = context.core
    if user is None or not await helpers.staff_ids.may_be(user.id):
        return
    query, message = update.callback_query, update.message
    if query is not None:
        leaving = not is_staff_data(query.data)
    else:
        text = (message.text if message is not None else None) or ""
        leaving = text.startswith("/")
    if leaving:
        await pending.drop_question(helpers, user.id)


def _nav(update: Update) -> Nav | None:
    query = update.callback_query
    if query is None:
        return None
    try:
        return decode(query.data)
    except BadCallback:
        return None


def _hold(update: Update, context: Context, chat_id: int) -> None:
    """Not handled, so tidied up later with the rest: her message deleted (it may hold her name
    or place; setting DELETE_USER_MESSAGES), her tap answered if it is the newest."""
    helpers = context.core
    query, message = update.callback_query, update.message
    if query is not None:
        first = helpers.flood.hold_tap(chat_id, query.id, update.update_id)
    elif message is not None and helpers.settings.delete_user_messages:
        first = helpers.flood.hold_message(chat_id, message.message_id)
    else:
        return
    if first:
        assert context.job_queue is not None
        context.job_queue.run_once(_tidy, TIDY_SECONDS, chat_id=chat_id, name="tidy")


async def _tidy(context: Context) -> None:
    job = context.job
    assert job is not None and job.chat_id is not None
    held = context.core.flood.take_held(job.chat_id)
    if held is None:
        return
    if held.tap is not None:
        try:
            await context.bot.answer_callback_query(held.tap)
        except TelegramError as exc:  # too old by now, say: it stops spinning on its own
            log.info("a held tap could not be answered (%s)", type(exc).__name__)
    await outbound.delete(context, job.chat_id, held.batches())


async def _please_wait(update: Update, context: Context) -> None:
    text = screens.please_wait(Texts(language_of(update)))
    if update.callback_query is not None:
        await answer(update.callback_query, text)
    elif update.effective_chat is not None:
        await outbound.send(context, update.effective_chat.id, View(html.escape(text)))
