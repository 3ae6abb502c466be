"""Services read from another organisation's directory (Open Referral HSDS), as one batch of
a volunteer's drafts: the same review as any other change, nothing shown to users before it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.desk import draft
from bot.desk.proposals import CHANGE, NEW, Made, _add, _new, current
from bot.directory.file_format import entry_yaml
from bot.directory.queries import to_model


async def as_drafts(session: AsyncSession, author: int, items: list[draft.Data]) -> Made:
    """Drafts of entries read from another directory (HSDS), as one batch of her drafts:
    possibly incomplete, checked only when she submits them. A new entry comes as a draft
    (status `draft`, never shown to users); for an entry the directory has, only the content
    is proposed: its status and check date stay as they are."""
    proposals, unchanged = [], []
    for data in items:
        entry = await current(session, str(data["id"]))
        before = to_model(entry) if entry is not None else None
        proposed = dict(data)
        if before is not None:
            proposed = {"id": data["id"], "status": before.status}
            if before.verified_on is not None:
                proposed["verified_on"] = before.verified_on
            proposed.update((k, v) for k, v in data.items() if k not in proposed)
            if "internal_note" not in proposed and before.internal_note:
                proposed["internal_note"] = before.internal_note
        base = entry_yaml(before) if before is not None else ""
        text = draft.as_yaml(proposed)
        if text == base:
            unchanged.append(str(data["id"]))
            continue
        proposals.append(
            _new(author, NEW if before is None else CHANGE, str(data["id"]), base, text)
        )
    if proposals:
        await _add(session, proposals)
    return Made(proposals, unchanged)
