"""Commands in a private chat: /start, /help, /about, /language, /safety, /erase."""

from __future__ import annotations

from telegram import Update

from bot.i18n import Texts
from bot.menus import navigation, screens, status
from bot.menus.callback import Nav, Screen
from bot.ui.view import View
from handlers import erase as erasing
from handlers.context import Context, language_of
from handlers.render import forget_incoming, send


def where(update: Update, context: Context, screen: Screen) -> Nav:
    """A position for a screen opened without a button: her Telegram language, and the
    auto-erase she chose if one is pending, so that the new buttons keep carrying it."""
    chat = update.effective_chat
    minutes = erasing.pending_minutes(context, chat.id) if chat else 0
    return Nav(screen, language_of(update), auto=minutes)


async def _answer(update: Update, context: Context, view: View) -> None:
    """Reply, then delete what she sent, even if the reply failed: it may hold her name."""
    try:
        await send(update, context, view)
    finally:
        await forget_incoming(update, context)


async def start(update: Update, context: Context) -> None:
    nav = where(update, context, Screen.PLACES)
    counter = context.core.counter
    who = update.effective_user.id if update.effective_user else None
    counter.add("sessions", by=who)
    counter.add("language", nav.lang, by=who)
    await _answer(update, context, navigation.start(nav))


async def _entry(update: Update, context: Context, screen: Screen) -> None:
    nav = where(update, context, screen)
    await _answer(update, context, await navigation.entry_screen(context.core, nav))


async def help_command(update: Update, context: Context) -> None:
    await _entry(update, context, Screen.HELP)


async def language(update: Update, context: Context) -> None:
    await _entry(update, context, Screen.LANGUAGES)


async def safety(update: Update, context: Context) -> None:
    await _entry(update, context, Screen.SAFETY)


async def erase(update: Update, context: Context) -> None:
    await _entry(update, context, Screen.ERASE)


async def about(update: Update, context: Context) -> None:
    await _entry(update, context, Screen.ABOUT)


async def anything_else(update: Update, context: Context) -> None:
    """Text, photos, voice, stickers, files, places, contacts: none of it is read or kept."""
    nav = where(update, context, Screen.PLACES)
    t = Texts(nav.lang)
    home = screens.places(t, nav)
    view = View(screens.only_buttons(t) + "\n\n" + home.text, home.rows)
    await _answer(update, context, status.finish(nav, view))
