"""The danger screen: the list of the `emergency` need, with a way to reach each contact
already on it. It sets each contact with the card's own helpers (bot.menus.screens), so that a
contact reads and acts the same on both.

On a weak connection she may never reach a third screen, so this one does not send her to a
card first: each contact's name, its hours and its safest channel for her place are in the
text, as the card sets a contact (plain text that one tap calls, opens or writes), and a button
opens its full card. Contacts come in the order of every list (staff who speak her language
first, then by name): the directory's opening hours are free text, which says nothing reliable
about being open now.
"""

from __future__ import annotations

import datetime as dt

from bot import channels
from bot.directory.queries import Page
from bot.directory.schema import ContactModel, EntryModel
from bot.i18n import Texts
from bot.menus import opening, screens
from bot.menus.callback import Nav, Screen, encode
from bot.menus.rows import menu_of, nav_rows, talk_row
from bot.taxonomy import TOPIC_LABELS
from bot.ui.paging import paging_row
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import Button, View, cut

# The needs whose list is the danger screen.
DANGER_NEEDS = frozenset({"emergency"})

MAX_NAME = 100
MAX_HOURS = 120


def safest_contact(entry: EntryModel, place: str) -> ContactModel:
    """The entry's contact on the safest channel for `place` (bot/channels.py, the order its
    card lists them in; the first listed, on a tie)."""
    return min(entry.contacts, key=lambda contact: channels.rank(contact.type, place))


def _entry_lines(t: Texts, entry: EntryModel, place: str, now: dt.datetime | None) -> str:
    name, name_lang = screens._entry_name(t, entry)
    lines = [bold(cut(name, MAX_NAME)) + screens._other_language_mark(t, name_lang)]
    open_now = opening.line(t, entry, place, now) if now is not None else None
    if open_now is not None:
        lines.append(escape(open_now))
    hours = entry.text("hours", t.lang)
    if hours is not None:
        text, lang = hours
        hours_line = t.gettext("Hours: {hours}").format(hours=cut(text, MAX_HOURS))
        lines.append(escape(hours_line) + screens._other_language_mark(t, lang))
    one = entry.model_copy(update={"contacts": [safest_contact(entry, place)]})
    lines += screens._contact_lines(t, one, place)
    return "\n".join(lines)


def danger_list(
    t: Texts,
    nav: Nav,
    page: Page,
    *,
    thanks: bool = False,
    talk: bool = False,
    now: dt.datetime | None = None,
) -> View:
    """Her place's danger contacts, a page of them, each reachable from the text; a button per
    contact opens its card, and Back on the card comes back here."""
    _ = t.gettext
    assert nav.place is not None and nav.need is not None
    text = paragraphs(
        screens.thanks_line(t, thanks),
        bold(_(TOPIC_LABELS["urgent"])) + "\n" + screens._place_line(t, nav.place),
        escape(
            _(
                "Tap a number, a name with @ or a link to reach them at once."
                " The buttons below show all the ways to reach each one."
            )
        ),
        *(_entry_lines(t, entry, nav.place, now) for entry in page.entries),
        screens.page_line(t, page),
    )
    rows: list[list[Button]] = []
    for entry in page.entries:
        name, _lang = screens._entry_name(t, entry)
        target = nav.to(Screen.CARD, page=page.page, entry=entry.id, origin=Screen.LIST)
        rows.append([(cut(name, screens.MAX_LABEL), encode(target))])
    paging = paging_row(t, page.page, page.pages, lambda n: encode(nav.to(Screen.LIST, page=n)))
    if paging:
        rows.append(paging)
    here = nav.to(Screen.LIST, page=page.page, entry=None)
    if talk:
        rows.append(talk_row(t, here))
    rows.extend(nav_rows(t, here, menu_of(nav)))
    return View(text, rows)
