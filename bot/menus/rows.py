"""The rows of buttons every user screen carries: Back, Home and Erase on each, so that she can
always go back or leave; Language and Safety on the first screens."""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen, encode
from bot.ui.view import Button


def home_of(nav: Nav) -> Nav:
    """Home is the needs menu once she has said where she is, the places question before."""
    if nav.place is None:
        return nav.fresh(Screen.PLACES)
    return nav.fresh(Screen.NEEDS, nav.place)


def nav_row(t: Texts, nav: Nav, back: Nav) -> list[Button]:
    """Back to `back`, Home, and Erase (which comes back to this screen on No)."""
    _ = t.gettext
    return [
        ("◀ " + _("Back"), encode(back)),
        ("🏠 " + _("Home"), encode(home_of(nav))),
        ("🗑 " + _("Erase"), encode(nav.to(Screen.ERASE, origin=nav.screen))),
    ]


def tools_row(t: Texts, nav: Nav) -> list[Button]:
    _ = t.gettext
    return [
        ("🌐 " + _("Language"), encode(nav.fresh(Screen.LANGUAGES, nav.place))),
        ("🔒 " + _("Safety"), encode(nav.fresh(Screen.SAFETY, nav.place))),
    ]


def talk_row(t: Texts, nav: Nav) -> list[Button]:
    """Talk to a person (where the relay is on), coming back to this screen on Back."""
    return [("💬 " + t.gettext("Talk to a person"), encode(nav.to(Screen.TALK, origin=nav.screen)))]
