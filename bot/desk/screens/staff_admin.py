"""The admins' screens for who is on the desk: the list of staff, adding a volunteer by user
id, and removing one. Admins themselves are managed on the server only."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import frame
from bot.desk.summaries import Member
from bot.i18n import Texts
from bot.ui.paging import on_page, page_of
from bot.ui.text import bold, code, escape
from bot.ui.view import Button, View


def members(t: Texts, tap: Tap, staff: Sequence[Member], me: int, page: int = 0) -> View:
    _ = t.gettext
    page, pages = page_of(len(staff), page, frame.PAGE_SIZE)
    lines = [bold(_("Volunteers and admins")), ""]
    rows: list[list[Button]] = []
    for member in on_page(staff, page, frame.PAGE_SIZE):
        role = _("admin") if member.role == "admin" else _("volunteer")
        lines.append(
            f"{code(str(member.user_id))} · {escape(role)} · {member.added_on.isoformat()}"
        )
        if member.role == "volunteer" and member.user_id != me:
            label = "🗑 " + _("Remove {id}").format(id=member.user_id)
            rows.append([(label, encode(tap.to(Act.STAFF_DROP, page, str(member.user_id))))])
    lines += ["", escape(_("Admins are managed on the server: helpline staff add|remove."))]
    paging = frame.page_row(t, tap, Act.STAFF, page, pages)
    if paging:
        rows.append(paging)
    rows.append([("➕ " + _("Add a volunteer"), encode(tap.to(Act.STAFF_ADD, 0)))])
    rows.append(frame.nav(t, tap))
    return View("\n".join(lines), rows)


def add_question(t: Texts, tap: Tap, user_id: int) -> View:
    _ = t.gettext
    text = _(
        "Add {id} as a volunteer? They will see the volunteer desk, staff notes and the"
        " re-check queue."
    ).format(id=user_id)
    rows = [
        [("➕ " + _("Yes, add"), encode(tap.to(Act.STAFF_ADD_YES, 0, str(user_id))))],
        frame.nav(t, tap, tap.to(Act.STAFF, 0)),
    ]
    return View(escape(text), rows)


def drop_question(t: Texts, tap: Tap, user_id: int) -> View:
    _ = t.gettext
    text = _("Remove volunteer {id}? They will no longer see the volunteer desk.").format(
        id=user_id
    )
    rows = [
        [("🗑 " + _("Yes, remove"), encode(tap.to(Act.STAFF_DROP_YES, 0, str(user_id))))],
        frame.nav(t, tap, tap.to(Act.STAFF, 0)),
    ]
    return View(escape(text), rows)


def ask_user_id(t: Texts, tap: Tap) -> View:
    _ = t.gettext
    text = _(
        "Send the new volunteer's Telegram user id (digits only) as a message."
        " They can see it in a bot such as @userinfobot."
    )
    return View(bold(text), [[("✖ " + _("Cancel"), encode(tap.to(Act.STAFF, 0)))]])
