"""Commands in a private chat: /start, /help, /about, /language, /safety, /erase."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import navigation, screens
from bot.callback import Nav, Screen
from bot.i18n import Texts
from bot.taxonomy import user_language
from handlers.render import core, forget_incoming, send


def _lang(update: Update) -> str:
    user = update.effective_user
    return user_language(user.language_code if user else None)


async def _answer(update: Update, context: ContextTypes.DEFAULT_TYPE, view: screens.View) -> None:
    """Reply, then delete what she sent, even if the reply failed: it may hold her name."""
    try:
        await send(update, context, view)
    finally:
        await forget_incoming(update, context)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = _lang(update)
    counter = core(context).counter
    counter.add("sessions")
    counter.add("language", lang)
    await _answer(update, context, navigation.start(lang))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(update, context, navigation.entry_screen(_lang(update), Screen.HELP))


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(update, context, navigation.entry_screen(_lang(update), Screen.LANGUAGES))


async def safety(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(update, context, navigation.entry_screen(_lang(update), Screen.SAFETY))


async def erase(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _answer(update, context, navigation.entry_screen(_lang(update), Screen.ERASE))


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = _lang(update)
    handle = core(context).settings.bot_public_handle
    await _answer(
        update, context, screens.about(Texts(lang), Nav(Screen.ABOUT, lang), public_handle=handle)
    )


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos, voice, stickers, files, places, contacts: none of it is read or kept."""
    lang = _lang(update)
    t = Texts(lang)
    home = screens.places(t, Nav(Screen.PLACES, lang))
    view = screens.View(screens.only_buttons(t) + "\n\n" + home.text, home.rows)
    await _answer(update, context, view)
