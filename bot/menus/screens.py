"""The way to a contact, as screens: where she is, what she needs, the list of contacts and a
contact's card; and the short notices that answer anything else.

Screens are data (bot.ui.view.View): nothing here touches Telegram or the database, so every
screen is tested on its own. Directory text is escaped by bot.ui.text as it is put in.
"""

from __future__ import annotations

import datetime as dt

from bot import channels
from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import opening, status
from bot.menus.callback import Nav, Screen, encode
from bot.menus.rows import home_of, menu_of, more_button, nav_rows, talk_row
from bot.menus.topics import URGENT_MARK
from bot.taxonomy import (
    CONTACT_LABELS,
    NEED_DETAILS,
    NEED_LABELS,
    PLACE_LABELS,
    PLACES,
    TOPIC_LABELS,
)
from bot.ui.paging import paging_row
from bot.ui.text import bold, escape, italic, paragraphs
from bot.ui.view import Button, View, cut, visible_length

MAX_LABEL = 48


def places(t: Texts, nav: Nav, *, greeting: bool = False) -> View:
    """Where she is: the first screen, with Urgent help above the places; or, once she has
    chosen a need (`nav.need`, Urgent help above all), the one question before its list."""
    _ = t.gettext
    if nav.need is not None:
        return _places_for_need(t, nav)
    welcome = (
        [
            escape(_("Hello. This is an information service.")),
            escape(_("Choose with the buttons. You do not need to write anything.")),
        ]
        if greeting
        else []
    )
    here = nav.fresh(Screen.PLACES)
    urgent = URGENT_MARK + _(TOPIC_LABELS["urgent"])
    rows = [[(urgent, encode(nav.fresh(Screen.PLACES, need="emergency")))]]
    rows += [
        [(_(PLACE_LABELS[p]), encode(nav.fresh(Screen.NEEDS, p, origin=Screen.PLACES)))]
        for p in PLACES
    ]
    rows.append([("🌐 " + _("Language"), encode(here.to(Screen.LANGUAGES))), more_button(t, here)])
    rows.extend(nav_rows(t, here, None))
    return View(paragraphs(*welcome, bold(_("Where are you now?"))), rows)


def _places_for_need(t: Texts, nav: Nav) -> View:
    """Her place, asked after her need: each place opens that need's list at once (counted
    as both choices, bot.menus.navigation)."""
    _ = t.gettext
    assert nav.need is not None
    here = nav.fresh(Screen.PLACES, need=nav.need)
    rows = [
        [(_(PLACE_LABELS[p]), encode(nav.fresh(Screen.LIST, p, nav.need, origin=Screen.PLACES)))]
        for p in PLACES
    ]
    rows.extend(nav_rows(t, here, nav.fresh(Screen.PLACES)))
    text = bold(_("Where are you now?")) + "\n" + escape(_("Then you see at once who can help."))
    return View(text, rows)


def _place_line(t: Texts, place: str) -> str:
    _ = t.gettext
    return escape(_("Place: {place}").format(place=_(PLACE_LABELS[place])))


def _entry_name(t: Texts, entry: EntryModel) -> tuple[str, str]:
    found = entry.text("name", t.lang)
    assert found is not None, "an entry always has a name"
    return found


def _other_language_mark(t: Texts, text_lang: str) -> str:
    if text_lang == t.lang:
        return ""
    return t.punctuation.before_note + italic(t.note(t.language_name(text_lang)))


def thanks_line(t: Texts, thanks: bool) -> str:
    """After a "did not work" report, the thanks on top of the list she comes back to."""
    if not thanks:
        return ""
    return escape(
        t.gettext(
            "Thank you for telling us. Volunteers will check this contact again."
            " Here are the other contacts."
        )
    )


