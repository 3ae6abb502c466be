"""Screens as data: text in Telegram's HTML and rows of (label, callback data) buttons.

Nothing here touches Telegram or the database, so every screen is tested on its own. All
directory text passes through `html.escape` here and nowhere else needs to remember it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.callback import Nav, Screen, encode
from bot.directory import Page
from bot.directory_file import EntryModel
from bot.i18n import Texts
from bot.taxonomy import (
    CONTACT_LABELS,
    CONTACT_WARNINGS,
    LANGUAGE_SELF_NAMES,
    NEED_LABELS,
    NEEDS,
    PLACE_LABELS,
    PLACES,
    URGENT_NEEDS,
    USER_LANGUAGES,
)

MAX_MESSAGE = 4096
MAX_LABEL = 48
ELLIPSIS = "…"

Button = tuple[str, str]


@dataclass(frozen=True)
class View:
    text: str
    rows: list[list[Button]] = field(default_factory=list)

    def callbacks(self) -> list[str]:
        return [data for row in self.rows for _, data in row]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def home_of(nav: Nav) -> Nav:
    """Home is the needs menu once she has said where she is, the places question before."""
    if nav.place is None:
        return Nav(Screen.PLACES, nav.lang)
    return Nav(Screen.NEEDS, nav.lang, nav.place)


def _back_home(t: Texts, back: Nav, nav: Nav) -> list[Button]:
    _ = t.gettext
    return [("◀ " + _("Back"), encode(back)), ("🏠 " + _("Home"), encode(home_of(nav)))]


def places(t: Texts, nav: Nav, *, greeting: bool = False) -> View:
    _ = t.gettext
    lines = []
    if greeting:
        lines += [_("Hello. This is an information service."), ""]
        lines += [_("Choose with the buttons. You do not need to write anything."), ""]
    lines.append("<b>" + html.escape(_("Where are you now?")) + "</b>")
    rows = [[(_(PLACE_LABELS[p]), encode(Nav(Screen.NEEDS, nav.lang, p)))] for p in PLACES]
    rows.append([("🌐 " + _("Language"), encode(Nav(Screen.LANGUAGES, nav.lang)))])
    rows.append(_back_home(t, Nav(Screen.LANGUAGES, nav.lang), Nav(Screen.PLACES, nav.lang)))
    return View("\n".join(lines), rows)


def needs(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    assert nav.place is not None
    text = "\n".join(
        [
            "<b>" + html.escape(_("What do you need?")) + "</b>",
            html.escape(_("Choose one. You can go back at any time.")),
            "",
            html.escape(_("Place: {place}").format(place=_(PLACE_LABELS[nav.place]))),
        ]
    )
    rows: list[list[Button]] = []
    for need in NEEDS:
        label = _(NEED_LABELS[need])
        if need in URGENT_NEEDS:
            label = "❗ " + label
        rows.append([(label, encode(Nav(Screen.LIST, nav.lang, nav.place, need)))])
    rows.append(
        [
            ("📍 " + _("Change place"), encode(Nav(Screen.PLACES, nav.lang))),
            ("🌐 " + _("Language"), encode(Nav(Screen.LANGUAGES, nav.lang, nav.place))),
        ]
    )
    rows.append(
        [
            ("❔ " + _("Help"), encode(Nav(Screen.HELP, nav.lang, nav.place))),
            ("ℹ️ " + _("About"), encode(Nav(Screen.ABOUT, nav.lang, nav.place))),
        ]
    )
    rows.append(_back_home(t, Nav(Screen.PLACES, nav.lang), nav))
    return View(text, rows)


def _entry_name(t: Texts, entry: EntryModel) -> tuple[str, str]:
    found = entry.text("name", t.lang)
    assert found is not None, "an entry always has a name"
    return found


def _other_language_mark(t: Texts, text_lang: str) -> str:
    if text_lang == t.lang:
        return ""
    return " <i>(" + html.escape(t.language_name(text_lang)) + ")</i>"


def entry_list(t: Texts, nav: Nav, page: Page, *, fallback: bool) -> View:
    """The contacts for a need, or, when there are none, the kind fallback."""
    _ = t.gettext
    assert nav.place is not None and nav.need is not None
    lines = [
        "<b>" + html.escape(_(NEED_LABELS[nav.need])) + "</b>",
        html.escape(_("Place: {place}").format(place=_(PLACE_LABELS[nav.place]))),
        "",
    ]
    if fallback:
        lines.append(html.escape(_("Sorry, there is no contact for this need here yet.")))
        if page.total:
            lines.append(html.escape(_("These services can help from anywhere:")))
        lines.append(html.escape(_("You can also choose another need.")))
    else:
        lines.append(html.escape(_("Choose a contact to see how to reach it.")))
    if page.pages > 1:
        lines += [
            "",
            html.escape(_("Page {page} of {pages}").format(page=page.page + 1, pages=page.pages)),
        ]
    rows: list[list[Button]] = []
    for entry in page.entries:
        name, _lang = _entry_name(t, entry)
        target = nav.to(Screen.CARD, page=page.page, entry=entry.id)
        rows.append([(_cut(name, MAX_LABEL), encode(target))])
    paging: list[Button] = []
    if page.page > 0:
        paging.append(("◀ " + _("Previous"), encode(nav.to(Screen.LIST, page=page.page - 1))))
    if page.page + 1 < page.pages:
        paging.append((_("Next") + " ▶", encode(nav.to(Screen.LIST, page=page.page + 1))))
    if paging:
        rows.append(paging)
    if fallback:
        rows.append([("📋 " + _("Other needs"), encode(home_of(nav)))])
    rows.append(_back_home(t, Nav(Screen.NEEDS, nav.lang, nav.place), nav))
    return View("\n".join(lines), rows)


def _contact_lines(t: Texts, entry: EntryModel) -> list[str]:
    _ = t.gettext
    lines = []
    for contact in entry.contacts:
        label = html.escape(_(CONTACT_LABELS[contact.type]))
        lines.append(f"• {label}: <code>{html.escape(contact.value)}</code>")
        if contact.type in CONTACT_WARNINGS:
            lines.append("  ⚠️ <i>" + html.escape(_(CONTACT_WARNINGS[contact.type])) + "</i>")
    return lines


def visible_length(text: str) -> int:
    """Length as Telegram counts it: after parsing the HTML, in UTF-16 code units."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return len(plain.encode("utf-16-le")) // 2


