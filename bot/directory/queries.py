"""Directory queries: what a user may see, and replacing the directory from a file.

Only `verified` entries checked within `max_age_days` ever reach a user. Lists read the
listings, which hold verified entries only, from the cut-off date on; a card reads the entry
with the same two conditions (`_CARD_OF`). Both take the cut-off from `oldest_fresh_date`, so
the list, the card and the fallback list cannot disagree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Base,
    Contact,
    Entry,
    EntryCategory,
    EntryLanguage,
    EntryRegion,
    EntryText,
    Listing,
)
from bot.directory.file_format import entry_to_data
from bot.directory.schema import (
    TEXT_FIELDS,
    ContactModel,
    EntryModel,
    OpeningModel,
)
from bot.taxonomy import ANYWHERE, PLACES, USER_LANGUAGES

EVERY_NEED = ""  # the anywhere list's need: all of them

PAGE_SIZE = 5


@dataclass(frozen=True)
class Page:
    entries: list[EntryModel]
    page: int
    pages: int
    total: int


def oldest_fresh_date(today: dt.date, max_age_days: int) -> dt.date:
    return today - dt.timedelta(days=max_age_days)


def listing_key(entry: EntryModel, lang: str) -> str:
    """Where an entry sorts for a user of `lang`: staff who speak her language first, then by
    name in her language (else English, else the lowest language code, as screens pick)."""
    found = entry.text("name", lang)
    name = found[0] if found else entry.id
    return ("0" if lang in entry.languages else "1") + name


def _listings(entry: EntryModel) -> list[dict[str, Any]]:
    """The rows that list a verified entry (none for a draft or an archived one)."""
    if entry.status != "verified" or entry.verified_on is None:
        return []
    anywhere = ANYWHERE in entry.regions
    places = list(PLACES) if anywhere else [p for p in PLACES if p in entry.regions]
    keys = {f"key_{lang}": listing_key(entry, lang) for lang in USER_LANGUAGES}
    spots = [(need, place) for need in entry.categories for place in places]
    if anywhere:
        spots.append((EVERY_NEED, ANYWHERE))
    return [
        {"entry_id": entry.id, "need": need, "place": place, "verified_on": entry.verified_on}
        | keys
        for need, place in spots
    ]


def _page_queries() -> tuple[dict[str, Select[Any]], Select[Any]]:
    """The list queries, built once: a page in each language's order with the total beside
    it, and the total alone. Building a statement costs about as much as SQLite takes to run
    it, so a screen only binds its values (`_bound`)."""
    where = (
        Listing.need == bindparam("need"),
        Listing.place == bindparam("place"),
        Listing.verified_on >= bindparam("oldest"),
    )
    total_of = select(func.count()).select_from(Listing).where(*where)
    pages: dict[str, Select[Any]] = {}
    for lang, key in (("ko", Listing.key_ko), ("zh", Listing.key_zh), ("en", Listing.key_en)):
        chosen = (
            select(Listing.entry_id, key.label("key"))
            .where(*where)
            .order_by(key, Listing.entry_id)
            .offset(bindparam("skip"))
            .limit(bindparam("size"))
            .subquery()
        )
        pages[lang] = (
            select(Entry.document, total_of.scalar_subquery())
            .join(chosen)  # on its entry_id, by the foreign key to entries.id
            .order_by(chosen.c.key, chosen.c.entry_id)
        )
    return pages, total_of


_PAGE_OF, _TOTAL_OF = _page_queries()


async def _page(
    session: AsyncSession, need: str, place: str, lang: str, page: int, oldest: dt.date
) -> Page:
    """One page and the total in one query: the page is read in order from the listing's
    index and only its rows are joined to their documents; the total is one count over the
    same index range. A page past the end (an old or forged button) costs a second query."""
    query = _PAGE_OF[lang]  # a language with no order is a programmer's error
    where = {"need": need, "place": place, "oldest": oldest}

    async def fetch(number: int) -> list[Any]:
        bound = {**where, "skip": number * PAGE_SIZE, "size": PAGE_SIZE}
        return list((await session.execute(query, bound)).all())

    page = max(page, 0)
    rows = await fetch(page)
    if not rows and page > 0:
        everything = await session.scalar(_TOTAL_OF, where)  # a count: never None
        if everything:
            page = -(-everything // PAGE_SIZE) - 1
            rows = await fetch(page)
    total = int(rows[0][1]) if rows else 0
    pages = max(1, -(-total // PAGE_SIZE))
    found = [from_document(document) for document, _total in rows]
    return Page(found, min(page, pages - 1), pages, total)


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
    oldest = oldest_fresh_date(today, max_age_days)
    return await _page(session, need, place, lang, page, oldest)


# The most contacts a list orders by whether they are open now (bot/menus/navigation.py):
# the ordering reads them all. A longer list keeps the plain order.
OPEN_FIRST_LIMIT = 100


async def list_open_first(
    session: AsyncSession,
    *,
    need: str,
    place: str,
    lang: str,
    page: int,
    today: dt.date,
    max_age_days: int,
    open_now: Callable[[EntryModel], bool],
    urgent: bool,
) -> Page:
    """As `list_for_need`, with the contacts `open_now` says can be reached now moved up: for
    an `urgent` need before all the others; for any other, within the staff-language order
    (the contacts whose staff speak her language still come first), and then by name as
    before. Only a list of at most OPEN_FIRST_LIMIT contacts is ordered so."""
    oldest = oldest_fresh_date(today, max_age_days)
    asked = await _page(session, need, place, lang, page, oldest)
    if asked.total > OPEN_FIRST_LIMIT:
        return asked
    entries = asked.entries
    if asked.pages > 1:  # the whole list, to order it
        query = _PAGE_OF[lang]
        where = {"need": need, "place": place, "oldest": oldest}
        rows = await session.execute(query, {**where, "skip": 0, "size": OPEN_FIRST_LIMIT})
        entries = [from_document(document) for document, _total in rows]

    def rank(entry: EntryModel) -> tuple[bool, ...]:
        closed = not open_now(entry)
        return (closed,) if urgent else (lang not in entry.languages, closed)

    found = sorted(entries, key=rank)  # a stable sort: by name within each part, as before
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    return Page(found[page * PAGE_SIZE : (page + 1) * PAGE_SIZE], page, pages, len(found))


async def list_anywhere(
    session: AsyncSession, *, lang: str, page: int, today: dt.date, max_age_days: int
) -> Page:
    """Visible entries reachable from anywhere, whatever their need: the kind fallback."""
    oldest = oldest_fresh_date(today, max_age_days)
    return await _page(session, EVERY_NEED, ANYWHERE, lang, page, oldest)


_CARD_OF = select(Entry.document).where(
    Entry.id == bindparam("entry_id"),
    Entry.status == "verified",
    Entry.verified_on >= bindparam("oldest"),
)


async def visible_entry(
    session: AsyncSession, entry_id: str, *, today: dt.date, max_age_days: int
) -> EntryModel | None:
    """The entry if a user may see it now; None for unknown, draft, archived or stale ones.
    Verified and fresh, as the listings hold, in a statement built once."""
    oldest = oldest_fresh_date(today, max_age_days)
    document = await session.scalar(_CARD_OF, {"entry_id": entry_id, "oldest": oldest})
    return from_document(document) if document is not None else None


def to_model(entry: Entry) -> EntryModel:
    """The row as the file model, from its document (rows were validated on their way in)."""
    return from_document(entry.document)


def document_of(model: EntryModel) -> str:
    """The whole entry as one JSON text, kept with the row: a screen reads one column of one
    row instead of five tables."""
    return json.dumps(entry_to_data(model, internal=True), ensure_ascii=False, default=str)


def from_document(text: str) -> EntryModel:
    data = json.loads(text)
    day = data.get("verified_on")
    opening = data.get("opening")
    return EntryModel.model_construct(
        id=data["id"],
        status=data["status"],
        verified_on=dt.date.fromisoformat(day) if day else None,
        internal_note=data.get("internal_note"),
        categories=data["categories"],
        regions=data["regions"],
        languages=data["languages"],
        name=data["name"],  # at least one language, always
        description=data.get("description", {}),
        expect=data.get("expect", {}),
        hours=data.get("hours", {}),
        opening=OpeningModel.model_construct(**opening) if opening else None,
        contacts=[
            ContactModel.model_construct(type=c["type"], value=c["value"]) for c in data["contacts"]
        ],
    )


async def mark_verified(session: AsyncSession, entry: Entry, day: dt.date) -> None:
    """Change the check date of a row: its column, its document and its listings alike."""
    entry.verified_on = day
    entry.document = document_of(
        from_document(entry.document).model_copy(update={"verified_on": day})
    )
    await session.execute(
        update(Listing).where(Listing.entry_id == entry.id).values(verified_on=day)
    )


# An entry's other tables, by the name of its relationship to each.
CHILD_TABLES: dict[str, type[Base]] = {
    "texts": EntryText,
    "categories": EntryCategory,
    "regions": EntryRegion,
    "languages": EntryLanguage,
    "contacts": Contact,
    "listings": Listing,
}


def row_values(model: EntryModel) -> dict[type[Base], list[dict[str, Any]]]:
    """An entry's rows, table by table, as column values: an import writes these as they are,
    a few statements for the whole directory; `to_row` makes them ORM rows."""
    entry_id = model.id
    return {
        Entry: [
            {
                "id": entry_id,
                "status": model.status,
                "verified_on": model.verified_on,
                "internal_note": model.internal_note or None,
                "document": document_of(model),
                "opening_rule": model.opening.rule if model.opening else None,
                "opening_zone": model.opening.zone if model.opening else None,
                "opening_holidays": model.opening.holidays if model.opening else None,
            }
        ],
        EntryText: [
            {"entry_id": entry_id, "field": field, "lang": lang, "text": text}
            for field in TEXT_FIELDS
            for lang, text in getattr(model, field).items()
        ],
        EntryCategory: [
            {"entry_id": entry_id, "category": c, "position": i}
            for i, c in enumerate(model.categories)
        ],
        EntryRegion: [
            {"entry_id": entry_id, "region": r, "position": i} for i, r in enumerate(model.regions)
        ],
        EntryLanguage: [
            {"entry_id": entry_id, "lang": lang, "position": i}
            for i, lang in enumerate(model.languages)
        ],
        Contact: [
            {"entry_id": entry_id, "position": i, "type": c.type, "value": c.value}
            for i, c in enumerate(model.contacts)
        ],
        Listing: _listings(model),
    }


def to_row(model: EntryModel) -> Entry:
    values = row_values(model)
    (entry,) = values[Entry]
    children = {
        name: [table(**row) for row in values[table]] for name, table in CHILD_TABLES.items()
    }
    return Entry(**entry, **children)


async def all_entries(session: AsyncSession) -> list[EntryModel]:
    """Every entry, hidden ones too, by id: the same order each time, whatever order they
    were written in."""
    rows = await session.scalars(select(Entry).order_by(Entry.id))
    return [to_model(e) for e in rows]
