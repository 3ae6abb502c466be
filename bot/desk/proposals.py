"""Proposals: every change a volunteer makes in the bot waits here until another approves it.

A proposal goes draft -> open -> approved or rejected. Approval applies it in the same
transaction that marks it approved, and only if the entry is still exactly what the author saw
(`base`); so a proposal is applied once at most, even with two bot processes and two reviewers
tapping at once, and never silently over a change the author did not see.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.db.models import Entry, Proposal
from bot.desk import draft
from bot.directory import audit
from bot.directory.field_changes import changes
from bot.directory.file_format import FileError, entry_yaml
from bot.directory.queries import to_model, to_row
from bot.directory.schema import DirectoryFile, EntryModel

DRAFT, OPEN, APPROVED, REJECTED = "draft", "open", "approved", "rejected"
NEW, CHANGE, RETIRE, RECHECK = "new", "change", "retire", "recheck"
AUDIT_ACTIONS = {NEW: "added", RETIRE: "retired", RECHECK: "rechecked"}  # else "updated"


class Outcome(enum.Enum):
    APPLIED = "applied"
    OWN = "own"  # its author may not approve it
    CONFLICT = "conflict"  # the entry changed after the proposal was made
    GONE = "gone"  # already reviewed, withdrawn, or never there
    INVALID = "invalid"  # no longer passes the directory's rules


@dataclass(frozen=True)
class Made:
    """What a new draft or an uploaded file produced."""

    proposals: list[Proposal]
    unchanged: list[str]


async def current(session: AsyncSession, entry_id: str) -> Entry | None:
    return await session.scalar(select(Entry).where(Entry.id == entry_id))


async def locked(session: AsyncSession, entry_id: str) -> Entry | None:
    """The entry, locked until this transaction ends: an approval compares it with what the
    proposal was made from and replaces it, with no other change landing in between (on
    PostgreSQL; SQLite lets one writer in at a time anyway)."""
    return await session.scalar(select(Entry).where(Entry.id == entry_id).with_for_update())


def _new(author: int, kind: str, entry_id: str, base: str, proposed: str) -> Proposal:
    return Proposal(
        batch=0,
        author=author,
        state=DRAFT,
        kind=kind,
        entry_id=entry_id,
        base=base,
        proposed=proposed,
        created_at=utc_now(),
    )


async def _add(session: AsyncSession, proposals: list[Proposal]) -> None:
    """Store proposals as one batch, named by the first one's id."""
    session.add_all(proposals)
    await session.flush()
    for proposal in proposals:
        proposal.batch = proposals[0].id
    await session.flush()


async def own_draft(
    session: AsyncSession, author: int, entry_id: str, kind: str
) -> Proposal | None:
    """Her newest draft of this kind for this entry: `scalar` reads the first row alone. By
    kind, so that retiring an entry she had begun to change leaves that change to take up."""
    query = select(Proposal).where(
        Proposal.author == author,
        Proposal.state == DRAFT,
        Proposal.entry_id == entry_id,
        Proposal.kind == kind,
    )
    return await session.scalar(query.order_by(Proposal.id.desc()))


async def start_change(
    session: AsyncSession, author: int, entry_id: str, today: dt.date
) -> Proposal | None:
    """A draft changing an existing entry (her unfinished one, if she has one); None if the
    entry does not exist. A volunteer who corrects an entry has just checked it, so the
    draft dates the check today, in plain sight in the diff."""
    entry = await current(session, entry_id)
    if entry is None:
        return None
    found = await own_draft(session, author, entry_id, CHANGE)
    if found is not None:
        return found
    model = to_model(entry)
    data = draft.from_entry(model)
    if model.status == "verified":
        data["verified_on"] = today
    proposal = _new(author, CHANGE, entry_id, entry_yaml(model), draft.as_yaml(data))
    await _add(session, [proposal])
    return proposal


async def on_its_own(session: AsyncSession, proposal: Proposal) -> None:
    """Take a draft out of the batch it came in (an uploaded file), so that submitting or
    discarding it from the editor touches it alone. A batch is named by its first member's
    id, so when that one leaves, the others take the next one's."""
    if proposal.batch != proposal.id:
        proposal.batch = proposal.id
        return
    others = list(
        await session.scalars(
            select(Proposal).where(Proposal.batch == proposal.batch, Proposal.id != proposal.id)
        )
    )
    if others:
        renamed = min(other.id for other in others)
        for other in others:
            other.batch = renamed


