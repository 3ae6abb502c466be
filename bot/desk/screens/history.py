"""An entry's audit trail for admins, as `helpline directory history` shows it, cut to one
message from the oldest end so that the newest change is always there."""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Texts
from bot.ui.text import bold, escape
from bot.ui.view import MAX_MESSAGE, cut_utf16, utf16_length, visible_length


def trail(t: Texts, entry_id: str, lines: Sequence[str]) -> str:
    """Newest last; older records give way, and a record too long on its own is cut."""
    _ = t.gettext
    head = bold(_("History of {id}").format(id=entry_id)) + "\n"
    if not lines:
        return head + escape(_("No changes are recorded for this id."))
    room = MAX_MESSAGE - visible_length(head) - 50
    kept: list[str] = []
    used = 0
    for line in reversed(lines):
        size = utf16_length(line) + 2
        if used + size > room:
            if not kept:
                kept.append(cut_utf16(line, room))
            break
        kept.insert(0, line)
        used += size
    return head + "<pre>" + escape("\n\n".join(kept)) + "</pre>"
