"""The rows of buttons every user screen carries: Back, Home and More, and Erase alone on the
last row, so that she can always go back or leave; More holds Language, Safety, Help, About."""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen, encode
from bot.taxonomy import topic_of
from bot.ui.view import Button


def home_of(nav: Nav) -> Nav:
    """Home is the needs menu once she has said where she is, the places question before."""
    if nav.place is None:
        return nav.fresh(Screen.PLACES)
    return nav.fresh(Screen.NEEDS, nav.place)


def menu_of(nav: Nav) -> Nav:
    """Where Back leads from a need's list: its topic's menu where the topic holds several
    needs (bot.taxonomy.TOPICS_BY_PLACE), else the needs menu."""
    assert nav.place is not None
    found = topic_of(nav.place, nav.need) if nav.need is not None else None
    if found is not None and len(found[1]) > 1:
        return nav.fresh(Screen.TOPIC, nav.place, found[1][0])
    return nav.fresh(Screen.NEEDS, nav.place)


def nav_rows(t: Texts, nav: Nav, back: Nav | None, *, more: bool = True) -> list[list[Button]]:
    """Back to `back`, Home and More, then Erase alone on the last row: in the same place on
    every screen, the full width, so that it is found without looking (and comes back to this
    screen on No). The first screen (`back` None) has neither Back nor Home: it is where both
    lead. The More screen itself (`more` False) does not offer More."""
    _ = t.gettext
    erase = [("🗑 " + _("Erase"), encode(nav.to(Screen.ERASE, origin=nav.screen)))]
    if back is None:
        return [erase]
    row = [("◀ " + _("Back"), encode(back)), ("🏠 " + _("Home"), encode(home_of(nav)))]
    if more:
        row.append(more_button(t, nav))
    return [row, erase]


def more_button(t: Texts, nav: Nav) -> Button:
    """More: Language, Safety, Help, About and Change place; Back there returns here."""
    return ("☰ " + t.gettext("More"), encode(nav.to(Screen.MORE, origin=nav.screen)))


def talk_row(t: Texts, nav: Nav) -> list[Button]:
    """Talk to a person (where the relay is on), coming back to this screen on Back."""
    return [("💬 " + t.gettext("Talk to a person"), encode(nav.to(Screen.TALK, origin=nav.screen)))]