async def start_retire(session: AsyncSession, author: int, entry_id: str) -> Proposal | None:
    entry = await current(session, entry_id)
    if entry is None or entry.status == "archived":
        return None
    found = await own_draft(session, author, entry_id, RETIRE)
    if found is not None:
        return found
    model = to_model(entry)
    proposed = draft.as_yaml(draft.retired(draft.from_entry(model)))
    proposal = _new(author, RETIRE, entry_id, entry_yaml(model), proposed)
    await _add(session, [proposal])
    return proposal


async def start_recheck(session: AsyncSession, author: int, entry: Entry, day: dt.date) -> Proposal:
    """ "Still correct" for an entry that users do not see: a proposal whose only change is the
    check date (and, for a draft, its status), sent for review at once. One volunteer's word
    alone must not bring an entry to users; a second member of staff approves it like any
    other change."""
    model = to_model(entry)
    proposed = entry_yaml(model.model_copy(update={"verified_on": day, "status": "verified"}))
    proposal = _new(author, RECHECK, entry.id, entry_yaml(model), proposed)
    proposal.state = OPEN
    await _add(session, [proposal])
    return proposal


async def open_recheck(session: AsyncSession, entry_id: str) -> Proposal | None:
    """The re-check of this entry that waits for review, if there is one. There is never more
    than one: recheck.mark_checked makes one only under the entry's row lock, when none waits."""
    query = select(Proposal).where(
        Proposal.entry_id == entry_id, Proposal.kind == RECHECK, Proposal.state == OPEN
    )
    return await session.scalar(query)


async def start_new(
    session: AsyncSession, author: int, entry_id: str, today: dt.date
) -> Proposal | None:
    """A draft of a new entry; None if the id is taken (by an entry or another's draft)."""
    if await current(session, entry_id) is not None:
        return None
    taken = await session.scalar(
        select(Proposal.id).where(
            Proposal.entry_id == entry_id,
            Proposal.kind == NEW,
            Proposal.state.in_((DRAFT, OPEN)),
            Proposal.author != author,
        )
    )
    if taken is not None:
        return None
    found = await own_draft(session, author, entry_id, NEW)
    if found is not None:
        return found
    proposal = _new(author, NEW, entry_id, "", draft.dump(draft.blank(entry_id, today)))
    await _add(session, [proposal])
    return proposal


async def from_file(session: AsyncSession, author: int, file: DirectoryFile) -> Made:
    """Drafts for every entry of an uploaded file that changes something, as one batch. An
    entry that says nothing about its staff note keeps the note it has."""
    proposals, unchanged = [], []
    for incoming in file.entries:
        entry = await current(session, incoming.id)
        before = to_model(entry) if entry is not None else None
        if incoming.internal_note is None and before is not None:
            incoming = incoming.model_copy(update={"internal_note": before.internal_note})
        base = entry_yaml(before) if before is not None else ""
        proposed = entry_yaml(incoming)
        if proposed == base:
            unchanged.append(incoming.id)
            continue
        kind = NEW if before is None else RETIRE if incoming.status == "archived" else CHANGE
        proposals.append(_new(author, kind, incoming.id, base, proposed))
    if proposals:
        await _add(session, proposals)
    return Made(proposals, unchanged)


async def get(session: AsyncSession, proposal_id: int) -> Proposal | None:
    return await session.get(Proposal, proposal_id)


