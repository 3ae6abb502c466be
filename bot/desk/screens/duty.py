"""Talk to a person, on the desk: whether she is on duty, the first name her answers are
signed with, and the one rule of the conversations (never ask who or where she is)."""

from __future__ import annotations

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import frame
from bot.i18n import Texts
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import Button, View


def home_button(t: Texts, tap: Tap, *, on_duty: bool) -> Button:
    """The desk's way to this screen, saying whether she is on duty."""
    state = t.gettext("on duty") if on_duty else t.gettext("off duty")
    label = t.gettext("Talk to a person: {state}").format(state=state)
    return ("💬 " + label, encode(tap.to(Act.RELAY, 0)))


def etiquette(t: Texts) -> str:
    return escape(
        t.gettext(
            "Never ask for her name, her exact place, a phone number, photos or any detail"
            " that could identify her or others. She can end the conversation at any time."
        )
    )


def relay_desk(
    t: Texts, tap: Tap, *, on_duty: bool, signature: str | None, notice: str = ""
) -> View:
    _ = t.gettext
    if on_duty:
        state = _("You are on duty: you get a short message when a conversation waits.")
    else:
        state = _("You are off duty: you get no messages about conversations.")
    if signature:
        signed = _("Your answers are signed: — {name}").format(name=signature)
    else:
        signed = _("Your answers are not signed.")
    lines = [bold(_("Talk to a person")), escape(state), escape(signed), etiquette(t)]
    text = paragraphs(*([escape(notice)] if notice else []), *lines)
    if on_duty:
        switch = ("⚪ " + _("Go off duty"), encode(tap.to(Act.DUTY, 0, "off")))
    else:
        switch = ("🟢 " + _("Go on duty"), encode(tap.to(Act.DUTY, 0, "on")))
    rows: list[list[Button]] = [
        [switch],
        [("✍️ " + _("Choose a signature"), encode(tap.to(Act.SIGNATURE, 0)))],
    ]
    if signature:
        rows.append([("✖ " + _("Remove the signature"), encode(tap.to(Act.SIGNATURE_CLEAR, 0)))])
    rows.append(frame.nav(t, tap))
    return View(text, rows)


def ask_signature(t: Texts, tap: Tap, *, longest: int, refused: bool = False) -> View:
    _ = t.gettext
    ask = _(
        "Send the first name to sign your answers with: letters only, up to {count}."
        " She sees it under each answer, never your account."
    ).format(count=longest)
    lines = [bold(ask)]
    if refused:
        lines.insert(
            0, escape(_("That is not a first name: letters only, no spaces, digits or @."))
        )
    cancel = ("✖ " + _("Cancel"), encode(tap.to(Act.RELAY, 0)))
    return View(paragraphs(*lines), [[cancel]])
