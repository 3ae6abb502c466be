"""Usage counts: aggregated in memory, flushed to the database in batches.

Only aggregates exist (PRODUCT.md, rule 3): per UTC day, one number per metric and key, and
need x place per ISO week. Unique users are counted through HMAC(daily key, user id) in a set
held in memory; the key is random, never written anywhere, and replaced at midnight UTC, so
no two days can be linked. Counting is a dictionary increment, so it never slows an answer; a
flush (every minute and at shutdown) adds the batch with atomic upserts, so that several
processes and restarts add up exactly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callback import Nav, Screen
from bot.clock import utc_now
from bot.models import DailyCount, WeeklyNeedPlace

DayKey = tuple[dt.date, str, str]  # day, metric, key
WeekKey = tuple[str, str, str]  # ISO week, need, place


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Batch:
    daily: Counter[DayKey] = field(default_factory=Counter)
    weekly: Counter[WeekKey] = field(default_factory=Counter)

    def __bool__(self) -> bool:
        return bool(self.daily or self.weekly)

    def merge(self, other: Batch) -> None:
        self.daily.update(other.daily)
        self.weekly.update(other.weekly)


class UsageCounter:
    """The counts since the last flush, and today's unique-user set. Memory only."""

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now) -> None:
        self._clock = clock
        self._batch = Batch()
        self._key_day: dt.date | None = None
        self._key = b""
        self._seen: set[bytes] = set()

    def today(self) -> dt.date:
        return self._clock().date()

    def add(self, metric: str, key: str = "") -> None:
        self._batch.daily[(self.today(), metric, key)] += 1

    def add_need_in_place(self, need: str, place: str) -> None:
        today = self.today()
        self._batch.daily[(today, "need", need)] += 1
        self._batch.weekly[(iso_week(today), need, place)] += 1

    def see_user(self, user_id: int) -> None:
        """Count `user_id` once per day, remembering only a keyed hash of it until midnight."""
        if self._first_today(str(user_id)):
            self._batch.daily[(self.today(), "unique_users", "")] += 1

    def add_once(self, user_id: int, metric: str, key: str) -> None:
        """Count at most once per user and day (a report that a contact did not work: one
        person tapping ten times is one report)."""
        if self._first_today(f"{metric}\x00{key}\x00{user_id}"):
            self.add(metric, key)

    def _first_today(self, text: str) -> bool:
        if self._key_day != self.today():
            self.rotate_key()
        digest = hmac.new(self._key, text.encode(), hashlib.sha256).digest()
        if digest in self._seen:
            return False
        self._seen.add(digest)
        return True

    def rotate_key(self) -> None:
        """A new random key and an empty set: yesterday's hashes cannot be matched any more."""
        self._key_day = self.today()
        self._key = secrets.token_bytes(32)
        self._seen = set()

    def count_choice(self, nav: Nav) -> None:
        """Count what a tap chose: a place, a need (with its place, weekly), a contact card,
        a language. Navigation back and forth (Back, Home, pages) is not a choice."""
        if nav.screen is Screen.SET_LANGUAGE:
            self.add("language", nav.lang)
        elif nav.screen is Screen.NEEDS and nav.origin is Screen.PLACES and nav.place:
            self.add("place", nav.place)
        elif nav.screen is Screen.LIST and nav.origin is Screen.NEEDS and nav.need and nav.place:
            self.add_need_in_place(nav.need, nav.place)

    def take(self) -> Batch:
        batch, self._batch = self._batch, Batch()
        return batch

    def put_back(self, batch: Batch) -> None:
        """A flush failed: keep its counts for the next one."""
        self._batch.merge(batch)


def _chunks(rows: list[dict[str, object]], size: int = 200) -> list[list[dict[str, object]]]:
    """Keep each statement under SQLite's limit on bound parameters."""
    return [rows[i : i + size] for i in range(0, len(rows), size)]


async def _add(
    session: AsyncSession,
    table: type[DailyCount] | type[WeeklyNeedPlace],
    rows: list[dict[str, object]],
    keys: list[str],
) -> None:
    """Insert the rows, or add their counts to the rows already there, in one statement per
    chunk: atomic on SQLite and PostgreSQL alike, so concurrent flushes add up."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    for chunk in _chunks(rows):
        stmt = insert(table).values(chunk)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=keys, set_={"count": table.count + stmt.excluded.count}
            )
        )


async def flush(counter: UsageCounter, sessions: async_sessionmaker[AsyncSession]) -> int:
    """Add the counts since the last flush to the database; returns how many rows it touched."""
    batch = counter.take()
    if not batch:
        return 0
    daily = [
        {"day": d, "metric": m, "key": k, "count": n}
        for (d, m, k), n in sorted(batch.daily.items())
    ]
    weekly = [
        {"week": w, "need": n, "place": p, "count": c}
        for (w, n, p), c in sorted(batch.weekly.items())
    ]
    committed = False
    try:
        async with sessions() as session:
            async with session.begin():
                await _add(session, DailyCount, daily, ["day", "metric", "key"])
                await _add(session, WeeklyNeedPlace, weekly, ["week", "need", "place"])
            committed = True
    except BaseException:
        if not committed:  # after a commit the counts are in: never add them twice
            counter.put_back(batch)
        raise
    return len(batch.daily) + len(batch.weekly)


async def delete_older_than(
    sessions: async_sessionmaker[AsyncSession], today: dt.date, retention_days: int
) -> None:
    """Retention: counts older than `retention_days` go, weekly ones by their week's end."""
    oldest = today - dt.timedelta(days=retention_days)
    async with sessions() as session, session.begin():
        await session.execute(delete(DailyCount).where(DailyCount.day < oldest))
        await session.execute(
            delete(WeeklyNeedPlace).where(WeeklyNeedPlace.week < iso_week(oldest))
        )
