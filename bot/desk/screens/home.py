"""The desk's first screen, and the daily digest that points to it: what waits, in numbers,
and whether users reported something (never how often)."""

from __future__ import annotations

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import duty
from bot.i18n import Texts
from bot.ui.text import bold, escape
from bot.ui.view import View


def reported_line(t: Texts) -> str:
    """That users reported some entries as not working: the signal, never how often."""
    return "⚠ " + escape(t.gettext("Users reported some of them as not working."))


def desk(
    t: Texts,
    tap: Tap,
    *,
    due: int,
    reported: bool,
    waiting: int,
    drafts: int,
    admin: bool,
    on_duty: bool | None = None,
) -> View:
    """The desk; `on_duty` is None where Talk to a person is not set up (no button then)."""
    _ = t.gettext
    lines = [
        bold(_("Volunteer desk")),
        "",
        escape(_("Re-checks due: {count}").format(count=due)),
        *([reported_line(t)] if reported else []),
        escape(_("Proposals waiting for your review: {count}").format(count=waiting)),
        "",
        escape(
            _(
                "To propose many changes at once, send a directory file (.yaml) here."
                " It is checked like 'helpline directory validate'."
            )
        ),
    ]
    rows = [
        [("🔁 " + _("Re-check ({count})").format(count=due), encode(tap.to(Act.QUEUE, 0)))],
        [("📝 " + _("Review ({count})").format(count=waiting), encode(tap.to(Act.REVIEWS, 0)))],
        [
            ("📚 " + _("All entries"), encode(tap.to(Act.ENTRIES, 0))),
            ("🔎 " + _("Find by id"), encode(tap.to(Act.FIND, 0))),
        ],
        [("➕ " + _("New entry"), encode(tap.to(Act.NEW, 0)))],
    ]
    if on_duty is not None:
        rows.append([duty.home_button(t, tap, on_duty=on_duty)])
    if drafts:
        label = "✏️ " + _("My drafts ({count})").format(count=drafts)
        rows.append([(label, encode(tap.to(Act.DRAFTS, 0)))])
    if admin:
        rows.append([("👥 " + _("Volunteers"), encode(tap.to(Act.STAFF, 0)))])
    return View("\n".join(lines), rows)


def digest(t: Texts, *, due: int, reported: bool, waiting: int) -> str:
    _ = t.gettext
    lines = [escape(_("Volunteer desk: today's list."))]
    if due:
        lines.append(
            escape(
                t.ngettext(
                    "{count} entry is due for a re-check.",
                    "{count} entries are due for a re-check.",
                    due,
                ).format(count=due)
            )
        )
        if reported:
            lines.append(reported_line(t))
    if waiting:
        lines.append(
            escape(
                t.ngettext(
                    "{count} proposal waits for your review.",
                    "{count} proposals wait for your review.",
                    waiting,
                ).format(count=waiting)
            )
        )
    lines.append(escape(_("Open it with /volunteer.")))
    return "\n".join(lines)
