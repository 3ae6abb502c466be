"""Her screens of Talk to a person, as data: what it means before she starts, nobody on duty,
the conversation itself, what is not passed on, and its end.

Each says plainly what happens to what she writes (who reads it, who cannot, when it goes),
so that she chooses knowing it; none asks her for anything. Nothing here touches Telegram or
the database; the buttons carry only the menus' position (bot/menus/callback.py): which
conversation is hers is read from her chat, never from a button.
"""

from __future__ import annotations

from bot.i18n import Texts
from bot.menus.callback import Nav, Screen, encode
from bot.menus.rows import home_of, nav_rows
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import Button, View

# What she can send in a conversation, by the key Telegram gives it in a message.
PASSED_ON = ("text", "photo", "voice", "video", "video_note", "audio", "document", "sticker")
# What identifies her or someone else, and is never passed on.
IDENTIFYING = ("location", "venue", "contact")


def back_of(nav: Nav) -> Nav:
    """Where Back leads from her screens: the screen the Talk button was on, else Home."""
    if nav.origin in (Screen.NEEDS, Screen.LIST) and nav.place is not None:
        if nav.origin is Screen.LIST and nav.need is not None:
            return nav.to(Screen.LIST, entry=None)
        return nav.fresh(Screen.NEEDS, nav.place)
    return home_of(nav)


def _leave_rows(t: Texts, nav: Nav) -> list[list[Button]]:
    """Back, Home and More, then Erase, as on every screen, for her screens before a
    conversation. Erase and More come back to the Talk screen, which does nothing by being
    shown: never to Start, which opens a conversation when someone is on duty."""
    return nav_rows(t, nav.to(Screen.TALK), back_of(nav))


def _erase_row(t: Texts, nav: Nav) -> list[Button]:
    """Erase, alone on the last row, under her conversation: No shows the conversation again
    (Start finds it open), and erasing ends it too."""
    here = nav.fresh(Screen.ERASE, nav.place, nav.need, origin=Screen.TALK_START)
    return [("🗑 " + t.gettext("Erase"), encode(here))]


def _ends_after(t: Texts, hours: int) -> str:
    return t.ngettext(
        "It ends by itself after {hours} hour without a message.",
        "It ends by itself after {hours} hours without a message.",
        hours,
    ).format(hours=hours)