def _card_text(t: Texts, entry: EntryModel, limits: dict[str, int]) -> str:
    _ = t.gettext

    def part(field: str) -> tuple[str, str] | None:
        found = entry.text(field, t.lang)
        if found is None or limits.get(field) == 0:
            return None
        text, lang = found
        if field in limits:
            text = _cut(text, limits[field])
        return text, lang

    name, name_lang = _entry_name(t, entry)
    lines = ["<b>" + html.escape(name) + "</b>" + _other_language_mark(t, name_lang)]
    description = part("description")
    if description:
        text, lang = description
        lines += ["", html.escape(text) + _other_language_mark(t, lang)]
    lines.append("")
    hours = part("hours")
    if hours:
        text, lang = hours
        lines.append(
            html.escape(_("Hours: {hours}").format(hours=text)) + _other_language_mark(t, lang)
        )
    if entry.languages:
        spoken = ", ".join(t.language_name(code) for code in entry.languages)
        lines.append(html.escape(_("Staff speak: {languages}").format(languages=spoken)))
    lines += ["", "<b>" + html.escape(_("How to reach them:")) + "</b>"]
    lines += _contact_lines(t, entry)
    if entry.verified_on is not None:
        checked = _("Last checked: {date}").format(date=t.date(entry.verified_on))
        lines += ["", "<i>" + html.escape(checked) + "</i>"]
    return "\n".join(lines)


