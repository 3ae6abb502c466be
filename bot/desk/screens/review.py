"""Reviewing another's proposal: the queue of what waits, the proposal part by part, the
reasons to reject it, and the message that tells its author why."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import diff, frame
from bot.desk.summaries import ProposalDetail, ProposalTitle
from bot.i18n import Texts
from bot.taxonomy import N_
from bot.ui.paging import on_page, page_of
from bot.ui.text import bold, escape
from bot.ui.view import Button, View

REJECT_REASONS = (
    N_("This could not be confirmed."),
    N_("This is already in the directory."),
    N_("Please check the details and propose it again."),
)
PRESET = "preset:"  # how a preset reason is stored: its number, read in the reader's language


def waiting_list(t: Texts, tap: Tap, items: Sequence[ProposalTitle], page: int) -> View:
    _ = t.gettext
    page, pages = page_of(len(items), page, frame.PAGE_SIZE)
    lines = [bold(_("Proposals waiting for your review: {count}").format(count=len(items)))]
    if not items:
        lines.append(escape(_("Nothing waits. Thank you.")))
    rows = [
        [(diff.list_label(t, p), encode(tap.to(Act.REVIEW, p.id)))]
        for p in on_page(items, page, frame.PAGE_SIZE)
    ]
    return View("\n".join(lines), frame.paged(t, tap, rows, Act.REVIEWS, page, pages))


def proposal(t: Texts, tap: Tap, shown: ProposalDetail, *, may_decide: bool, part: int = 0) -> View:
    """A proposal for review, part by part: Approve and Reject come with the last part, so
    that nothing can be approved unseen. Who proposed it is not shown (volunteers need not
    know each other's Telegram ids)."""
    _ = t.gettext
    block, part, parts = diff.block(t, shown.diff, part)
    created = shown.created_on.isoformat()
    lines = [diff.title_line(t, shown.title), escape(_("Proposed on {date}.").format(date=created))]
    if shown.first_check:  # a draft's status and date change; say what approving it does
        lines.append(bold(_("Checked for the first time here. Approving shows it to users.")))
    elif shown.title.kind == "recheck":  # only the date changes; say what approving it does
        lines.append(bold(_("Re-checked: still correct. Approving shows it to users again.")))
    lines += ["", block]
    rows: list[list[Button]] = []
    paging = diff.part_row(t, tap, Act.REVIEW, shown.id, part, parts)
    if paging:
        rows.append(paging)
    if not may_decide:
        lines += ["", escape(_("You made this proposal. Another volunteer must review it."))]
    elif part + 1 == parts:
        rows.append(
            [
                ("✅ " + _("Approve"), encode(tap.to(Act.APPROVE, shown.id))),
                ("✖ " + _("Reject"), encode(tap.to(Act.REJECT, shown.id))),
            ]
        )
    rows.append(frame.nav(t, tap, tap.to(Act.REVIEWS, 0)))
    return View("\n".join(lines), rows)


def reasons(t: Texts, tap: Tap, proposal_id: int) -> View:
    _ = t.gettext
    rows = [
        [(_(reason)[:60], encode(tap.to(Act.REASON, proposal_id, str(index))))]
        for index, reason in enumerate(REJECT_REASONS)
    ]
    rows.append([("✏️ " + _("Write a reason"), encode(tap.to(Act.REASON_TYPE, proposal_id)))])
    rows.append(frame.nav(t, tap, tap.to(Act.REVIEW, proposal_id)))
    return View(bold(_("Why is it rejected? The author will read this.")), rows)


def ask_reason(t: Texts, tap: Tap, proposal_id: int) -> View:
    _ = t.gettext
    rows = [[("✖ " + _("Cancel"), encode(tap.to(Act.REVIEW, proposal_id)))]]
    return View(bold(_("Send the reason as a message. Keep it short.")), rows)


def preset_reason(index: int) -> str:
    """A preset reason as it is stored."""
    return f"{PRESET}{index}"


def reason_text(t: Texts, reason: str) -> str:
    """A stored reason in the reader's language: presets are kept as `preset:N`."""
    if reason.startswith(PRESET) and reason[len(PRESET) :].isdigit():
        index = int(reason[len(PRESET) :])
        if index < len(REJECT_REASONS):
            return t.gettext(REJECT_REASONS[index])
    return reason


def rejected_notice(t: Texts, title: ProposalTitle, reason: str) -> str:
    _ = t.gettext
    head = _("Your proposal {number} ({id}) was not accepted.").format(
        number=title.id, id=title.entry_id
    )
    return escape(head) + "\n" + escape(_("Reason: {reason}").format(reason=reason_text(t, reason)))
