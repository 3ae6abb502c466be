"""The re-check queue and "still correct" in the core, on a real database.

Through the bot the same rules are driven in tests/test_volunteer_e2e.py; here each rule is
pinned with dates and counts set exactly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import DailyCount, Entry
from bot.desk import draft, proposals, recheck
from bot.directory import audit, queries
from tests import databases
from tests.directory_data import RECENT, STALE, TODAY, as_yaml, entry
from tests.harness import load_directory

Sessions = async_sessionmaker[AsyncSession]
RULES = recheck.Rules(TODAY, max_age_days=180, due_days=14, threshold=3)


@pytest.fixture
async def opened(tmp_path: Path) -> AsyncIterator[Any]:
    """A function that loads entries into a new database and gives its sessions."""
    engines = []

    async def load(entries: list[dict[str, Any]]) -> Sessions:
        url = databases.url_for(tmp_path, f"r{len(engines)}")
        await load_directory(url, as_yaml(entries))
        engine = database.make_engine(url)
        engines.append(engine)
        return database.make_sessionmaker(engine)

    yield load
    for engine in engines:
        await engine.dispose()


async def report(sessions: Sessions, entry_id: str, *per_day: tuple[int, int]) -> None:
    """(days ago, count) of "did not work" reports, as the counter's flush stores them."""
    async with sessions() as session, session.begin():
        for days_ago, count in per_day:
            day = TODAY - dt.timedelta(days=days_ago)
            session.add(DailyCount(day=day, metric="not_working", key=entry_id, count=count))


async def test_reported_entries_come_first_by_age_not_by_count(opened: Any) -> None:
    """The order among reported entries must not rank them by how many people reported them:
    a volunteer reading the queue twice could tell one more report from it."""
    sessions = await opened(
        [
            entry("rep-b-seven", verified_on=RECENT),
            entry("rep-a-three", verified_on=RECENT),
            entry("rep-older-three", verified_on=TODAY - dt.timedelta(days=100)),
            entry("stale-unreported", verified_on=STALE),
            entry("fresh-two-reports", verified_on=RECENT),
        ]
    )
    await report(sessions, "rep-b-seven", (1, 4), (9, 3))
    await report(sessions, "rep-a-three", (2, 3))
    await report(sessions, "rep-older-three", (1, 1), (29, 2))
    await report(sessions, "fresh-two-reports", (1, 2))
    await report(sessions, "stale-unreported", (31, 9))  # before the 30 days: not counted
    async with sessions() as session:
        queue = await recheck.queue(session, RULES)
    assert [d.entry_id for d in queue] == [
        "rep-older-three",
        "rep-a-three",
        "rep-b-seven",
        "stale-unreported",
    ]
    assert [d.reported for d in queue] == [True, True, True, False]


ANNA, BORA = 650001, 650002


async def still_correct(
    sessions: Sessions, entry_id: str, who: int, rules: recheck.Rules = RULES, second: bool = True
) -> recheck.Checked:
    async with sessions() as session, session.begin():
        return await recheck.mark_checked(session, entry_id, who, rules, second_review=second)


async def approve(sessions: Sessions, proposal_id: int, reviewer: int) -> proposals.Outcome:
    async with sessions() as session:
        outcome = await proposals.approve(session, proposal_id, reviewer, second_review=True)
        if outcome is proposals.Outcome.APPLIED:
            await session.commit()
        return outcome


async def checked_on(sessions: Sessions, entry_id: str) -> dt.date | None:
    async with sessions() as session:
        row = await session.get(Entry, entry_id)
        return row.verified_on if row is not None else None


async def trail(sessions: Sessions, entry_id: str) -> list[tuple[str, str, str, str, str]]:
    async with sessions() as session:
        records = await audit.history(session, entry_id)
    return [(r.action, r.old, r.new, r.actor, r.approved_by) for r in records[1:]]


async def test_a_hidden_entry_comes_back_only_through_a_second_review(opened: Any) -> None:
    sessions = await opened([entry("stale", verified_on=STALE), entry("fresh")])
    done = await still_correct(sessions, "stale", ANNA)
    assert done.outcome is recheck.Outcome.PROPOSED
    assert await checked_on(sessions, "stale") == STALE
    assert await trail(sessions, "stale") == []
    made = done.proposal
    assert made is not None and (made.kind, made.state, made.author) == ("recheck", "open", ANNA)
    changed = [line for line in draft.diff(made.base, made.proposed) if line[0] in "+-"]
    assert changed == [f"-verified_on: {STALE.isoformat()}", f"+verified_on: {TODAY.isoformat()}"]

    again = await still_correct(sessions, "stale", BORA)  # another volunteer, the same check
    assert again.outcome is recheck.Outcome.WAITING
    assert again.proposal is not None and again.proposal.id == made.id

    assert await approve(sessions, made.id, ANNA) is proposals.Outcome.OWN
    assert await checked_on(sessions, "stale") == STALE
    assert await approve(sessions, made.id, BORA) is proposals.Outcome.APPLIED
    assert await checked_on(sessions, "stale") == TODAY
    assert await trail(sessions, "stale") == [
        ("rechecked", STALE.isoformat(), TODAY.isoformat(), str(ANNA), str(BORA))
    ]