def card(t: Texts, nav: Nav, entry: EntryModel) -> View:
    """A contact card. If it would pass Telegram's limit, the description is cut (with an
    ellipsis), then the opening hours; the name and the ways to reach them never are."""
    limits: dict[str, int] = {}
    text = _card_text(t, entry, limits)
    for cuttable in ("description", "hours"):
        over = visible_length(text) - MAX_MESSAGE
        found = entry.text(cuttable, t.lang)
        if over <= 0 or found is None:
            continue
        limits[cuttable] = max(0, len(found[0]) - over - 1)
        text = _card_text(t, entry, limits)
    back = nav.to(Screen.LIST, entry=None)
    return View(text, [_back_home(t, back, nav)])


def card_gone(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    text = html.escape(
        _(
            "This contact is not shown any more. It may be being checked again."
            " Please choose another."
        )
    )
    back = nav.to(Screen.LIST, entry=None) if nav.need and nav.place else home_of(nav)
    return View(text, [_back_home(t, back, nav)])


def languages(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    rows = [
        [(LANGUAGE_SELF_NAMES[lang], encode(Nav(Screen.SET_LANGUAGE, lang, nav.place)))]
        for lang in USER_LANGUAGES
    ]
    rows.append(_back_home(t, home_of(nav), nav))
    return View("<b>" + html.escape(_("Choose your language.")) + "</b>", rows)


def help_screen(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    paragraphs = [
        "<b>" + html.escape(_("How to use this service")) + "</b>",
        _("Tap a button to choose. You do not need to write anything."),
        _(
            "First choose where you are, then what you need. You will see services that can help,"
            " and how to reach them."
        ),
        _("Every screen has a Back button and a Home button."),
        _(
            "Commands: /start to begin again, /language to change the language, /about to learn"
            " about this service."
        ),
    ]
    text = "\n\n".join(p if p.startswith("<b>") else html.escape(p) for p in paragraphs)
    return View(text, [_back_home(t, home_of(nav), nav)])


def about(t: Texts, nav: Nav, *, public_handle: str) -> View:
    _ = t.gettext
    paragraphs = [
        "<b>" + html.escape(_("About this service")) + "</b>",
        html.escape(
            _(
                "This service shows contacts of organisations that help women and their"
                " children. Volunteers check each contact."
            )
        ),
        "<b>"
        + html.escape(_("It keeps nothing about you."))
        + "</b> "
        + html.escape(
            _(
                "It does not save your name, your account, your place or what you write."
                " It only counts, without names, how often each button is used."
            )
        ),
        "<b>"
        + html.escape(_("It never:"))
        + "</b>\n"
        + "\n".join(
            "• " + html.escape(line)
            for line in (
                _("writes to you first"),
                _("asks for your name, your place, a photo, a code or money"),
                _("sends files, or links to install apps"),
            )
        ),
        html.escape(
            _("If a service with the same look asks for these things, it is not this one.")
        ),
    ]
    if public_handle:
        paragraphs.append(
            html.escape(
                _("The only real address of this service is {handle}.").format(handle=public_handle)
            )
        )
    paragraphs.append(
        html.escape(
            _(
                "Please know: Telegram itself can see this chat. This service cannot hide it from"
                " Telegram."
            )
        )
    )
    return View("\n\n".join(paragraphs), [_back_home(t, home_of(nav), nav)])


def only_buttons(t: Texts) -> str:
    _ = t.gettext
    return html.escape(_("This service works only with the buttons. Please choose below."))


def button_out_of_date(t: Texts) -> str:
    """Shown as a short notice, not a message: plain text, at most 200 characters."""
    _ = t.gettext
    return _("This button is old. Here is the start again.")


def something_went_wrong(t: Texts) -> str:
    _ = t.gettext
    return _("Sorry, something went wrong. Please try again.")
