"""What she types is answered with: the screen she was on, or the one her words lead to
(bot/menus/typed.py), in the language she chose, with one calm line on top saying that no
person reads it and, when it is so, that it was deleted.

Screens are data here as in bot/menus/screens.py; the handler (handlers/typed.py) puts the
answer on Telegram, editing her last screen where it can.
"""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus import navigation, typed
from bot.menus.callback import Nav, Screen
from bot.menus.navigation import MenuResources
from bot.menus.rows import home_of
from bot.menus.screen_memory import resting
from bot.ui.text import escape, paragraphs
from bot.ui.view import MAX_MESSAGE, View, visible_length


def typed_line(t: Texts, *, deleted: bool) -> str:
    """The line on top. `deleted`: her message is deleted (setting DELETE_USER_MESSAGES)."""
    _ = t.gettext
    if deleted:
        return escape(_("No person reads what you send here. It was deleted for your safety."))
    return escape(_("No person reads what you send here."))


def target(last: Nav | None, fallback: Nav, text: str | None) -> Nav:
    """Where typed text takes her. `last`: the screen she was last shown, if it is still
    remembered; `fallback`: the first screen in her Telegram language, for when it is not.
    A need her words name comes first: its contacts for her place, or, with no place yet,
    the places question leading on to them (a places screen carrying the need)."""
    here = last if last is not None else fallback.fresh(Screen.PLACES)
    need = typed.need_for(text)
    if need is None:
        return here
    if here.place is None:
        return here.fresh(Screen.PLACES, need=need)
    return here.fresh(Screen.LIST, here.place, need, origin=Screen.NEEDS)


async def answer(
    core: MenuResources,
    last: Nav | None,
    fallback: Nav,
    text: str | None,
    *,
    deleted: bool,
    user_id: int | None = None,
) -> tuple[Nav, View]:
    """The screen that answers typed text, the line on top, and the position it shows (to
    be remembered as her last screen). A need reached by her words is counted as a tap on
    it would be; showing her last screen again counts nothing."""
    nav = target(last, fallback, text)
    t = Texts(nav.lang)
    line = typed_line(t, deleted=deleted)
    view = with_line(line, await navigation.show(core, nav, user_id))
    if visible_length(view.text) > MAX_MESSAGE:  # a long card: its place in the menus instead
        nav = home_of(nav)
        view = with_line(line, await navigation.show(core, nav, user_id))
    return resting(nav), view


def with_line(line: str, view: View) -> View:
    return View(paragraphs(line, view.text), view.rows)
