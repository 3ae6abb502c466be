"""Replacing the directory from a file: what it would change, and the change itself, in the
caller's transaction, with its audit records: an added or removed entry's whole text, and an
updated entry's changes field by field and language by language, as the desk records them.

Written as a few set-based statements (one delete, then one insert per table in batches)
rather than through the session's unit of work, which costs a round of bookkeeping per row:
10,000 entries are about 250,000 rows (docs/PERFORMANCE.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.clock import utc_now
from bot.db.models import AuditRecord, Base, Entry
from bot.directory import audit
from bot.directory.field_changes import changes
from bot.directory.file_format import entry_yaml
from bot.directory.queries import CHILD_TABLES, all_entries, row_values
from bot.directory.schema import DirectoryFile, EntryModel


@dataclass(frozen=True)
class ImportPlan:
    added: list[str]
    updated: list[str]
    removed: list[str]
    unchanged: int


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
    data = entry.model_dump()
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
    await _insert(session, AuditRecord, _audit_rows(current, incoming, plan, actor))
    stale_ids = [*plan.removed, *plan.updated]
    for start in range(0, len(stale_ids), _BATCH):
        # Relationship rows go with their entry (ON DELETE CASCADE).
        await session.execute(delete(Entry).where(Entry.id.in_(stale_ids[start : start + _BATCH])))
    wanted = set(plan.added) | set(plan.updated)
    tables: dict[type[Base], list[dict[str, Any]]] = {Entry: []}
    tables |= {table: [] for table in CHILD_TABLES.values()}
    for entry in incoming.entries:
        if entry.id in wanted:
            for table, rows in row_values(entry).items():
                tables[table].extend(rows)
    for model, rows in tables.items():  # entries first: the others refer to them
        await _insert(session, model, rows)
    session.expunge_all()  # rows the session may hold from before are stale now
    return plan


def _audit_rows(
    current: list[EntryModel], incoming: DirectoryFile, plan: ImportPlan, actor: str
) -> list[dict[str, Any]]:
    """An added entry's text as the file has it, and a removed one's; for an updated entry,
    what changed, field by field. The history then shows the value that changed, as it does for
    a change made at the desk; and an import that touches every entry writes no text twice
    (each entry's text before and after was most of the time an update of 10,000 entries took,
    docs/PERFORMANCE.md)."""
    before = {e.id: e for e in current}
    after = {e.id: e for e in incoming.entries}
    now = utc_now()

    def row(action: str, entry_id: str, **change: str) -> dict[str, Any]:
        return audit.values(actor=actor, entry_id=entry_id, action=action, at=now, **change)

    rows = [row("added", i, new=entry_yaml(after[i])) for i in plan.added]
    for entry_id in plan.updated:
        for field, lang, old, new in changes(before[entry_id], after[entry_id]):
            rows.append(row("updated", entry_id, field=field, lang=lang, old=old, new=new))
    rows += [row("removed", i, old=entry_yaml(before[i])) for i in plan.removed]
    return rows


# Rows per INSERT: well under the bound parameters SQLite (32,766) and PostgreSQL (32,767)
# take in one statement, for the widest table.
_BATCH = 2000


async def _insert(session: AsyncSession, model: type[Base], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        await _copy(connection, model, rows)
        return
    for start in range(0, len(rows), _BATCH):
        await session.execute(insert(model), rows[start : start + _BATCH])


async def _copy(connection: AsyncConnection, model: type[Base], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's own bulk load (COPY), through asyncpg on the transaction's connection:
    several times faster than INSERT for the 250,000 rows of 10,000 entries. The rows are
    column values as the table holds them (no type of ours converts on the way in), so they
    go as they are."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None and driver.is_in_transaction(), "COPY outside the transaction"
    columns = list(rows[0])
    await driver.copy_records_to_table(
        model.__tablename__,
        columns=columns,
        records=[tuple(row[column] for column in columns) for row in rows],
    )
