"""The rows of buttons every user screen carries: Back and Home, and Erase alone on the last
row, so that she can always go back or leave; Language and Safety on the first screens."""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen, encode
from bot.ui.view import Button


def home_of(nav: Nav) -> Nav:
    """Home is the needs menu once she has said where she is, the places question before."""
    if nav.place is None:
        return nav.fresh(Screen.PLACES)
    return nav.fresh(Screen.NEEDS, nav.place)


def nav_rows(t: Texts, nav: Nav, back: Nav | None) -> list[list[Button]]:
    """Back to `back` and Home, then Erase alone on the last row: in the same place on every
    screen, the full width, so that it is found without looking (and comes back to this screen
    on No). The first screen (`back` None) has neither Back nor Home: it is where both lead."""
    _ = t.gettext
    erase = [("🗑 " + _("Erase"), encode(nav.to(Screen.ERASE, origin=nav.screen)))]
    if back is None:
        return [erase]
    return [[("◀ " + _("Back"), encode(back)), ("🏠 " + _("Home"), encode(home_of(nav)))], erase]


def tools_row(t: Texts, nav: Nav) -> list[Button]:
    _ = t.gettext
    return [
        ("🌐 " + _("Language"), encode(nav.fresh(Screen.LANGUAGES, nav.place))),
        ("🔒 " + _("Safety"), encode(nav.fresh(Screen.SAFETY, nav.place))),
    ]


def talk_row(t: Texts, nav: Nav) -> list[Button]:
    """Talk to a person (where the relay is on), coming back to this screen on Back."""
    return [("💬 " + t.gettext("Talk to a person"), encode(nav.to(Screen.TALK, origin=nav.screen)))]