async def test_a_visible_entry_is_checked_at_once(opened: Any) -> None:
    sessions = await opened([entry("fresh", verified_on=RECENT)])
    done = await still_correct(sessions, "fresh", ANNA)
    assert (done.outcome, done.proposal) == (recheck.Outcome.CHECKED, None)
    assert await checked_on(sessions, "fresh") == TODAY
    assert await trail(sessions, "fresh") == [
        ("rechecked", RECENT.isoformat(), TODAY.isoformat(), str(ANNA), "")
    ]


async def test_without_a_second_review_a_hidden_entry_is_checked_at_once(opened: Any) -> None:
    sessions = await opened([entry("stale", verified_on=STALE)])
    done = await still_correct(sessions, "stale", ANNA, second=False)
    assert done.outcome is recheck.Outcome.CHECKED
    assert await checked_on(sessions, "stale") == TODAY


async def test_visibility_is_judged_on_the_day_of_the_tap(opened: Any) -> None:
    last_day = TODAY - dt.timedelta(days=180)
    sessions = await opened(
        [entry("edge", verified_on=last_day), entry("edge-2", verified_on=last_day)]
    )
    assert (await still_correct(sessions, "edge", ANNA)).outcome is recheck.Outcome.CHECKED
    tomorrow = recheck.Rules(TODAY + dt.timedelta(days=1), 180, 14, 3)
    assert not tomorrow.stale(TODAY)
    late = await still_correct(sessions, "edge-2", ANNA, tomorrow)
    assert late.outcome is recheck.Outcome.PROPOSED
    assert await checked_on(sessions, "edge-2") == last_day


async def test_a_retired_or_missing_entry_is_not_rechecked(opened: Any) -> None:
    sessions = await opened([entry("gone", status="archived", verified_on=STALE)])
    for entry_id in ("gone", "missing"):
        done = await still_correct(sessions, entry_id, ANNA)
        assert done.outcome is recheck.Outcome.NOT_VERIFIED


def never_checked(entry_id: str) -> dict[str, Any]:
    """An entry as one read from another organisation's directory comes in: a draft, never
    checked by anyone here (bot.desk.imports)."""
    data = entry(entry_id, status="draft")
    del data["verified_on"]
    return data


async def test_a_draft_in_the_directory_is_shown_only_after_a_check_and_a_second_review(
    opened: Any,
) -> None:
    """A service read from another directory lands as a draft: the queue offers it for a
    first check, and "still correct" then publishes it through another volunteer's review."""
    sessions = await opened([never_checked("imported"), entry("fresh", verified_on=RECENT)])
    async with sessions() as session:
        assert [d.entry_id for d in await recheck.queue(session, RULES)] == ["imported"]
        assert (
            await queries.visible_entry(session, "imported", today=TODAY, max_age_days=180) is None
        )

    done = await still_correct(sessions, "imported", ANNA)
    assert done.outcome is recheck.Outcome.PROPOSED
    made = done.proposal
    assert made is not None and (made.kind, made.state, made.author) == ("recheck", "open", ANNA)
    changed = [line for line in draft.diff(made.base, made.proposed) if line[0] in "+-"]
    assert changed == ["-status: draft", "+status: verified", f"+verified_on: {TODAY.isoformat()}"]

    assert await approve(sessions, made.id, ANNA) is proposals.Outcome.OWN
    assert await approve(sessions, made.id, BORA) is proposals.Outcome.APPLIED
    async with sessions() as session:
        shown = await queries.visible_entry(session, "imported", today=TODAY, max_age_days=180)
        assert shown is not None and shown.verified_on == TODAY
        assert await recheck.queue(session, RULES) == []


async def test_without_a_second_review_a_draft_is_published_at_once(opened: Any) -> None:
    sessions = await opened([never_checked("imported")])
    done = await still_correct(sessions, "imported", ANNA, second=False)
    assert done.outcome is recheck.Outcome.CHECKED
    async with sessions() as session:
        shown = await queries.visible_entry(session, "imported", today=TODAY, max_age_days=180)
    assert shown is not None and shown.verified_on == TODAY
    assert [action for action, *_ in await trail(sessions, "imported")] == ["rechecked"] * 2


async def test_a_recheck_over_a_changed_entry_is_refused(opened: Any) -> None:
    """The reviewer approves what the author saw; a change since then is a conflict."""
    sessions = await opened([entry("stale", verified_on=STALE)])
    done = await still_correct(sessions, "stale", ANNA)
    assert done.proposal is not None
    async with sessions() as session, session.begin():
        change = await proposals.start_change(session, BORA, "stale", TODAY)
        assert change is not None
        proposals.save(change, draft.set_text(draft.load(change.proposed), "name", "en", "New"))
        await proposals.submit(session, BORA, change.batch)
    assert await approve(sessions, change.id, ANNA) is proposals.Outcome.APPLIED
    assert await approve(sessions, done.proposal.id, BORA) is proposals.Outcome.CONFLICT
