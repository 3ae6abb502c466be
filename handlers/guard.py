"""Runs before every other handler: the flood guard, erase bookkeeping, auto-erase countdown."""

from __future__ import annotations

import html

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import desk, screens
from bot.callback import BadCallback, Nav, Screen, decode
from bot.flood import Verdict
from bot.i18n import Texts
from bot.staff_callback import is_staff_data
from bot.taxonomy import user_language
from handlers import erase
from handlers.render import answer, core, forget_incoming

ERASING = (Screen.ERASE, Screen.ERASE_NOW)


async def before_everything(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        return
    helpers = core(context)
    if update.effective_user is not None:
        helpers.counter.see_user(update.effective_user.id)
    message = update.effective_message
    if message is not None:
        helpers.erase_memory.saw(chat.id, message.message_id)
    nav = _nav(update)
    # Erasing is never held back, however fast she taps: that is when she needs it most.
    if not _wants_erase(update, nav):
        verdict = helpers.flood.check(chat.id)
        if verdict is not Verdict.ALLOW:
            if verdict is Verdict.WARN:
                await _please_wait(update, context)
            if update.callback_query is None:
                await forget_incoming(update, context)  # held back, but not left in the chat
            raise ApplicationHandlerStop
    if nav is not None and nav.origin is Screen.AUTO_ERASE:  # her choice, off included
        erase.arm_auto_erase(context, chat.id, nav.auto)
    else:
        erase.keep_counting(context, chat.id, nav.auto if nav is not None else 0)
    await _leaving_the_desk(update, context)


async def _leaving_the_desk(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A member of staff who turns to anything else (a command, a user's button) leaves the
    desk: a question it asked ("send the new name") must not take her next words."""
    user = update.effective_user
    helpers = core(context)
    if user is None or not await helpers.staff_ids.may_be(user.id):
        return
    query, message = update.callback_query, update.message
    if query is not None:
        leaving = not is_staff_data(query.data)
    else:
        text = (message.text if message is not None else None) or ""
        leaving = text.startswith("/")
    if leaving:
        await desk.drop_question(helpers, user.id)


def _nav(update: Update) -> Nav | None:
    query = update.callback_query
    if query is None:
        return None
    try:
        return decode(query.data)
    except BadCallback:
        return None


def _wants_erase(update: Update, nav: Nav | None) -> bool:
    if nav is not None:
        return nav.screen in ERASING
    text = (update.message.text if update.message is not None else None) or ""
    words = text.split()
    return bool(words) and words[0].split("@")[0] == "/erase"


async def _please_wait(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    text = screens.please_wait(Texts(user_language(user.language_code if user else None)))
    if update.callback_query is not None:
        await answer(update.callback_query, text)
    elif update.effective_chat is not None:
        sent = await update.effective_chat.send_message(html.escape(text))
        core(context).erase_memory.saw(update.effective_chat.id, sent.message_id)
