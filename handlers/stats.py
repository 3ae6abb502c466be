"""/stats for admins. To anyone else it is unknown text, and its buttons are stale buttons."""

from __future__ import annotations

import html

from telegram import Update

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen
from bot.stats import chart, screen
from bot.stats.periods import Kind
from bot.ui.view import View
from handlers import commands, outbound
from handlers.context import Context, language_of
from handlers.render import answer, edit, forget_incoming, send
from handlers.roles import role_of


async def _admin(update: Update, context: Context) -> bool:
    """Checked in the database for every update: a role is never taken from a button."""
    return await role_of(update, context) == "admin"


async def _show(update: Update, context: Context, nav: Nav, *, new: bool) -> None:
    helpers = context.core
    shown = await screen.report_for(
        helpers.sessions,
        helpers.now(),
        nav.page,
        helpers.settings.stats_min_count,
        helpers.settings.stats_retention_days,
    )
    t = Texts(nav.lang)
    view = screen.view(t, nav, shown)
    query = update.callback_query
    if new or query is None:
        await send(update, context, view)
    else:
        await answer(query)
        await edit(update, context, query, view)
    chat = update.effective_chat
    if chat is not None and shown.report is not None:
        report = shown.report
        caption = View(html.escape(screen.caption(t, report)))
        await outbound.send(context, chat.id, caption, photo=chart.render(report))


async def stats_command(update: Update, context: Context) -> None:
    if not await _admin(update, context):
        await commands.anything_else(update, context)
        return
    lang = language_of(update)
    try:
        await _show(
            update,
            context,
            Nav(Screen.STATS, lang, page=screen.page_of(Kind.WEEK, 0)),
            new=True,
        )
    finally:
        await forget_incoming(update, context)


async def on_period(update: Update, context: Context, nav: Nav) -> bool:
    """Show the period; False if the tap is not an admin's (the caller treats it as stale)."""
    if not await _admin(update, context):
        return False
    await _show(update, context, nav, new=False)
    return True
