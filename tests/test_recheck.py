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

from bot import database, recheck
from bot.models import DailyCount
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
