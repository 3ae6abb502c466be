"""What she is about to send for review: the before/after of a batch of drafts, the
validator's own words where something does not pass, and the list of her drafts."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk.callback import Act, Tap, encode
from bot.desk.screens import diff, frame
from bot.desk.summaries import ProposalDetail, ProposalTitle
from bot.directory.file_format import FileError
from bot.i18n import Texts
from bot.ui.text import bold, escape, paragraphs
from bot.ui.view import MAX_MESSAGE, Button, View, fit_text, visible_length

MAX_ERRORS = 30  # listed on one screen at most; the rest are counted


def invalid(
    t: Texts, errors: Sequence[FileError], *, then: str = "", room: int = MAX_MESSAGE
) -> str:
    """The validator's own messages, as `helpline directory validate` prints them. Its words
    are long (they name every allowed value), so only as many are listed as fit in `room`
    with the count of the rest: cut at the message's end, the count would be lost."""
    listed = min(len(errors), MAX_ERRORS)
    text = _invalid(t, errors, listed, then)
    while listed > 1 and visible_length(text) > room:
        listed -= 1
        text = _invalid(t, errors, listed, then)
    return fit_text(text, room)


def _invalid(t: Texts, errors: Sequence[FileError], listed: int, then: str) -> str:
    _ = t.gettext
    lines = ["⚠ " + escape(_("This does not pass the directory's checks:"))]
    lines.append("<pre>" + escape("\n".join(str(e) for e in errors[:listed])) + "</pre>")
    if len(errors) > listed:
        lines.append(escape(_("…and {count} more.").format(count=len(errors) - listed)))
    if then:
        lines += ["", escape(then)]
    return "\n".join(lines)


def _left_out(t: Texts, unchanged: int) -> list[str]:
    if not unchanged:
        return []
    line = t.ngettext(
        "{count} entry in the file is the same as now and was left out.",
        "{count} entries in the file are the same as now and were left out.",
        unchanged,
    ).format(count=unchanged)
    return [escape(line)]


def _rows(
    t: Texts, tap: Tap, batch: Sequence[ProposalDetail], paging: list[Button], submit: bool
) -> list[list[Button]]:
    rows: list[list[Button]] = [paging] if paging else []
    batch_id = batch[0].batch if batch else 0
    if submit:
        rows.append(
            [("📨 " + t.gettext("Submit for review"), encode(tap.to(Act.SUBMIT, batch_id)))]
        )
    if len(batch) == 1:
        rows.append([("✏️ " + t.gettext("Keep editing"), encode(tap.to(Act.DRAFT, batch[0].id)))])
    if batch:
        rows.append([("🗑 " + t.gettext("Discard"), encode(tap.to(Act.DISCARD, batch_id)))])
    rows.append(frame.nav(t, tap))
    return rows


def batch_preview(
    t: Texts,
    tap: Tap,
    batch: Sequence[ProposalDetail],
    errors: Sequence[FileError],
    unchanged: int = 0,
    part: int = 0,
) -> View:
    """The before/after of everything in a batch, part by part; Submit once it all passes and
    the last part has been shown."""
    lines: list[str] = []
    for proposal in batch:
        lines += ["", diff.title_text(t, proposal.title), *proposal.diff]
    shown, part, parts = diff.block(t, lines[1:], part)
    last = part + 1 == parts
    above = paragraphs(*_left_out(t, unchanged), shown)
    if errors:  # in the room the diff leaves, beyond the empty line between them
        verdict = invalid(t, errors, room=MAX_MESSAGE - visible_length(above) - 2)
    else:
        verdict = escape(t.gettext("Submit this for review by another volunteer?")) if last else ""
    batch_id = batch[0].batch if batch else 0
    paging = diff.part_row(t, tap, Act.PREVIEW, batch_id, part, parts)
    rows = _rows(t, tap, batch, paging, submit=not errors and bool(batch) and last)
    return View(paragraphs(above, verdict), rows)


def drafts(t: Texts, tap: Tap, items: Sequence[ProposalTitle]) -> View:
    _ = t.gettext
    rows = [[(diff.list_label(t, p), encode(tap.to(Act.DRAFT, p.id)))] for p in items[:40]]
    rows.append(frame.nav(t, tap))
    return View(bold(_("My drafts")), rows)
