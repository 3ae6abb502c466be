"""The screens that say the same whatever the directory holds: the language choice, help,
about, safety, automatic erase and the erase question.

Their words are the service's promises to her (what it keeps, what it never does, what erasing
can and cannot do), so each one is kept whole here, in the catalogs' words.
"""

from __future__ import annotations

from dataclasses import replace

from bot.i18n import Texts, self_name
from bot.menus.callback import AUTO_ERASE_MINUTES, Nav, Screen, encode
from bot.menus.rows import home_of, nav_rows
from bot.taxonomy import USER_LANGUAGES
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import Button, View


def languages(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    rows = [
        [(self_name(lang), encode(replace(nav, screen=Screen.SET_LANGUAGE, lang=lang)))]
        for lang in USER_LANGUAGES
    ]
    rows.extend(nav_rows(t, nav, home_of(nav)))
    return View(bold(_("Choose your language.")), rows)


def help_screen(t: Texts, nav: Nav) -> View:
    _ = t.gettext
    text = paragraphs(
        bold(_("How to use this service")),
        escape(_("Tap a button to choose. You do not need to write anything.")),
        escape(
            _(
                "First choose where you are, then what you need. You will see services that can"
                " help, and how to reach them."
            )
        ),
        escape(
            _(
                "In danger, tap Urgent help now at the top of the first screen, then where you"
                " are: you see at once how to reach help."
            )
        ),
        escape(
            _(
                "The Erase button is always the last button on the screen. The Back and Home"
                " buttons are just above it."
            )
        ),
        escape(_("Language, Safety, Help and About are under More.")),
        escape(
            _(
                "Commands: /start to begin again, /language to change the language, /safety for"
                " safety tips, /erase to erase this chat, /about to learn about this service."
            )
        ),
    )
    return View(text, nav_rows(t, nav, home_of(nav)))


def _what_it_keeps(t: Texts) -> str:
    _ = t.gettext
    return t.sentences(
        bold(_("It keeps nothing about you.")),
        escape(
            _(
                "It does not save your name, your account, your place or what you write."
                " It only counts, without names, how often each button is used."
            )
        ),
    )


def _what_it_never_does(t: Texts) -> str:
    _ = t.gettext
    never = (
        _("writes to you first"),
        _("asks for your name, your place, a photo, a code or money"),
        _("sends files, or links to install apps"),
    )
    return bold(_("It never:")) + "\n" + "\n".join("• " + escape(line) for line in never)


def about(t: Texts, nav: Nav, *, public_handle: str) -> View:
    """What the service is, keeps and never does, so that she can spot an impostor; and what
    it cannot do (Telegram sees the chat; a restart cancels a planned erase)."""
    _ = t.gettext
    handle = _("The only real address of this service is {handle}.").format(handle=public_handle)
    text = paragraphs(
        bold(_("About this service")),
        escape(
            _(
                "This service shows contacts of organisations that help women and their"
                " children. Volunteers check each contact."
            )
        ),
        _what_it_keeps(t),
        _what_it_never_does(t),
        escape(_("If a service that looks the same asks for these things, it is not this one.")),
        escape(handle) if public_handle else "",
        escape(
            _(
                "Please know: Telegram itself can see this chat. This service cannot hide it from"
                " Telegram."
            )
        ),
        escape(
            _(
                "If this service restarts, a planned automatic erase is cancelled. If you are"
                " not sure, erase the chat yourself."
            )
        ),
    )
    return View(text, nav_rows(t, nav, home_of(nav)))


def _first_tips(t: Texts) -> list[str]:
    """The three tips that matter most to her, on the Safety screen itself: what Erase can
    and cannot do (before she relies on it), hiding the chat, and how to spot an impostor."""
    _ = t.gettext
    return [
        _(
            "Erase deletes only the last 48 hours of this chat. A chat that is suddenly empty"
            " can also draw attention."
        ),
        _(
            "You can hide this chat: press and hold it in your chat list, then choose"
            " Archive. You can also delete it there."
        ),
        _(
            "This service never writes to you first and never asks for your name, place,"
            " photos, codes or money. Anyone who does is not this service."
        ),
    ]


def _more_tips(t: Texts) -> list[str]:
    _ = t.gettext
    return [
        _("Lock your phone with a passcode that nobody else knows."),
        _(
            "Telegram can delete the messages of a chat by itself after a time. Open this chat,"
            " tap its name at the top, and look for Auto-Delete. This service cannot turn it on"
            " for you."
        ),
        _("Do not save the numbers of helpers under their real names."),
        _(
            "Install apps only from your phone's own app store: App Store, Google Play or the"
            " store of your phone's maker. In China these stores have no VPN apps; ask one of"
            " the services here how to get one safely. Never install anything from a link"
            " someone sends you."
        ),
    ]


def safety(t: Texts, nav: Nav) -> View:
    """Three short tips, then automatic erase and the rest of the tips, one tap each."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Staying safe with your phone")),
        *("• " + escape(tip) for tip in _first_tips(t)),
    )
    rows = [
        [("⏱ " + _("Erase automatically"), encode(nav.to(Screen.AUTO_ERASE)))],
        [("➕ " + _("More tips"), encode(nav.to(Screen.SAFETY_MORE)))],
    ]
    rows.extend(nav_rows(t, nav, home_of(nav)))
    return View(text, rows)


def safety_more(t: Texts, nav: Nav) -> View:
    """The rest of the safety tips; Back returns to the first three."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Staying safe with your phone")),
        *("• " + escape(tip) for tip in _more_tips(t)),
    )
    return View(text, nav_rows(t, nav, nav.to(Screen.SAFETY)))


def auto_erase(t: Texts, nav: Nav) -> View:
    """The auto-erase choice; choosing returns to the safety screen with the new setting,
    which the status line then shows (bot/menus/status.py)."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Erase this chat automatically?")),
        escape(
            _(
                "The chat is erased when you have not tapped anything for the time you"
                " choose. If this service restarts, the automatic erase is cancelled."
            )
        ),
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
    rows.extend(nav_rows(t, nav, nav.to(Screen.SAFETY)))
    return View(text, rows)


def erase_question(t: Texts, nav: Nav) -> View:
    """One confirm tap before erasing. Her first tap of Erase turns the screen she was on
    into this, so it says nothing of what the service is or what she was doing: whoever takes
    the phone from her then sees a plain question. What erasing does and cannot do is on the
    Safety screen. No goes back to where she was."""
    _ = t.gettext
    back = nav.back_from_erase()
    rows = [
        [(_("Yes"), encode(nav.to(Screen.ERASE_NOW)))],
        [("◀ " + _("No, go back"), encode(back)), ("🏠 " + _("Home"), encode(home_of(nav)))],
    ]
    return View(escape(_("Are you sure?")), rows)
