"""Importing over a directory: what is added, updated, removed and left alone, and the audit
trail it writes, in the core and on a real database (the CLI's `directory import`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import AuditRecord
from bot.directory import file_format, queries, replace
from bot.directory.file_format import entry_yaml
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry, standard_entries
from tests.harness import load_directory

Sessions = async_sessionmaker[AsyncSession]
NOTE = "Ask the coordinator; checked by phone (staff-only-note-7731)"


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml(standard_entries()))
    engine = database.make_engine(url)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


def changed(entries: list[dict[str, Any]], entry_id: str, **fields: Any) -> list[dict[str, Any]]:
    return [{**e, **fields} if e["id"] == entry_id else e for e in entries]


async def import_file(sessions: Sessions, entries: list[dict[str, Any]]) -> replace.ImportPlan:
    parsed = file_format.parse(as_yaml(entries))
    async with sessions() as session:
        dry_run = replace.plan_import(await queries.all_entries(session), parsed)
    async with sessions() as session, session.begin():
        plan = await replace.replace_all(session, parsed)
    assert plan == dry_run  # the dry run says exactly what the import then does
    return plan


async def trail(sessions: Sessions) -> list[tuple[str, str, str, str, str]]:
    async with sessions() as session:
        rows = await session.scalars(select(AuditRecord).order_by(AuditRecord.id))
        return [(r.actor, r.action, r.entry_id, r.old, r.new) for r in rows]


async def fields_of(sessions: Sessions, entry_id: str) -> list[tuple[str, str, str, str]]:
    """The updates recorded for an entry, field by field: (field, language, old, new)."""
    async with sessions() as session:
        query = (
            select(AuditRecord)
            .where(AuditRecord.entry_id == entry_id, AuditRecord.action == "updated")
            .order_by(AuditRecord.id)
        )
        return [(r.field, r.lang, r.old, r.new) for r in await session.scalars(query)]


async def note_of(sessions: Sessions, entry_id: str) -> str | None:
    async with sessions() as session:
        found = {e.id: e for e in await queries.all_entries(session)}
        return found[entry_id].internal_note


async def test_an_import_changes_only_what_differs_and_records_each_change(
    sessions: Sessions,
) -> None:
    before = await trail(sessions)
    entries = [e for e in standard_entries() if e["id"] != "cn-shelter-zh"]
    entries = changed(entries, "cn-shelter-ko", name={"en": "Renamed Shelter"})
    entries = [e for e in entries if e["id"] != "cn-shelter-all"] + [
        {k: v for k, v in e.items() if k != "internal_note"}  # says nothing of its note
        for e in entries
        if e["id"] == "cn-shelter-all"
    ]
    entries = changed(entries, "kr-settlement", internal_note="")  # had none: no change
    entries.append(entry("new-clinic", name={"en": "New Clinic"}))

    plan = await import_file(sessions, entries)

    assert plan.added == ["new-clinic"]
    assert plan.updated == ["cn-shelter-ko"]
    assert plan.removed == ["cn-shelter-zh"]
    assert plan.unchanged == len(standard_entries()) - 2
    records = (await trail(sessions))[len(before) :]
    assert [(actor, action, entry_id) for actor, action, entry_id, _, _ in records] == [
        ("cli", "added", "new-clinic"),
        ("cli", "updated", "cn-shelter-ko"),
        ("cli", "updated", "cn-shelter-ko"),
        ("cli", "removed", "cn-shelter-zh"),
    ]
    added, *_, removed = records
    assert added[3] == "" and "id: new-clinic" in added[4] and "New Clinic" in added[4]
    # An update is recorded as the desk records one: each field and language that changed.
    assert await fields_of(sessions, "cn-shelter-ko") == [
        ("name", "en", "Bravo Shelter", "Renamed Shelter"),
        ("name", "ko", "나 쉼터", ""),
    ]
    assert "id: cn-shelter-zh" in removed[3] and removed[4] == ""
    async with sessions() as session:  # added and removed whole, and approved by no one
        whole = await session.execute(
            select(AuditRecord.field, AuditRecord.lang, AuditRecord.approved_by).where(
                AuditRecord.action.in_(("added", "removed"))
            )
        )
        assert {tuple(row) for row in whole} == {("", "", "")}
    assert await note_of(sessions, "cn-shelter-all") == NOTE  # kept, though the file omits it

    async with sessions() as session:
        seen = {
            e.id
            for e in (
                await queries.list_for_need(
                    session,
                    need="shelter",
                    place="CN",
                    lang="en",
                    page=0,
                    today=TODAY,
                    max_age_days=180,
                )
            ).entries
        }
        renamed = await queries.visible_entry(
            session, "cn-shelter-ko", today=TODAY, max_age_days=180
        )
    assert {"new-clinic", "cn-shelter-ko"} <= seen and "cn-shelter-zh" not in seen
    assert renamed is not None and renamed.name == {"en": "Renamed Shelter"}

    again = await import_file(sessions, entries)  # the same file once more: nothing to do
    assert (again.added, again.updated, again.removed) == ([], [], [])
    assert again.unchanged == len(entries)
    assert len(await trail(sessions)) == len(before) + 4  # nothing more the second time


async def test_an_empty_note_in_the_file_clears_the_note(sessions: Sessions) -> None:
    entries = changed(standard_entries(), "cn-shelter-all", internal_note="")
    plan = await import_file(sessions, entries)
    assert plan.updated == ["cn-shelter-all"] and plan.added == plan.removed == []
    assert not await note_of(sessions, "cn-shelter-all")
    (record,) = (await trail(sessions))[-1:]
    assert record[1:3] == ("updated", "cn-shelter-all")
    assert await fields_of(sessions, "cn-shelter-all") == [("internal_note", "", NOTE, "")]


async def test_an_import_goes_in_batches_and_leaves_exactly_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """10,000 entries are deleted and inserted a batch of rows at a time (one statement each).
    With batches of two, five stale entries take three deletions; each row lands once, and the
    directory is then exactly the file."""
    monkeypatch.setattr(replace, "_BATCH", 2)
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml(standard_entries()))
    engine = database.make_engine(url)
    statements: list[str] = []

    def said(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()).upper())

    event.listen(engine.sync_engine, "before_cursor_execute", said)
    old = standard_entries()
    removed, renamed = [e["id"] for e in old[:3]], [e["id"] for e in old[3:5]]
    entries = [e for e in old if e["id"] not in removed]
    for entry_id in renamed:
        entries = changed(entries, entry_id, name={"en": f"Renamed {entry_id}"})
    entries += [entry(f"new-{n}", name={"en": f"New {n}"}) for n in range(3)]
    try:
        plan = await import_file(database.make_sessionmaker(engine), entries)
        async with database.make_sessionmaker(engine)() as session:
            stored = {e.id: entry_yaml(e) for e in await queries.all_entries(session)}
        postgres = engine.dialect.name == "postgresql"
    finally:
        await engine.dispose()

    assert (plan.removed, plan.updated) == (sorted(removed), sorted(renamed))
    wanted = replace.keep_notes([], file_format.parse(as_yaml(entries)))
    assert stored == {e.id: entry_yaml(e) for e in wanted.entries}
    deletions = [s for s in statements if s.startswith("DELETE FROM ENTRIES")]
    assert len(deletions) == 3  # 2 + 2 + 1 of the five stale entries
    if not postgres:  # PostgreSQL takes the rows in one COPY per table instead
        inserts = [s for s in statements if s.startswith("INSERT INTO ENTRIES ")]
        assert len(inserts) == 3  # 2 + 2 + 1 of the five new and renamed entries
