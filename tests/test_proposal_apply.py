"""What an approved proposal does to the directory and to its audit trail, on a real database:
the reviewer and the time are kept, each changed field is recorded with its old and new text,
a re-check made meanwhile is not undone, and a retirement or a new entry is named as such.

tests/test_staff_core.py pins whose proposals go with whom; tests/test_volunteer_e2e.py drives
the same steps through the bot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import Proposal
from bot.desk import proposals
from bot.directory import audit, field_changes, file_format, queries
from bot.directory.schema import EntryModel
from tests import databases
from tests.directory_data import RECENT, TODAY, as_yaml, entry
from tests.harness import load_directory

Sessions = async_sessionmaker[AsyncSession]
ANNA, BORA = 5_000_201, 5_000_202


def model(entry_id: str, **fields: Any) -> EntryModel:
    return file_format.parse(as_yaml([entry(entry_id, **fields)])).entries[0]


def starting_entries() -> list[dict[str, Any]]:
    return [
        entry("cn-shelter"),
        entry("kr-clinic", regions=["KR"]),
        entry("cn-draft", status="draft", verified_on=None),
        entry("cn-archived", status="archived"),
    ]


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml(starting_entries()))
    engine = database.make_engine(url)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def upload(sessions: Sessions, entries: list[dict[str, Any]]) -> list[Proposal]:
    """Anna's file, sent for review at once."""
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(entries)))
        sent = await proposals.submit(session, ANNA, made.proposals[0].batch)
        assert all(isinstance(p, Proposal) for p in sent)
        return made.proposals


async def approve(sessions: Sessions, proposal_id: int) -> proposals.Outcome:
    async with sessions() as session, session.begin():
        return await proposals.approve(session, proposal_id, BORA, second_review=True)


async def trail(sessions: Sessions, entry_id: str) -> list[tuple[str, str, str, str, str, str]]:
    """The records of Anna's changes: (action, field, lang, old, new, approved by)."""
    async with sessions() as session:
        records = await audit.history(session, entry_id)
    return [
        (r.action, r.field, r.lang, r.old, r.new, r.approved_by)
        for r in records
        if r.actor == str(ANNA)
    ]


async def stored(sessions: Sessions, entry_id: str) -> EntryModel | None:
    async with sessions() as session:
        found = await proposals.current(session, entry_id)
        return None if found is None else queries.to_model(found)


def test_a_new_entry_s_changes_are_every_field_it_has_from_nothing() -> None:
    after = model(
        "new-shelter",
        verified_on=dt.date(2026, 11, 1),
        categories=["shelter", "escape"],
        regions=["CN", "TRANSIT"],
        languages=["ko", "zh"],
        name={"ko": "새 쉼터", "en": "New Shelter"},
        hours={"en": "Weekdays"},
        contacts=[
            {"type": "email", "value": "help@example.org"},
            {"type": "phone", "value": "+82 2 0000 0000"},
        ],
        internal_note="Call first",
    )
    assert field_changes.changes(None, after) == [
        ("status", "", "", "verified"),
        ("verified_on", "", "", "2026-11-01"),
        ("categories", "", "", "shelter, escape"),
        ("regions", "", "", "CN, TRANSIT"),
        ("languages", "", "", "ko, zh"),
        ("name", "en", "", "New Shelter"),
        ("name", "ko", "", "새 쉼터"),
        ("hours", "en", "", "Weekdays"),
        ("contacts", "", "", "email: help@example.org\nphone: +82 2 0000 0000"),
        ("internal_note", "", "", "Call first"),
    ]


def test_a_change_lists_only_what_differs_a_language_added_or_removed_against_nothing() -> None:
    before = model(
        "cn-shelter",
        name={"en": "Old Name", "zh": "旧名"},
        internal_note="Same note",
    )
    after = model(
        "cn-shelter",
        categories=["shelter", "escape"],
        name={"en": "New Name", "ko": "새 이름"},
        contacts=[
            {"type": "email", "value": "cn-shelter@example.org"},
            {"type": "wechat", "value": "example_id"},
        ],
        internal_note="Same note",
    )
    assert field_changes.changes(before, after) == [
        ("categories", "", "shelter", "shelter, escape"),
        ("name", "en", "Old Name", "New Name"),
        ("name", "ko", "", "새 이름"),
        ("name", "zh", "旧名", ""),
        (
            "contacts",
            "",
            "email: cn-shelter@example.org",
            "email: cn-shelter@example.org\nwechat: example_id",
        ),
    ]
    changed_note = model("cn-shelter", name={"en": "Old Name", "zh": "旧名"}, internal_note="New")
    assert field_changes.changes(before, changed_note) == [
        ("internal_note", "", "Same note", "New")
    ]


