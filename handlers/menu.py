"""Button taps: decode the position, build the screen, answer the tap, edit in place."""

from __future__ import annotations

from telegram import Chat, Update

from bot.i18n import Texts
from bot.menus import navigation, screens, status
from bot.menus.callback import BadCallback, Screen, decode
from handlers import erase, groups, relay, stats, typed
from handlers.commands import where
from handlers.context import Context
from handlers.render import answer, edit


async def on_button(update: Update, context: Context) -> None:
    query = update.callback_query
    if query is None:
        return
    chat = update.effective_chat
    if chat is not None and chat.type != Chat.PRIVATE:
        await groups.leave(update, context)
        return
    try:
        nav = decode(query.data)
    except BadCallback:
        await stale(update, context)
        return
    if nav.screen is Screen.STATS:
        if not await stats.on_period(update, context, nav):
            await stale(update, context)  # not an admin: nothing shows a staff area exists
        return
    if nav.screen is Screen.ERASE_NOW:
        await erase.erase_now(update, context, nav)
        return
    if nav.screen in relay.TALK_SCREENS:
        if not await relay.on_button(update, context, nav):
            await stale(update, context)  # the relay is off: an old button
        return
    # The screen is built before the tap is answered, so that if building it fails, the
    # error handler can still answer the tap with a calm line.
    user_id = update.effective_user.id if update.effective_user else None
    view = await navigation.show(context.core, nav, user_id)
    await answer(query)
    shown = await edit(update, context, query, view)
    typed.remember(context, chat.id if chat else None, shown, nav)


async def stale(update: Update, context: Context) -> None:
    """A button this bot did not make, or not for this user: a calm line and the start."""
    query = update.callback_query
    assert query is not None
    nav = where(update, context, Screen.PLACES)
    t = Texts(nav.lang)
    await answer(query, screens.button_out_of_date(t))
    shown = await edit(update, context, query, status.finish(nav, screens.places(t, nav)))
    chat = update.effective_chat
    typed.remember(context, chat.id if chat else None, shown, nav)
