"""Directory queries: what a user may see, and replacing the directory from a file.

Only `verified` entries checked within `max_age_days` ever reach a user; the rule lives in one
place (`_visible`) so that the list, the card and the fallback list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from bot import audit
from bot.directory_file import TEXT_FIELDS, ContactModel, DirectoryFile, EntryModel, entry_yaml
from bot.models import Contact, Entry, EntryCategory, EntryLanguage, EntryRegion, EntryText
from bot.taxonomy import ANYWHERE

PAGE_SIZE = 5


@dataclass(frozen=True)
class Page:
    entries: list[EntryModel]
    page: int
    pages: int
    total: int


@dataclass(frozen=True)
class ImportPlan:
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: int


def oldest_fresh_date(today: dt.date, max_age_days: int) -> dt.date:
    return today - dt.timedelta(days=max_age_days)


def _visible(today: dt.date, max_age_days: int) -> ColumnElement[bool]:
    return (Entry.status == "verified") & (
        Entry.verified_on >= oldest_fresh_date(today, max_age_days)
    )


def _serves_place(place: str) -> ColumnElement[bool]:
    return exists().where(
        EntryRegion.entry_id == Entry.id, EntryRegion.region.in_((place, ANYWHERE))
    )


def _has_need(need: str) -> ColumnElement[bool]:
    return exists().where(EntryCategory.entry_id == Entry.id, EntryCategory.category == need)


def _ranked(query: Select[Entry], lang: str) -> Select[Entry]:
    """Staff who speak her language first, then by name in her language (else English, else any)."""
    speaks = exists().where(EntryLanguage.entry_id == Entry.id, EntryLanguage.lang == lang)

    def name_in(language: str) -> ColumnElement[str]:
        return (
            select(EntryText.text)
            .where(EntryText.entry_id == Entry.id, EntryText.field == "name")
            .where(EntryText.lang == language)
            .scalar_subquery()
        )

    # "Any language" is the lowest language code, as EntryModel.text picks for the screen.
    any_name = (
        select(EntryText.text)
        .where(EntryText.entry_id == Entry.id, EntryText.field == "name")
        .order_by(EntryText.lang)
        .limit(1)
        .scalar_subquery()
    )
    return query.order_by(
        case((speaks, 0), else_=1), func.coalesce(name_in(lang), name_in("en"), any_name), Entry.id
    )


LOAD_ALL = (
    selectinload(Entry.texts),
    selectinload(Entry.categories),
    selectinload(Entry.regions),
    selectinload(Entry.languages),
    selectinload(Entry.contacts),
)


async def _page(
    session: AsyncSession, where: Sequence[ColumnElement[bool]], lang: str, page: int
) -> Page:
    total = await session.scalar(select(func.count()).select_from(Entry).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    query = _ranked(select(Entry).where(*where), lang).options(*LOAD_ALL)
    rows = await session.scalars(query.offset(page * PAGE_SIZE).limit(PAGE_SIZE))
    return Page([to_model(e) for e in rows], page, pages, total)


async def list_for_need(
    session: AsyncSession,
    *,
    need: str,
    place: str,
    lang: str,
    page: int,
    today: dt.date,
    max_age_days: int,
) -> Page:
    """Visible entries serving `need` in `place` (or anywhere), best language match first."""
    where = [_visible(today, max_age_days), _has_need(need), _serves_place(place)]
    return await _page(session, where, lang, page)


async def list_anywhere(
    session: AsyncSession, *, lang: str, page: int, today: dt.date, max_age_days: int
) -> Page:
    """Visible entries reachable from anywhere, whatever their need: the kind fallback."""
    where = [
        _visible(today, max_age_days),
        exists().where(EntryRegion.entry_id == Entry.id, EntryRegion.region == ANYWHERE),
    ]
    return await _page(session, where, lang, page)


async def visible_entry(
    session: AsyncSession, entry_id: str, *, today: dt.date, max_age_days: int
) -> EntryModel | None:
    """The entry if a user may see it now; None for unknown, draft, archived or stale ones."""
    query = select(Entry).where(Entry.id == entry_id, _visible(today, max_age_days))
    entry = await session.scalar(query.options(*LOAD_ALL))
    return to_model(entry) if entry is not None else None


def to_model(entry: Entry) -> EntryModel:
    """The row as the file model. Rows were validated on their way in, so no second check."""
    texts: dict[str, dict[str, str]] = {field: {} for field in TEXT_FIELDS}
    for text in entry.texts:
        texts[text.field][text.lang] = text.text
    return EntryModel.model_construct(
        id=entry.id,
        status=entry.status,  # type: ignore[arg-type]
        verified_on=entry.verified_on,
        internal_note=entry.internal_note,
        categories=[c.category for c in entry.categories],
        regions=[r.region for r in entry.regions],
        languages=[lang.lang for lang in entry.languages],
        name=texts["name"],
        description=texts["description"],
        hours=texts["hours"],
        contacts=[
            ContactModel.model_construct(type=c.type, value=c.value)  # type: ignore[arg-type]
            for c in sorted(entry.contacts, key=lambda c: c.position)
        ],
    )


def to_row(model: EntryModel) -> Entry:
    return Entry(
        id=model.id,
        status=model.status,
        verified_on=model.verified_on,
        internal_note=model.internal_note or None,
        texts=[
            EntryText(field=field, lang=lang, text=text)
            for field in TEXT_FIELDS
            for lang, text in getattr(model, field).items()
        ],
        categories=[EntryCategory(category=c, position=i) for i, c in enumerate(model.categories)],
        regions=[EntryRegion(region=r, position=i) for i, r in enumerate(model.regions)],
        languages=[EntryLanguage(lang=lang, position=i) for i, lang in enumerate(model.languages)],
        contacts=[
            Contact(position=i, type=c.type, value=c.value) for i, c in enumerate(model.contacts)
        ],
    )


async def all_entries(session: AsyncSession) -> list[EntryModel]:
    rows = await session.scalars(select(Entry).options(*LOAD_ALL).order_by(Entry.id))
    return [to_model(e) for e in rows]


def keep_notes(current: list[EntryModel], incoming: DirectoryFile) -> DirectoryFile:
    """A file exported without staff notes must not wipe them: an entry that says nothing
    about its note keeps the one it has ("" in a file clears it)."""
    notes = {e.id: e.internal_note for e in current}
    entries = [
        e.model_copy(update={"internal_note": notes.get(e.id)}) if e.internal_note is None else e
        for e in incoming.entries
    ]
    return incoming.model_copy(update={"entries": entries})


def plan_import(current: list[EntryModel], incoming: DirectoryFile) -> ImportPlan:
    """What replacing `current` with the file would add, update and remove."""
    incoming = keep_notes(current, incoming)
    before = {e.id: e for e in current}
    after = {e.id: e for e in incoming.entries}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    common = sorted(set(before) & set(after))
    updated = [i for i in common if _comparable(before[i]) != _comparable(after[i])]
    return ImportPlan(added, updated, removed, len(common) - len(updated))


def _comparable(entry: EntryModel) -> dict[str, object]:
    data = entry.model_dump(mode="json")
    data["internal_note"] = data.get("internal_note") or None  # "" and no note are the same
    return data


async def replace_all(
    session: AsyncSession, incoming: DirectoryFile, *, actor: str = audit.CLI
) -> ImportPlan:
    """Make the directory equal to the file; the caller's transaction makes it all or nothing,
    the audit records included (one per changed entry)."""
    current = await all_entries(session)
    incoming = keep_notes(current, incoming)
    plan = plan_import(current, incoming)
    before = {e.id: entry_yaml(e) for e in current if e.id in {*plan.updated, *plan.removed}}
    after = {e.id: entry_yaml(e) for e in incoming.entries if e.id in {*plan.added, *plan.updated}}
    for action, ids in (
        ("added", plan.added),
        ("updated", plan.updated),
        ("removed", plan.removed),
    ):
        for entry_id in ids:
            audit.record(
                session,
                actor=actor,
                entry_id=entry_id,
                action=action,
                old=before.get(entry_id, ""),
                new=after.get(entry_id, ""),
            )
    stale_ids = [*plan.removed, *plan.updated]
    if stale_ids:
        await session.execute(delete(Entry).where(Entry.id.in_(stale_ids)))
        # Relationship rows go with their entry (ON DELETE CASCADE); flush keeps the order.
        await session.flush()
        session.expunge_all()
    wanted = set(plan.added) | set(plan.updated)
    session.add_all(to_row(e) for e in incoming.entries if e.id in wanted)
    await session.flush()
    return plan
