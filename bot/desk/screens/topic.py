"""The volunteers' side of Talk to a person: a conversation's first message in its topic, the
ping to staff on duty, and the notice of an answer that did not reach her.

The topic's first message is in her language, since whoever answers her writes in it. It
says what the volunteers may know of her (the case code, her language, place and need) and
nothing else, because nothing else is known; and it reminds them never to ask for more.
"""

from __future__ import annotations

from bot.desk.callback import Act, Tap, encode
from bot.i18n import Texts
from bot.taxonomy import PLACE_LABELS, need_in_full
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import View


def _about_her(t: Texts, place: str, need: str) -> str:
    _ = t.gettext
    unknown = _("not given")
    return "\n".join(
        (
            escape(_("Language: {language}").format(language=t.language_name(t.lang))),
            escape(_("Place: {place}").format(place=_(PLACE_LABELS[place]) if place else unknown)),
            escape(_("Need: {need}").format(need=_(need_in_full(need)) if need else unknown)),
        )
    )


def header(t: Texts, code: str, place: str, need: str, *, idle_hours: int) -> View:
    """The topic's first message, with End and End and block (for staff in this topic)."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Conversation {code}").format(code=code)),
        _about_her(t, place, need),
        escape(
            _(
                "Write in this topic to answer. She sees your messages as this service's,"
                " without your name or account."
            )
        ),
        escape(_("Never ask for her name, place, phone number or account.")),
        escape(
            t.ngettext(
                "The conversation ends after {hours} hour without a message, and this topic"
                " is deleted.",
                "The conversation ends after {hours} hours without a message, and this topic"
                " is deleted.",
                idle_hours,
            ).format(hours=idle_hours)
        ),
    )
    arg = code.lower()
    rows = [
        [
            ("🛑 " + _("End"), encode(Tap(Act.RELAY_END, t.lang, 0, arg))),
            ("⛔ " + _("End and block"), encode(Tap(Act.RELAY_BLOCK, t.lang, 0, arg))),
        ]
    ]
    return View(text, rows)


def ping(t: Texts, her_lang: str) -> View:
    """For staff on duty, in their own language: that a conversation waits, and nothing
    about it but its language (a phone's lock screen may show it)."""
    line = t.gettext("A new conversation in {language} is waiting.")
    return View(escape(line.format(language=t.language_name(her_lang))))


def not_delivered(t: Texts) -> View:
    """In the topic, when an answer could not be passed to her."""
    line = t.gettext(
        "This message could not be passed on. She may have ended the chat or blocked this service."
    )
    return View(escape(line))
