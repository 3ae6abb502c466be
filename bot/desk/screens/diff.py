"""A proposal's before and after on screen: cut into parts a message can hold, nothing left
out (a reviewer must be able to read every changed character before she can approve), with
the proposal's title above it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.desk.callback import Act, Tap, encode
from bot.desk.summaries import ProposalTitle
from bot.i18n import Texts
from bot.ui.paging import paging_row
from bot.ui.text import bold, escape, italic
from bot.ui.view import Button, utf16_length

DIFF_BUDGET = 3000  # UTF-16 units of diff on one screen; the rest goes to the next part


def _pieces(line: str, limit: int) -> list[str]:
    """A line cut into pieces of at most `limit` UTF-16 units (a description is one line)."""
    pieces, current = [], ""
    for char in line:
        if utf16_length(current + char) > limit:
            pieces.append(current)
            current = "  " + char
        else:
            current += char
    return [*pieces, current]


def parts_of(lines: Sequence[str]) -> list[str]:
    """Diff lines grouped into screens of at most DIFF_BUDGET UTF-16 units."""
    found: list[str] = []
    current: list[str] = []
    used = 0
    for line in lines:
        for piece in _pieces(line, DIFF_BUDGET // 2):
            size = utf16_length(piece) + 1
            if current and used + size > DIFF_BUDGET:
                found.append("\n".join(current))
                current, used = [], 0
            current.append(piece)
            used += size
    if current:
        found.append("\n".join(current))
    return found or [""]


def block(t: Texts, lines: Sequence[str], part: int) -> tuple[str, int, int]:
    """One part of a diff as HTML, with the part shown and the number of parts."""
    if not lines:
        return italic(t.gettext("No change yet.")), 0, 1
    cut = parts_of(lines)
    part = min(max(part, 0), len(cut) - 1)
    shown = "<pre>" + escape(cut[part]) + "</pre>"
    if len(cut) > 1:
        label = t.gettext("Part {part} of {parts}").format(part=part + 1, parts=len(cut))
        shown = italic(label) + "\n" + shown
    return shown, part, len(cut)


def part_row(t: Texts, tap: Tap, act: Act, number: int, part: int, parts: int) -> list[Button]:
    """Previous and Next part of the diff of proposal or batch `number`."""

    def to(other: int) -> str:
        return encode(tap.to(act, number, str(other)))

    return paging_row(t, part, parts, to, next_label=t.gettext("Next part"))


def kind_label(t: Texts, kind: str) -> str:
    _ = t.gettext
    labels = {
        "new": _("New entry"),
        "change": _("Change"),
        "retire": _("Retire"),
        "recheck": _("Re-check"),
    }
    return labels.get(kind, kind)


def title_text(t: Texts, title: ProposalTitle) -> str:
    return t.gettext("Proposal {number}: {kind}, {id}").format(
        number=title.id, kind=kind_label(t, title.kind), id=title.entry_id
    )


def title_line(t: Texts, title: ProposalTitle) -> str:
    return bold(title_text(t, title))


def list_label(t: Texts, title: ProposalTitle) -> str:
    """A proposal as a button of a list names it."""
    return f"{title.id} · {kind_label(t, title.kind)} · {title.entry_id}"[:60]


def part_of(arg: str) -> int:
    """The part a button's argument names, as `part_row` writes it; 0 for anything else."""
    return int(arg) if arg.isdigit() and len(arg) < 6 else 0
