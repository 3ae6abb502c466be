"""Commands in a private chat: /start, /help, /about, /language."""

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


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await send(update, navigation.start(_lang(update)))
    await forget_incoming(update, context)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = _lang(update)
    await send(update, screens.help_screen(Texts(lang), Nav(Screen.HELP, lang)))
    await forget_incoming(update, context)


async def about(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = _lang(update)
    view = screens.about(
        Texts(lang), Nav(Screen.ABOUT, lang), public_handle=core(context).settings.bot_public_handle
    )
    await send(update, view)
    await forget_incoming(update, context)


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = _lang(update)
    await send(update, screens.languages(Texts(lang), Nav(Screen.LANGUAGES, lang)))
    await forget_incoming(update, context)


async def anything_else(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Text, photos, voice, stickers, files, places, contacts: none of it is read or kept."""
    lang = _lang(update)
    t = Texts(lang)
    home = screens.places(t, Nav(Screen.PLACES, lang))
    await send(update, screens.View(screens.only_buttons(t) + "\n\n" + home.text, home.rows))
    await forget_incoming(update, context)
