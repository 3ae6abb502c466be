"""Runs before every other handler: the flood guard, erase bookkeeping, auto-erase countdown."""

from __future__ import annotations

import html

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import screens
from bot.callback import BadCallback, decode
from bot.flood import Verdict
from bot.i18n import Texts
from bot.taxonomy import user_language
from handlers import erase
from handlers.render import answer, core


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
    verdict = helpers.flood.check(chat.id)
    if verdict is Verdict.IGNORE:
        raise ApplicationHandlerStop
    if verdict is Verdict.WARN:
        await _please_wait(update)
        raise ApplicationHandlerStop
    query = update.callback_query
    if query is not None:
        try:
            erase.arm_auto_erase(context, chat.id, decode(query.data).auto)
        except BadCallback:
            erase.rearm_auto_erase(context, chat.id)
    else:
        erase.rearm_auto_erase(context, chat.id)


async def _please_wait(update: Update) -> None:
    user = update.effective_user
    text = screens.please_wait(Texts(user_language(user.language_code if user else None)))
    if update.callback_query is not None:
        await answer(update.callback_query, text)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(html.escape(text))
