"""What frames every desk screen: the way back, the way to the desk, Previous and Next, and a
one-line notice. The desk's buttons carry staff data (bot/desk/callback.py); the paging row
is the one all screens share."""

from __future__ import annotations

from bot.desk.callback import Act, Tap, encode
from bot.i18n import Texts
from bot.ui.paging import paging_row
from bot.ui.text import escape
from bot.ui.view import Button, View

PAGE_SIZE = 8


def desk_button(t: Texts, tap: Tap) -> Button:
    return ("🏠 " + t.gettext("Volunteer desk"), encode(tap.to(Act.HOME, 0)))


def back_button(t: Texts, target: Tap) -> Button:
    return ("◀ " + t.gettext("Back"), encode(target))


def nav(t: Texts, tap: Tap, back: Tap | None = None) -> list[Button]:
    """Back, where there is a way back, then the desk."""
    desk = desk_button(t, tap)
    return [back_button(t, back), desk] if back is not None else [desk]


def page_row(t: Texts, tap: Tap, act: Act, page: int, pages: int) -> list[Button]:
    return paging_row(t, page, pages, lambda number: encode(tap.to(act, number)))


def paged(
    t: Texts, tap: Tap, rows: list[list[Button]], act: Act, page: int, pages: int
) -> list[list[Button]]:
    """A list's rows, then Previous and Next where there are more, then the desk."""
    paging = page_row(t, tap, act, page, pages)
    return [*rows, *([paging] if paging else []), nav(t, tap)]


def notice(t: Texts, tap: Tap, message: str, back: Tap | None = None) -> View:
    """A one-line result (submitted, approved, refused...) with the way on."""
    return View(escape(message), [nav(t, tap, back)])