def consent(t: Texts, nav: Nav, *, idle_hours: int) -> View:
    """Before anything is sent: who reads, who does not see her, when it goes. Start or Back."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Talk to a person")),
        escape(_("A volunteer of this service will read what you write here, and answer you.")),
        escape(_("The volunteer does not see your name, username, phone number or account.")),
        escape(
            t.sentences(
                _("When the conversation ends, it is deleted on both sides."),
                _ends_after(t, idle_hours),
            )
        ),
        escape(_("Telegram itself can see this chat.")),
        escape(_("You do not need to give any names or places.")),
        escape(
            _(
                "You can end the conversation at any time. The Erase button still works, and"
                " it ends the conversation too."
            )
        ),
    )
    rows: list[list[Button]] = [
        [("✅ " + _("Start"), encode(nav.to(Screen.TALK_START, origin=nav.origin)))],
        *_leave_rows(t, nav),
    ]
    return View(text, rows)


def _contacts(t: Texts, nav: Nav) -> Button:
    """The contacts for her need, or the needs when she has not chosen one."""
    _ = t.gettext
    if nav.place is not None and nav.need is not None:
        return (
            "📋 " + _("Contacts for your need"),
            encode(nav.fresh(Screen.LIST, nav.place, nav.need)),
        )
    return ("📋 " + _("Contacts"), encode(home_of(nav)))


def nobody_on_duty(t: Texts, nav: Nav, *, idle_hours: int) -> View:
    """Said honestly, with what she can do now: leave a message, or reach a service."""
    _ = t.gettext
    text = paragraphs(
        bold(_("Nobody is on duty right now.")),
        escape(_("We do not know when a volunteer will be here next.")),
        escape(
            t.sentences(
                _(
                    "You can leave a message. It waits for a volunteer and is answered when one"
                    " comes. If nobody answers in time, the conversation ends and is deleted."
                ),
                _ends_after(t, idle_hours),
            )
        ),
        escape(_("You can also contact a service for your need now.")),
    )
    rows: list[list[Button]] = [
        [("✉️ " + _("Leave a message"), encode(nav.to(Screen.TALK_LEAVE, origin=None)))],
        [_contacts(t, nav)],
        *_leave_rows(t, nav),
    ]
    return View(text, rows)


def _end_row(t: Texts, nav: Nav) -> list[Button]:
    here = nav.fresh(Screen.TALK_END, nav.place, nav.need)
    return [("🛑 " + t.gettext("End conversation"), encode(here))]


def end_rows(t: Texts, nav: Nav) -> list[list[Button]]:
    """End conversation one tap away, and Erase: under every answer and every notice of her
    conversation."""
    return [_end_row(t, nav), _erase_row(t, nav)]


def during(t: Texts, nav: Nav, *, waiting: bool) -> View:
    """The conversation is open: what to write, what not to send, and how to end it."""
    _ = t.gettext
    first = (
        _("Your message will wait for a volunteer.")
        if waiting
        else _("A volunteer will answer you here.")
    )
    text = paragraphs(
        bold(_("You can write now.")) + "\n" + escape(first),
        escape(_("You can send text, photos, voice messages, videos and files.")),
        escape(
            _(
                "Please do not send your location or a contact: they are not passed on."
                " Describe in words instead."
            )
        ),
    )
    keep = nav.fresh(Screen.TALK_KEEP, nav.place, nav.need)
    rows = [
        _end_row(t, nav),
        [("📌 " + _("End, and keep the messages here"), encode(keep))],
        _erase_row(t, nav),
    ]
    return View(text, rows)


def not_passed_on(t: Texts, nav: Nav, kind: str) -> View:
    """A location, a venue or a contact: why it is not passed on, and what to do instead; or
    a kind of message that cannot be passed on at all."""
    _ = t.gettext
    if kind in ("location", "venue"):
        line = _("Your location was not passed on: it could show where you are.")
    elif kind == "contact":
        line = _("The contact was not passed on: it could show who you or others are.")
    else:
        line = _("This kind of message cannot be passed on.")
    text = paragraphs(
        escape(line),
        escape(_("Please describe in words instead. You do not need to give names or places.")),
    )
    return View(text, end_rows(t, nav))


def too_fast(t: Texts, nav: Nav) -> View:
    """She sent more at once than her line to the volunteers holds (bot/relay/posting.py):
    said once, calmly, with what to do; the messages not passed on are gone from her chat."""
    _ = t.gettext
    text = paragraphs(
        escape(_("You sent many messages at once. The first of them were passed on.")),
        escape(
            _(
                "The newest were not passed on, and were removed from this chat."
                " Please wait a minute, then send them again."
            )
        ),
    )
    return View(text, end_rows(t, nav))


def not_delivered(t: Texts, nav: Nav) -> View:
    """Her message did not reach the volunteers (Telegram refused it, or the group is gone)."""
    text = escape(t.gettext("Your message could not be passed on. Please try again later."))
    return View(text, end_rows(t, nav))


def ended(t: Texts, nav: Nav, *, kept: bool) -> View:
    """The conversation is over, by either side or by time: said without saying why."""
    _ = t.gettext
    gone = (
        _("The messages stay in this chat until you delete them.")
        if kept
        else _("Its messages have been deleted.")
    )
    text = paragraphs(bold(_("The conversation has ended.")) + "\n" + escape(gone))
    home = home_of(nav)  # Erase's No comes back there: this screen ended something
    return View(text, [[("🏠 " + _("Home"), encode(home))], *nav_rows(t, home, None)])


def not_possible(t: Texts, nav: Nav) -> View:
    """She may not start a conversation now (she was refused for a while): said without when
    or why, with the contacts."""
    _ = t.gettext
    text = paragraphs(
        escape(_("It is not possible to talk to a person now.")),
        escape(_("You can still contact a service for your need.")),
    )
    return View(text, [[_contacts(t, nav)], *_leave_rows(t, nav)])


def kind_of(content_keys: set[str]) -> str:
    """What a message holds, as the relay sorts it: a kind it passes on, one it refuses
    (location, venue, contact), or `other`. A venue carries a location too: venue first."""
    for kind in IDENTIFYING:
        if kind in content_keys:
            return kind
    for kind in PASSED_ON:
        if kind in content_keys:
            return kind
    return "other"