async def test_an_approval_keeps_its_reviewer_and_time_and_records_each_change(
    sessions: Sessions,
) -> None:
    (sent,) = await upload(sessions, [entry("cn-shelter", name={"en": "Renamed Shelter"})])
    assert sent.kind == proposals.CHANGE
    assert await approve(sessions, sent.id) is proposals.Outcome.APPLIED
    async with sessions() as session:
        done = await proposals.get(session, sent.id)
    assert done is not None and (done.state, done.reviewer) == (proposals.APPROVED, BORA)
    assert done.reviewed_at is not None
    assert await trail(sessions, "cn-shelter") == [
        ("updated", "name", "en", "Name of cn-shelter", "Renamed Shelter", str(BORA))
    ]


async def test_a_re_check_made_after_the_proposal_is_not_undone_by_it(
    sessions: Sessions,
) -> None:
    older = RECENT - dt.timedelta(days=10)
    (sent,) = await upload(
        sessions, [entry("cn-shelter", verified_on=older, name={"en": "Renamed Shelter"})]
    )
    assert await approve(sessions, sent.id) is proposals.Outcome.APPLIED
    after = await stored(sessions, "cn-shelter")
    assert after is not None and after.name == {"en": "Renamed Shelter"}
    assert after.verified_on == RECENT  # the later check stands
    (sent,) = await upload(sessions, [entry("kr-clinic", regions=["KR"], verified_on=TODAY)])
    assert await approve(sessions, sent.id) is proposals.Outcome.APPLIED
    clinic = await stored(sessions, "kr-clinic")
    assert clinic is not None and clinic.verified_on == TODAY  # and so does a later one
    assert await trail(sessions, "kr-clinic") == [
        ("updated", "verified_on", "", RECENT.isoformat(), TODAY.isoformat(), str(BORA))
    ]


async def test_an_entry_that_was_never_checked_can_be_changed(sessions: Sessions) -> None:
    (sent,) = await upload(
        sessions,
        [entry("cn-draft", status="draft", verified_on=None, name={"en": "Still a draft"})],
    )
    assert await approve(sessions, sent.id) is proposals.Outcome.APPLIED
    after = await stored(sessions, "cn-draft")
    assert after is not None and after.name == {"en": "Still a draft"}
    assert after.verified_on is None


async def test_a_file_s_new_entry_is_added_and_its_archived_one_retired(
    sessions: Sessions,
) -> None:
    new, retired = await upload(
        sessions,
        [entry("kr-legal", regions=["KR"]), entry("kr-clinic", regions=["KR"], status="archived")],
    )
    assert (new.kind, new.base) == (proposals.NEW, "")  # nothing was there before
    assert retired.kind == proposals.RETIRE
    assert await approve(sessions, new.id) is proposals.Outcome.APPLIED
    assert await stored(sessions, "kr-legal") is not None
    assert [row[:2] for row in await trail(sessions, "kr-legal")][:2] == [
        ("added", "status"),
        ("added", "verified_on"),
    ]
    assert await approve(sessions, retired.id) is proposals.Outcome.APPLIED
    assert await trail(sessions, "kr-clinic") == [
        ("retired", "status", "", "verified", "archived", str(BORA))
    ]


async def test_retiring_is_one_draft_of_hers_and_never_of_a_retired_or_missing_entry(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        assert await proposals.start_retire(session, ANNA, "cn-archived") is None
        assert await proposals.start_retire(session, ANNA, "no-such-entry") is None
        change = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
        assert change is not None
        first = await proposals.start_retire(session, ANNA, "cn-shelter")
        assert first is not None and first.kind == proposals.RETIRE and first.id != change.id
        again = await proposals.start_retire(session, ANNA, "cn-shelter")
        assert again is not None and again.id == first.id
        others = await proposals.start_retire(session, BORA, "cn-shelter")
        assert others is not None and others.id != first.id and others.author == BORA
        # Her change begun before the retiring is still the one she takes up again, and
        # her retiring after another change is still the first.
        resumed = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
        assert resumed is not None and resumed.id == change.id
        retire_again = await proposals.start_retire(session, ANNA, "cn-shelter")
        assert retire_again is not None and retire_again.id == first.id
