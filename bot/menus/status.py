"""The auto-erase status line: one small line at the foot of every screen while an automatic
erase is pending, so that she knows it is on without opening Safety; nothing while it is off.

It is added where screens are finished (`finish`, called by bot/menus/navigation.py and by the
few handlers that build a screen of their own), never inside a screen, so that every screen,
those to come included, carries it. The one exception is the erase question: her first tap of
Erase must leave a screen that says nothing about erasing.
"""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus.callback import AUTO_ERASE_MINUTES, Nav, Screen
from bot.ui.text import italic
from bot.ui.view import MAX_MESSAGE, View, visible_length

SEPARATOR = "\n\n"
# What the line takes of a message at most, separator included (tests/test_erase_screens.py
# measures every language); a screen's own text stays within TEXT_ROOM.
ROOM = 40
TEXT_ROOM = MAX_MESSAGE - ROOM

_UNMARKED = frozenset({Screen.ERASE})  # the bland question


def line(t: Texts, minutes: int) -> str:
    """The status line, as markup."""
    return italic("⏱ " + t.gettext("Auto-erase: {minutes} min").format(minutes=minutes))


def finish(nav: Nav, view: View) -> View:
    """`view` as shown at `nav`: with the status line while `nav` carries an auto-erase."""
    if not nav.auto or nav.screen in _UNMARKED:
        return view
    marked = view.text + SEPARATOR + line(Texts(nav.lang), nav.auto)
    if visible_length(marked) > MAX_MESSAGE:  # a screen past TEXT_ROOM: shown, unmarked
        return view
    return View(marked, view.rows)


def longest(t: Texts) -> int:
    """The most the line takes in `t`'s language, separator included: at most ROOM."""
    return max(visible_length(SEPARATOR + line(t, m)) for m in AUTO_ERASE_MINUTES if m)
