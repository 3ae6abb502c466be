"""What statistics must never give away, through the real bot: a moving count of today, an
entry opened by only a few, or a write that holds one woman's path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

from bot.db import database
from bot.db.models import DailyCount, WeeklyNeedPlace
from bot.menus.callback import Screen, decode
from bot.stats import counting
from tests.harness import Harness, Person, standard_directory
from tests.menu_paths import open_need

ADMIN = 434343
REAL_TODAY = dt.datetime.now(dt.UTC).date()
# A week that is over, whatever the hour: the one before last.
WEEK_START = REAL_TODAY - dt.timedelta(days=REAL_TODAY.weekday() + 14)
WEDNESDAY_NOON = dt.datetime.combine(WEEK_START + dt.timedelta(days=2), dt.time(12), dt.UTC)


def at(harness: Harness, counted: dt.datetime, viewing: dt.datetime | None = None) -> list[Any]:
    """Count as if it were `counted`, and show statistics as if it were `viewing`. Returns
    the counting clock, which the test may move."""
    assert harness.app is not None
    core = harness.core
    clock = [counted]
    counter = counting.UsageCounter(clock=lambda: clock[0], min_users=10)
    core.counter = counter
    seen = viewing or counted
    core.today = lambda: seen.date()
    core.now = lambda: seen
    return clock


def button(her: Person, test: Any) -> str:
    return next(d for row in her.screen.buttons() for _, d in row if test(decode(d)))


async def journey(her: Person, place: str, need: str, *, card: str | None = None) -> None:
    await her.send("/start")
    await her.press(button(her, lambda n: n.screen is Screen.NEEDS and n.place == place))
    await open_need(her, need)
    if card is not None:
        await her.press(button(her, lambda n: n.screen is Screen.CARD and n.entry == card))


async def stored(harness: Harness) -> int:
    """Everything counted so far in the database (an upsert adds to rows already there)."""
    assert harness.app is not None
    async with harness.core.sessions() as session:
        daily = await session.scalar(select(func.sum(DailyCount.count)))
        weekly = await session.scalar(select(func.sum(WeeklyNeedPlace.count)))
    return int(daily or 0) + int(weekly or 0)


async def flush_job(harness: Harness) -> None:
    """What the bot's minute job does."""
    assert harness.app is not None
    core = harness.core
    await counting.flush(core.counter, core.sessions)


def admin_text(harness: Harness) -> str:
    return next(m.text for m in harness.fake.api.messages[ADMIN].values() if m.photo is None)


async def test_a_write_waits_until_it_mixes_ten_people(tmp_path: Path) -> None:
    """Fewer than STATS_MIN_COUNT people: nothing is written by the minute job; the tenth
    person's counts release the batch; then the day's end, then shutdown, write the rest."""
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        clock = at(harness, WEDNESDAY_NOON)
        for _ in range(9):
            await journey(harness.person("ko"), "CN", "shelter")
            await flush_job(harness)
        assert await stored(harness) == 0, "written before ten people were mixed"
        await journey(harness.person("zh"), "KR", "health")
        await flush_job(harness)
        written = await stored(harness)
        assert written > 0
        await journey(harness.person("en"), "TRANSIT", "legal")  # one person: held back
        await flush_job(harness)
        assert await stored(harness) == written
        clock[0] += dt.timedelta(hours=12, minutes=1)  # past midnight: the day is over
        await flush_job(harness)
        after_midnight = await stored(harness)
        assert after_midnight > written
        await journey(harness.person("en"), "OTHER", "community")  # the new day
        await flush_job(harness)
        assert await stored(harness) == after_midnight
    # Stopped: shutdown wrote whatever was held.
    engine = database.make_engine(harness.db_url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            places = dict(
                (
                    await session.execute(
                        select(DailyCount.key, func.sum(DailyCount.count))
                        .where(DailyCount.metric == "place")
                        .group_by(DailyCount.key)
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    assert places == {"CN": 9, "KR": 1, "TRANSIT": 1, "OTHER": 1}


async def test_viewing_statistics_writes_nothing_and_shows_nothing_moving(tmp_path: Path) -> None:
    """An admin who looks twice, a few minutes apart, sees the same: no view holds today or
    this week, and building one never writes the counts held in memory."""
    async with Harness(tmp_path, admin_ids=(ADMIN,), directory=standard_directory()) as harness:
        clock = at(harness, WEDNESDAY_NOON)
        this_week = WEDNESDAY_NOON + dt.timedelta(days=7)
        core = harness.core if harness.app else None
        for _ in range(12):  # last week
            await journey(harness.person("ko"), "CN", "shelter")
        await flush_job(harness)
        clock[0] = this_week
        core.today, core.now = (lambda: this_week.date()), (lambda: this_week)
        for _ in range(12):  # this week, so far
            await journey(harness.person("zh"), "CN", "health")
        await flush_job(harness)
        admin = harness.person("en", user_id=ADMIN)
        await admin.send("/stats")
        first = admin_text(harness)
        before = await stored(harness)
        await journey(harness.person("zh"), "CN", "health")  # one more, held in memory
        harness.fake.api.messages[ADMIN].clear()
        await admin.send("/stats")
        assert await stored(harness) == before, "viewing statistics wrote counts"
        assert admin_text(harness) == first
    assert "<b>12</b>" in first  # last week's shelter choices are there
    assert "Health" not in first.split("Need and place")[-1]  # this week's are not


async def test_lists_name_only_entries_whose_count_is_shown(tmp_path: Path) -> None:
    """Three people opened a contact: listing it, even as "<10", would say someone did."""
    async with Harness(tmp_path, admin_ids=(ADMIN,), directory=standard_directory()) as harness:
        at(harness, WEDNESDAY_NOON, viewing=WEDNESDAY_NOON + dt.timedelta(days=5))
        for card in ("cn-shelter-ko", "cn-shelter-zh"):
            for _ in range(12):
                await journey(harness.person("en"), "CN", "shelter", card=card)
        for _ in range(3):
            await journey(harness.person("en"), "CN", "shelter", card="cn-shelter-all")
        await flush_job(harness)
        await harness.person("en", user_id=ADMIN).send("/stats")
        shown = admin_text(harness)
    assert "cn-shelter-all" not in shown  # opened by three
    # One of the two twelves may be hidden too, or the three would be a subtraction away.
    assert "cn-shelter-ko: <b>12</b>" in shown or "cn-shelter-zh: <b>12</b>" in shown


async def test_sqlite_overwrites_what_it_deletes(tmp_path: Path) -> None:
    engine = database.make_engine(f"sqlite+aiosqlite:///{tmp_path / 'secure.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.execute(text("PRAGMA secure_delete"))).scalar() == 1
    finally:
        await engine.dispose()
