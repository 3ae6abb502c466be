"""Screens as data: text in Telegram's HTML and rows of (label, callback data) buttons.

Nothing here touches Telegram or the database, so every screen is tested on its own. All
directory text passes through `html.escape` here and nowhere else needs to remember it.
"""

from __future__ import annotations

import html
from dataclasses import replace

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus.callback import AUTO_ERASE_MINUTES, Nav, Screen, encode
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
from bot.ui.view import MAX_MESSAGE, Button, View, visible_length

MAX_LABEL = 48
ELLIPSIS = "…"


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def home_of(nav: Nav) -> Nav:
    """Home is the needs menu once she has said where she is, the places question before."""
    if nav.place is None:
        return nav.fresh(Screen.PLACES)
    return nav.fresh(Screen.NEEDS, nav.place)


def _nav_row(t: Texts, nav: Nav, back: Nav) -> list[Button]:
    """Back, Home and Erase: on every screen, so that she can always go back or leave."""
    _ = t.gettext
    return [
        ("◀ " + _("Back"), encode(back)),
        ("🏠 " + _("Home"), encode(home_of(nav))),
        ("🗑 " + _("Erase"), encode(nav.to(Screen.ERASE, origin=nav.screen))),
    ]


def _tools_row(t: Texts, nav: Nav) -> list[Button]:
    _ = t.gettext
    return [
        ("🌐 " + _("Language"), encode(nav.fresh(Screen.LANGUAGES, nav.place))),
        ("🔒 " + _("Safety"), encode(nav.fresh(Screen.SAFETY, nav.place))),
    ]


def places(t: Texts, nav: Nav, *, greeting: bool = False) -> View:
    _ = t.gettext
    lines = []
    if greeting:
        lines += [html.escape(_("Hello. This is an information service.")), ""]
        lines += [html.escape(_("Choose with the buttons. You do not need to write anything.")), ""]
    lines.append("<b>" + html.escape(_("Where are you now?")) + "</b>")
    here = nav.fresh(Screen.PLACES)
    rows = [
        [(_(PLACE_LABELS[p]), encode(nav.fresh(Screen.NEEDS, p, origin=Screen.PLACES)))]
        for p in PLACES
    ]
    rows.append(_tools_row(t, here))
    rows.append(_nav_row(t, here, nav.fresh(Screen.LANGUAGES)))
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
        rows.append([(label, encode(nav.fresh(Screen.LIST, nav.place, need, origin=Screen.NEEDS)))])
    rows.append(
        [
            ("📍 " + _("Change place"), encode(nav.fresh(Screen.PLACES))),
            ("❔ " + _("Help"), encode(nav.fresh(Screen.HELP, nav.place))),
            ("ℹ️ " + _("About"), encode(nav.fresh(Screen.ABOUT, nav.place))),
        ]
    )
    rows.append(_tools_row(t, nav))
    rows.append(_nav_row(t, nav, nav.fresh(Screen.PLACES)))
    return View(text, rows)


def _entry_name(t: Texts, entry: EntryModel) -> tuple[str, str]:
    found = entry.text("name", t.lang)
    assert found is not None, "an entry always has a name"
    return found


def _other_language_mark(t: Texts, text_lang: str) -> str:
    if text_lang == t.lang:
        return ""
    return " <i>(" + html.escape(t.language_name(text_lang)) + ")</i>"