def page_line(t: Texts, page: Page) -> str:
    """Which page of a list this is, where there is more than one."""
    if page.pages <= 1:
        return ""
    return escape(t.gettext("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages))


def _list_text(
    t: Texts, nav: Nav, page: Page, *, fallback: bool, thanks: bool, marked: bool
) -> str:
    _ = t.gettext
    assert nav.place is not None and nav.need is not None
    if fallback:
        found = [_("Sorry, there is no contact for this need here yet.")]
        if page.total:
            found.append(_("These services can help from anywhere:"))
        found.append(_("You can also choose another need."))
    else:
        found = [_("Choose a contact to see how to reach it.")]
    heading = [bold(_(NEED_LABELS[nav.need]))]
    details = NEED_DETAILS.get(nav.need)
    if details is not None:
        heading.append(escape(_(details)))
    return paragraphs(
        thanks_line(t, thanks),
        "\n".join([*heading, _place_line(t, nav.place)]),
        "\n".join(escape(line) for line in found),
        page_line(t, page),
        escape(f"{opening.OPEN_MARK} " + _("Open now")) if marked else "",
    )


def entry_list(
    t: Texts,
    nav: Nav,
    page: Page,
    *,
    fallback: bool,
    thanks: bool = False,
    talk: bool = False,
    now: dt.datetime | None = None,
) -> View:
    """The contacts for a need, or, when there are none, the kind fallback. After a "did not
    work" report, a thank-you comes first. With `talk` (the relay is on), Talk to a person
    comes below the contacts, never instead of them.

    With `now`, a small green dot goes before the names of the contacts open now, and a line
    under the list says what it means: a quiet mark that a glance finds, in no one's way. A
    closed contact gets no mark at all (a red one would read as a warning, and she may still
    write to it), and one without structured hours none either: nothing is claimed about it."""
    _ = t.gettext
    assert nav.place is not None
    rows: list[list[Button]] = []
    marked = False
    for entry in page.entries:
        name, _lang = _entry_name(t, entry)
        target = nav.to(Screen.CARD, page=page.page, entry=entry.id, origin=Screen.LIST)
        if now is not None and opening.is_open(entry, now):
            marked = True
            mark = f"{opening.OPEN_MARK} "
            rows.append([(mark + cut(name, MAX_LABEL - len(mark)), encode(target))])
            continue
        rows.append([(cut(name, MAX_LABEL), encode(target))])
    paging = paging_row(t, page.page, page.pages, lambda n: encode(nav.to(Screen.LIST, page=n)))
    if paging:
        rows.append(paging)
    here = nav.to(Screen.LIST, page=page.page, entry=None)
    if talk:
        rows.append(talk_row(t, here))
    rows.extend(nav_rows(t, here, menu_of(nav)))
    text = _list_text(t, nav, page, fallback=fallback, thanks=thanks, marked=marked)
    return View(text, rows)


# Ids that no link opens: set apart to be read and typed. Every other contact is left as
# plain text for Telegram to recognise (a number, an @handle, an address, a link), so that one
# tap calls, opens or writes. Never `<code>`: in a protected message, as every one the bot
# sends, Android's Telegram does nothing at all when code is tapped.
_READ_AND_TYPED = frozenset({"kakaotalk", "wechat"})


def _channel(t: Texts, kind: str, place: str | None) -> str:
    """The channel's name with its tag for her place beside it: ⚠️ where it is watched."""
    _ = t.gettext
    label = escape(_(CONTACT_LABELS[kind]))
    found = channels.tag(kind, place)
    if found is None:
        return label
    mark = "⚠️ " if found in channels.WARNINGS else ""
    return escape(_("{channel} ({tag})")).format(channel=label, tag=italic(mark + _(found)))


def _contact_lines(t: Texts, entry: EntryModel, place: str | None) -> list[str]:
    """Safest first for her place (bot/channels.py), each with its tag; a phone number with a
    line saying that a call stays in the call log and on the bill."""
    _ = t.gettext
    lines = []
    ordered = sorted(entry.contacts, key=lambda contact: channels.rank(contact.type, place))
    for contact in ordered:
        shown = bold(contact.value) if contact.type in _READ_AND_TYPED else escape(contact.value)
        lines.append("• " + t.labelled(_channel(t, contact.type, place), shown))
        if contact.type == "phone":
            lines.append("  " + italic(_(channels.CALL_LOG)))
    return lines


def _card_text(
    t: Texts,
    entry: EntryModel,
    place: str | None,
    limits: dict[str, int],
    now: dt.datetime | None,
) -> str:
    _ = t.gettext

    def part(field: str) -> tuple[str, str] | None:
        found = entry.text(field, t.lang)
        if found is None or limits.get(field) == 0:
            return None
        text, lang = found
        if field in limits:
            text = cut(text, limits[field])
        return text, lang

    name, name_lang = _entry_name(t, entry)
    lines = [bold(name) + _other_language_mark(t, name_lang)]
    description = part("description")
    if description:
        text, lang = description
        lines += ["", escape(text) + _other_language_mark(t, lang)]
    expect = part("expect")
    if expect:
        text, lang = expect
        lines += ["", bold(_("What to expect:")), escape(text) + _other_language_mark(t, lang)]
    lines.append("")
    open_now = opening.line(t, entry, place, now) if now is not None else None
    if open_now is not None:
        lines.append(escape(open_now))
    hours = part("hours")
    if hours:
        text, lang = hours
        lines.append(escape(_("Hours: {hours}").format(hours=text)) + _other_language_mark(t, lang))
    if entry.languages:
        spoken = t.listing([t.language_name(spoken_lang) for spoken_lang in entry.languages])
        lines.append(escape(_("Staff speak: {languages}").format(languages=spoken)))
    lines += ["", bold(_("How to reach them:"))]
    lines += _contact_lines(t, entry, place)
    if entry.verified_on is not None:
        lines += ["", italic(_("Last checked: {date}").format(date=t.date(entry.verified_on)))]
    return "\n".join(lines)


def card_text(
    t: Texts,
    entry: EntryModel,
    place: str | None = None,
    room: int = status.TEXT_ROOM,
    now: dt.datetime | None = None,
) -> str:
    """A contact card's text. If it would pass `room` (by default, what the auto-erase line
    leaves of a message), the description is cut (with an ellipsis), then what to expect,
    then the opening hours; the name and the ways to reach them never are. With `now` and
    structured hours, whether it is open now comes above the hours note, which stays: the
    note can say more (who answers at night, which days are different)."""
    limits: dict[str, int] = {}
    text = _card_text(t, entry, place, limits, now)
    for cuttable in ("description", "expect", "hours"):
        over = visible_length(text) - room
        found = entry.text(cuttable, t.lang)
        if over <= 0 or found is None:
            continue
        limits[cuttable] = max(0, len(found[0]) - over - 1)
        text = _card_text(t, entry, place, limits, now)
    return text


def card(t: Texts, nav: Nav, entry: EntryModel, now: dt.datetime | None = None) -> View:
    """The card; "did not work" below the contacts, just above Back and Home, in plain words
    (a warning sign is for channels that are watched), and only asking first. `now` is when
    she tapped: it says whether the contact is open."""
    text = card_text(t, entry, nav.place, now=now)
    report = (t.gettext("This contact did not work"), encode(nav.to(Screen.REPORT_ASK)))
    return View(text, [[report], *nav_rows(t, nav, nav.to(Screen.LIST, entry=None))])


def report_question(t: Texts, nav: Nav) -> View:
    """One more tap before a "did not work" report, so that a stray tap reports nothing.

    Rows are laid out from the bottom, where a thumb is: Erase, then Back and Home, then "No,
    go back" in the row where the card's report button was, so that a second tap on the
    same spot goes back to the card; "Yes, report" above it."""
    _ = t.gettext
    card_nav = nav.to(Screen.CARD)
    text = paragraphs(
        bold(_("Tell the volunteers that this contact did not work?")),
        escape(_("They will check it again. Nothing about you is kept.")),
    )
    rows: list[list[Button]] = [
        [(_("Yes, report"), encode(nav.to(Screen.REPORT)))],
        [(_("No, go back"), encode(card_nav))],
        *nav_rows(t, nav, card_nav),
    ]
    return View(text, rows)


def card_gone(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    text = escape(
        _("This contact is not shown any more. It may be under a new check. Please choose another.")
    )
    back = nav.to(Screen.LIST, entry=None) if nav.need and nav.place else home_of(nav)
    return View(text, nav_rows(t, nav, back))


def erased(t: Texts) -> str:
    """The short notice (a toast, gone by itself) that answers the tap that erases: nothing
    is left in the chat to say so. Plain text, as every notice."""
    return t.gettext("Done.")


def please_wait(t: Texts) -> str:
    """Plain text: shown as a notice, or escaped before it is sent as a message."""
    return t.gettext("Please wait a moment, then try again.")


def button_out_of_date(t: Texts) -> str:
    """Shown as a short notice, not a message: plain text, at most 200 characters."""
    _ = t.gettext
    return _("This button is old. Starting again from the beginning.")


def something_went_wrong(t: Texts) -> str:
    """Plain text: shown as a notice, or escaped before it is sent as a message."""
    _ = t.gettext
    return _("Sorry, something went wrong. Please try again.")


def try_again_soon(t: Texts) -> str:
    """When the database does not answer. Plain text, as `something_went_wrong`."""
    return t.gettext("This service is busy right now. Please try again in a moment.")