async def own(session: AsyncSession, author: int, proposal_id: int) -> Proposal | None:
    """Her draft with this id; None for anyone else's, or one already submitted."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.author != author or proposal.state != DRAFT:
        return None
    return proposal


async def batch(session: AsyncSession, author: int, batch_id: int) -> list[Proposal]:
    query = select(Proposal).where(
        Proposal.batch == batch_id, Proposal.author == author, Proposal.state == DRAFT
    )
    return list(await session.scalars(query.order_by(Proposal.id)))


def save(proposal: Proposal, data: draft.Data) -> None:
    proposal.proposed = draft.as_yaml(data)


async def submit(
    session: AsyncSession, author: int, batch_id: int
) -> list[Proposal] | list[FileError]:
    """Send her drafts of a batch for review, all or none: every error if any is invalid."""
    proposals = await batch(session, author, batch_id)
    errors: list[FileError] = []
    checked: list[tuple[Proposal, EntryModel]] = []
    for proposal in proposals:
        found = draft.check(draft.load(proposal.proposed))
        if isinstance(found, EntryModel):
            checked.append((proposal, found))
        else:
            errors.extend(found)
    if errors:
        return errors
    for proposal, model in checked:
        proposal.proposed = entry_yaml(model)
        proposal.state = OPEN
        proposal.created_at = utc_now()
    return proposals


async def discard(session: AsyncSession, author: int, batch_id: int) -> int:
    result = await session.execute(
        delete(Proposal).where(
            Proposal.batch == batch_id, Proposal.author == author, Proposal.state == DRAFT
        )
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def drafts_of(session: AsyncSession, author: int) -> list[Proposal]:
    query = select(Proposal).where(Proposal.author == author, Proposal.state == DRAFT)
    return list(await session.scalars(query.order_by(Proposal.id)))


def _reviewable(reviewer: int, second_review: bool) -> list[object]:
    where: list[object] = [Proposal.state == OPEN]
    if second_review:
        where.append(Proposal.author != reviewer)
    return where


async def review_queue(
    session: AsyncSession, reviewer: int, *, second_review: bool
) -> list[Proposal]:
    """Open proposals she may review, oldest first."""
    query = select(Proposal).where(*_reviewable(reviewer, second_review))  # type: ignore[arg-type]
    return list(await session.scalars(query.order_by(Proposal.created_at, Proposal.id)))


async def waiting_count(session: AsyncSession, reviewer: int, *, second_review: bool) -> int:
    query = select(func.count()).select_from(Proposal)
    query = query.where(*_reviewable(reviewer, second_review))  # type: ignore[arg-type]
    return int(await session.scalar(query) or 0)


async def approve(
    session: AsyncSession, proposal_id: int, reviewer: int, *, second_review: bool
) -> Outcome:
    """Apply a proposal, in the caller's transaction, which must be rolled back unless the
    outcome is APPLIED (the claim on the proposal is made first, to be undone with it)."""
    claim = (
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.state == OPEN)
        .values(state=APPROVED, reviewer=reviewer, reviewed_at=utc_now())
    )
    if second_review:
        claim = claim.where(Proposal.author != reviewer)
    claimed = (await session.execute(claim)).rowcount  # type: ignore[attr-defined]
    proposal = await session.get(Proposal, proposal_id)
    if not claimed:  # her own proposal (it is still open), or one no longer open
        return Outcome.OWN if proposal is not None and proposal.state == OPEN else Outcome.GONE
    assert proposal is not None
    found = draft.check(draft.load(proposal.proposed))
    if not isinstance(found, EntryModel):
        return Outcome.INVALID
    entry = await locked(session, proposal.entry_id)
    before = to_model(entry) if entry is not None else None
    if _content(entry_yaml(before) if before is not None else "") != _content(proposal.base):
        return Outcome.CONFLICT
    if before is not None and before.verified_on and found.verified_on:
        # A re-check since the proposal was made is not a conflict, and is not undone.
        latest = max(before.verified_on, found.verified_on)
        found = found.model_copy(update={"verified_on": latest})
    if entry is not None:  # its tables go with it (ON DELETE CASCADE)
        session.expunge(entry)
        await session.execute(delete(Entry).where(Entry.id == proposal.entry_id))
    session.add(to_row(found))
    try:
        await session.flush()
    except IntegrityError:  # a new entry with the same id landed in the meantime
        return Outcome.CONFLICT
    for field, lang, old, new in changes(before, found):
        audit.record(
            session,
            actor=str(proposal.author),
            entry_id=found.id,
            action=AUDIT_ACTIONS.get(proposal.kind, "updated"),
            field=field,
            lang=lang,
            old=old,
            new=new,
            approved_by=str(reviewer),
        )
    return Outcome.APPLIED


async def reject(
    session: AsyncSession, proposal_id: int, reviewer: int, reason: str, *, second_review: bool
) -> Proposal | None:
    """Reject an open proposal; the proposal (to tell its author), or None if it was not open
    or is her own."""
    claim = (
        update(Proposal)
        .where(Proposal.id == proposal_id, Proposal.state == OPEN)
        .values(state=REJECTED, reviewer=reviewer, reviewed_at=utc_now(), reason=reason)
    )
    if second_review:
        claim = claim.where(Proposal.author != reviewer)
    if not (await session.execute(claim)).rowcount:  # type: ignore[attr-defined]
        return None
    return await session.get(Proposal, proposal_id)


def _content(text: str) -> str:
    """An entry's text without its check date: what a re-check does not change. No entry
    (an empty text) loads as an empty mapping."""
    data = draft.load(text)
    data.pop("verified_on", None)
    return draft.dump(data)