def entry_list(t: Texts, nav: Nav, page: Page, *, fallback: bool, thanks: bool = False) -> View:
    """The contacts for a need, or, when there are none, the kind fallback. After a "did not
    work" report, a thank-you comes first."""
    _ = t.gettext
    assert nav.place is not None and nav.need is not None
    lines = []
    if thanks:
        lines += [
            html.escape(
                _(
                    "Thank you for telling us. Volunteers will check this contact again."
                    " Here are the other contacts."
                )
            ),
            "",
        ]
    lines += [
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
        target = nav.to(Screen.CARD, page=page.page, entry=entry.id, origin=Screen.LIST)
        rows.append([(_cut(name, MAX_LABEL), encode(target))])
    paging: list[Button] = []
    if page.page > 0:
        paging.append(("⬅ " + _("Previous"), encode(nav.to(Screen.LIST, page=page.page - 1))))
    if page.page + 1 < page.pages:
        paging.append((_("Next") + " ➡", encode(nav.to(Screen.LIST, page=page.page + 1))))
    if paging:
        rows.append(paging)
    if fallback:
        rows.append([("📋 " + _("Other needs"), encode(home_of(nav)))])
    here = nav.to(Screen.LIST, page=page.page, entry=None)
    rows.append(_nav_row(t, here, nav.fresh(Screen.NEEDS, nav.place)))
    return View("\n".join(lines), rows)


def _contact_lines(t: Texts, entry: EntryModel, place: str | None) -> list[str]:
    _ = t.gettext
    lines = []
    for contact in entry.contacts:
        label = html.escape(_(CONTACT_LABELS[contact.type]))
        lines.append(f"• {label}: <code>{html.escape(contact.value)}</code>")
        if contact.type in CONTACT_WARNINGS and place in CONTACT_WARNINGS[contact.type][1]:
            warning = CONTACT_WARNINGS[contact.type][0]
            lines.append("  ⚠️ <i>" + html.escape(_(warning)) + "</i>")
    return lines


def _card_text(t: Texts, entry: EntryModel, place: str | None, limits: dict[str, int]) -> str:
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
    lines += _contact_lines(t, entry, place)
    if entry.verified_on is not None:
        checked = _("Last checked: {date}").format(date=t.date(entry.verified_on))
        lines += ["", "<i>" + html.escape(checked) + "</i>"]
    return "\n".join(lines)


def card_text(
    t: Texts, entry: EntryModel, place: str | None = None, room: int = MAX_MESSAGE
) -> str:
    """A contact card's text. If it would pass `room`, the description is cut (with an
    ellipsis), then the opening hours; the name and the ways to reach them never are."""
    limits: dict[str, int] = {}
    text = _card_text(t, entry, place, limits)
    for cuttable in ("description", "hours"):
        over = visible_length(text) - room
        found = entry.text(cuttable, t.lang)
        if over <= 0 or found is None:
            continue
        limits[cuttable] = max(0, len(found[0]) - over - 1)
        text = _card_text(t, entry, place, limits)
    return text


def card(t: Texts, nav: Nav, entry: EntryModel) -> View:
    text = card_text(t, entry, nav.place)
    report = ("⚠ " + t.gettext("This contact did not work"), encode(nav.to(Screen.REPORT)))
    return View(text, [[report], _nav_row(t, nav, nav.to(Screen.LIST, entry=None))])


def card_gone(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    text = html.escape(
        _("This contact is not shown any more. It may be under a new check. Please choose another.")
    )
    back = nav.to(Screen.LIST, entry=None) if nav.need and nav.place else home_of(nav)
    return View(text, [_nav_row(t, nav, back)])


def languages(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    rows = [
        [(LANGUAGE_SELF_NAMES[lang], encode(replace(nav, screen=Screen.SET_LANGUAGE, lang=lang)))]
        for lang in USER_LANGUAGES
    ]
    rows.append(_nav_row(t, nav, home_of(nav)))
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
        _("Every screen has a Back button, a Home button and an Erase button."),
        _(
            "Commands: /start to begin again, /language to change the language, /safety for"
            " safety tips, /erase to erase this chat, /about to learn about this service."
        ),
    ]
    text = "\n\n".join(p if p.startswith("<b>") else html.escape(p) for p in paragraphs)
    return View(text, [_nav_row(t, nav, home_of(nav))])


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
            _("If a service that looks the same asks for these things, it is not this one.")
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
    paragraphs.append(
        html.escape(
            _(
                "If this service restarts, a planned automatic erase is cancelled. If you are"
                " not sure, erase the chat yourself."
            )
        )
    )
    return View("\n\n".join(paragraphs), [_nav_row(t, nav, home_of(nav))])


def _auto_erase_state(t: Texts, minutes: int) -> str:
    if not minutes:
        return t.gettext("Automatic erase: off.")
    return t.ngettext(
        "Automatic erase: {minutes} minute after your last tap.",
        "Automatic erase: {minutes} minutes after your last tap.",
        minutes,
    ).format(minutes=minutes)


def safety(t: Texts, nav: Nav) -> View:
    """Safety tips: what she can do on her phone, and what erasing can and cannot do."""
    _ = t.gettext
    tips = [
        _("Lock your phone with a passcode that nobody else knows."),
        _(
            "You can hide this chat: press and hold it in your chat list, then choose"
            " Archive. You can also delete it there."
        ),
        _(
            "Telegram can delete the messages of a chat by itself after a time. Open this chat,"
            " tap its name at the top, and look for Auto-delete. This service cannot turn it on"
            " for you."
        ),
        _("Do not save the numbers of helpers under their real names."),
        _(
            "Install apps, VPN apps too, only from the official app store. Never install an app"
            " from a link someone sent you."
        ),
        _(
            "This service never writes to you first and never asks for your name, place,"
            " photos, codes or money. Anyone who does is not this service."
        ),
        _(
            "The Erase button deletes this chat's messages from the last 48 hours. But a chat"
            " that is suddenly empty can also draw attention. You choose what is safer."
        ),
    ]
    text = "\n\n".join(
        [
            "<b>" + html.escape(_("Staying safe with your phone")) + "</b>",
            *("• " + html.escape(tip) for tip in tips),
            "<i>" + html.escape(_auto_erase_state(t, nav.auto)) + "</i>",
        ]
    )
    rows = [[("⏱ " + _("Erase automatically"), encode(nav.to(Screen.AUTO_ERASE)))]]
    rows.append(_nav_row(t, nav, home_of(nav)))
    return View(text, rows)


def auto_erase(t: Texts, nav: Nav) -> View:
    """The auto-erase choice; choosing returns to the safety screen with the new setting."""
    _ = t.gettext
    text = "\n\n".join(
        [
            "<b>" + html.escape(_("Erase this chat automatically?")) + "</b>",
            html.escape(
                _(
                    "The chat is erased when you have not tapped anything for the time you"
                    " choose. If this service restarts, the automatic erase is cancelled."
                )
            ),
            "<i>" + html.escape(_auto_erase_state(t, nav.auto)) + "</i>",
        ]
    )
    rows: list[list[Button]] = []
    for minutes in AUTO_ERASE_MINUTES:
        if minutes:
            label = t.ngettext("{minutes} minute", "{minutes} minutes", minutes).format(
                minutes=minutes
            )
        else:
            label = _("Off")
        if minutes == nav.auto:
            label = "✓ " + label
        choice = nav.to(Screen.SAFETY, auto=minutes, origin=Screen.AUTO_ERASE)
        rows.append([(label, encode(choice))])
    rows.append(_nav_row(t, nav, nav.to(Screen.SAFETY)))
    return View(text, rows)


def erase_question(t: Texts, nav: Nav) -> View:
    """One confirm tap before erasing; No goes back to where she was."""
    _ = t.gettext
    text = "\n\n".join(
        [
            "<b>" + html.escape(_("Erase this chat now?")) + "</b>",
            html.escape(
                _(
                    "This deletes the messages of the last 48 hours in this chat, yours and this"
                    " service's. It cannot be undone."
                )
            ),
        ]
    )
    back = nav.back_from_erase()
    rows = [
        [("🗑 " + _("Yes, erase now"), encode(nav.to(Screen.ERASE_NOW)))],
        [("◀ " + _("No, go back"), encode(back)), ("🏠 " + _("Home"), encode(home_of(nav)))],
    ]
    return View(text, rows)


def erased(t: Texts) -> str:
    """The one neutral line left after erasing; it disappears a few seconds later."""
    return html.escape(t.gettext("Done."))


def please_wait(t: Texts) -> str:
    """Plain text: shown as a notice, or escaped before it is sent as a message."""
    return t.gettext("Please wait a moment, then try again.")


def only_buttons(t: Texts) -> str:
    _ = t.gettext
    return html.escape(_("This service works only with the buttons. Please choose below."))


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
