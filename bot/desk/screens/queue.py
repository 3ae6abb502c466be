"""The directory as staff go through it: the re-check queue, all entries, one entry's card
with what only staff see, and the question for an id to find or to create."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import frame
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus.screens import card_text
from bot.ui.paging import page_of
from bot.ui.text import bold, escape
from bot.ui.view import MAX_MESSAGE, Button, View, visible_length


@dataclass(frozen=True)
class Listed:
    """A line of a list of entries: the id, the name in her language, and a mark."""

    entry_id: str
    name: str
    mark: str = ""


def due_mark(*, reported: bool, stale: bool, draft: bool = False) -> str:
    """Reported by users, new and never checked, hidden from users, or due soon: a sign, and
    no number."""
    if reported:
        return "⚠"
    if draft:
        return "🆕"
    return "⏳" if stale else "⏰"


def recheck_queue(t: Texts, tap: Tap, items: Sequence[Listed], page: int, total: int) -> View:
    _ = t.gettext
    page, pages = page_of(total, page, frame.PAGE_SIZE)
    lines = [bold(_("Re-checks due: {count}").format(count=total))]
    if total:
        lines += [
            "⚠ " + escape(_("Reported by users as not working: these come first.")),
            "🆕 " + escape(_("New and never checked here: not shown to users yet.")),
            "⏳ " + escape(_("Not shown to users: the last check is too old.")),
            "⏰ " + escape(_("Due for a re-check soon.")),
            escape(_("Oldest check first.")),
        ]
    else:
        lines.append(escape(_("Nothing is due. Thank you.")))
    rows = [
        [(f"{item.mark} {item.name}".strip()[:60], encode(tap.to(Act.ENTRY, page, item.entry_id)))]
        for item in items
    ]
    return View("\n".join(lines), frame.paged(t, tap, rows, Act.QUEUE, page, pages))


def all_entries(t: Texts, tap: Tap, items: Sequence[Listed], page: int, total: int) -> View:
    _ = t.gettext
    page, pages = page_of(total, page, frame.PAGE_SIZE)
    text = bold(_("All entries: {count}").format(count=total))
    rows = [
        [(f"{item.name} · {item.entry_id}"[:60], encode(tap.to(Act.LISTED, page, item.entry_id)))]
        for item in items
    ]
    return View(text, frame.paged(t, tap, rows, Act.ENTRIES, page, pages))


def _staff_lines(t: Texts, model: EntryModel, *, stale: bool, reported: bool) -> list[str]:
    """What only staff see of an entry: its id, whether users see it, and why not."""
    _ = t.gettext
    if model.status != "verified":
        state = _("Not shown to users: the status is {status}.").format(status=model.status)
    elif stale:
        state = _("Not shown to users: the last check is too old.")
    else:
        state = _("Shown to users.")
    lines = [bold(_("For staff only")), escape(_("Id: {id}").format(id=model.id)), escape(state)]
    if reported:
        lines.append("⚠ " + escape(_("Recently reported by users as not working.")))
    if model.internal_note:
        lines.append(escape(_("Staff note: {note}").format(note=model.internal_note)))
    return lines


def entry_card(
    t: Texts,
    tap: Tap,
    model: EntryModel,
    *,
    stale: bool,
    reported: bool,
    notice: str = "",
    now: dt.datetime | None = None,
) -> View:
    """The full card as users see it (open now or not, at `now`), then what only staff see."""
    _ = t.gettext
    head = [escape(notice), ""] if notice else []
    staff_lines = _staff_lines(t, model, stale=stale, reported=reported)
    top = "\n".join([*head, *staff_lines, "", "—", ""])
    text = top + card_text(t, model, room=MAX_MESSAGE - visible_length(top), now=now)
    rows: list[list[Button]] = []
    if model.status == "verified":
        rows.append([("✅ " + _("Still correct"), encode(tap.to(Act.CHECKED, 0, model.id)))])
    elif model.status == "draft":  # its first check here is what shows it to users
        label = "✅ " + _("Checked: show it to users")
        rows.append([(label, encode(tap.to(Act.CHECKED, 0, model.id)))])
    rows.append([("✏️ " + _("Needs a change"), encode(tap.to(Act.CHANGE, 0, model.id)))])
    if model.status != "archived":
        rows.append([("🗄 " + _("Retire"), encode(tap.to(Act.RETIRE, 0, model.id)))])
    back = Act.ENTRIES if tap.act is Act.LISTED else Act.QUEUE
    rows.append(frame.nav(t, tap, tap.to(back, tap.number)))
    return View(text, rows)


def ask_id(t: Texts, tap: Tap, *, new: bool) -> View:
    _ = t.gettext
    if new:
        text = _(
            "Send the new entry's id as a message: lowercase letters, digits and '-',"
            " for example seoul-family-center."
        )
    else:
        text = _("Send the entry's id as a message.")
    return View(bold(text), [[("✖ " + _("Cancel"), encode(tap.to(Act.HOME, 0)))]])
