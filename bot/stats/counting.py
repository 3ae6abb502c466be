"""Usage counts: aggregated in memory, written to the database only in mixed batches.

Only aggregates exist (docs/STATISTICS.md): per UTC day, one number per metric and key, and
need x place per day in memory, per ISO week in the database. Unique users are counted through
HMAC(daily key, user id) in a set held in memory; the key is random, never written anywhere,
and replaced at midnight UTC, so no two days can be linked. Counting is a dictionary increment,
so it never slows an answer.

A write is itself a trace: every row one transaction touches carries that transaction's id
(PostgreSQL's `xmin`, visible to a plain SELECT), and SQLite leaves its own in page order. At
night, one flush can be one woman's path. So a batch is written only once it mixes the counts
of at least `min_users` different people (counted through the same keyed hashes), or when its
day is over, or at shutdown, where what is held is written whatever its size.
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
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import utc_now
from bot.db import database
from bot.db.models import DailyCount, WeeklyNeedPlace
from bot.menus.callback import Nav, Screen

DayKey = tuple[dt.date, str, str]  # day, metric, key
NeedPlaceKey = tuple[dt.date, str, str]  # day, need, place: stored by ISO week


def iso_week(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Batch:
    """Counts not yet written, and the keyed hashes of the people they came from (for the
    day `key_day`): how many different people a write would mix."""

    daily: Counter[DayKey] = field(default_factory=Counter)
    need_place: Counter[NeedPlaceKey] = field(default_factory=Counter)
    people: set[bytes] = field(default_factory=set)
    key_day: dt.date | None = None

    def __bool__(self) -> bool:
        return bool(self.daily or self.need_place)

    def merge(self, other: Batch) -> None:
        self.daily.update(other.daily)
        self.need_place.update(other.need_place)
        if other.key_day == self.key_day:  # hashes of another day's key cannot be compared
            self.people |= other.people

    def split(self, before: dt.date) -> Batch:
        """Take out the counts of days before `before`, whose day is over."""
        old = Batch()
        for key in [k for k in self.daily if k[0] < before]:
            old.daily[key] = self.daily.pop(key)
        for key in [k for k in self.need_place if k[0] < before]:
            old.need_place[key] = self.need_place.pop(key)
        return old


class UsageCounter:
    """The counts since the last write, and today's unique-user set. Memory only.

    Every count names who caused it (`by`, a user id, or None for the bot's own timers), so
    that a write can wait until it mixes enough people; the id itself is only hashed."""

    _key_day: dt.date  # the day of the key: counting on a later day draws a new one
    _key: bytes
    _seen: set[bytes]

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now, *, min_users: int) -> None:
        self._clock = clock
        self.min_users = min_users  # STATS_MIN_COUNT: its default is the settings' alone
        self._batch = Batch()
        self.rotate_key()

    def today(self) -> dt.date:
        return self._clock().date()

    def add(self, metric: str, key: str = "", *, by: int | None) -> None:
        self._by(by)
        self._batch.daily[(self.today(), metric, key)] += 1

    def add_need_in_place(self, need: str, place: str, *, by: int | None) -> None:
        self._by(by)
        today = self.today()
        self._batch.daily[(today, "need", need)] += 1
        self._batch.need_place[(today, need, place)] += 1

    def see_user(self, user_id: int) -> None:
        """Count `user_id` once per day, remembering only a keyed hash of it until midnight."""
        if self._first_today(str(user_id)):
            self.add("unique_users", by=user_id)

    def add_once(self, user_id: int, metric: str, key: str) -> None:
        """Count at most once per user and day (a report that a contact did not work: one
        person tapping ten times is one report)."""
        if self._first_today(f"{metric}\x00{key}\x00{user_id}"):
            self.add(metric, key, by=user_id)

    def _hash(self, text: str) -> bytes:
        if self._key_day != self.today():
            self.rotate_key()
        return hmac.new(self._key, text.encode(), hashlib.sha256).digest()

    def _by(self, user_id: int | None) -> None:
        if user_id is not None:
            # Hashed first: the day's first hash starts a new day's key and a new set of people.
            person = self._hash(f"person\x00{user_id}")
            self._batch.people.add(person)

    def _first_today(self, text: str) -> bool:
        digest = self._hash(text)
        if digest in self._seen:
            return False
        self._seen.add(digest)
        return True

    def rotate_key(self) -> None:
        """A new random key and empty sets: yesterday's hashes cannot be matched any more.
        What yesterday's people left in the batch is over with their day, and goes at the
        next write whatever its size."""
        self._key_day = self.today()
        self._key = secrets.token_bytes(32)
        self._seen = set()
        self._batch.people = set()
        self._batch.key_day = self._key_day

    def count_choice(self, nav: Nav, *, by: int | None) -> None:
        """Count what a tap chose: a place, a need (with its place), a language. Navigation
        back and forth (Back, Home, pages) is not a choice."""
        if nav.screen is Screen.SET_LANGUAGE:
            self.add("language", nav.lang, by=by)
        elif nav.screen is Screen.NEEDS and nav.origin is Screen.PLACES and nav.place:
            self.add("place", nav.place, by=by)
        elif nav.screen is Screen.LIST and nav.origin is Screen.NEEDS and nav.need and nav.place:
            self.add_need_in_place(nav.need, nav.place, by=by)

    def people(self) -> int:
        """How many different people the counts held now came from (today's)."""
        return len(self._batch.people)

    def take(self, *, everything: bool = False) -> Batch:
        """What may be written now: everything once it mixes `min_users` people (or when
        asked, at shutdown); else only the days that are over; else nothing."""
        if everything or len(self._batch.people) >= self.min_users:
            batch, self._batch = self._batch, Batch(key_day=self._key_day)
            return batch
        return self._batch.split(before=self.today())

    def put_back(self, batch: Batch) -> None:
        """A write failed: keep its counts for the next one."""
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
    insert = database.insert_for(session)
    for chunk in _chunks(rows):
        stmt = insert(table).values(chunk)
        await session.execute(
            stmt.on_conflict_do_update(
                index_elements=keys, set_={"count": table.count + stmt.excluded.count}
            )
        )


async def flush(
    counter: UsageCounter,
    sessions: async_sessionmaker[AsyncSession],
    *,
    everything: bool = False,
) -> int:
    """Write what may be written now (see `UsageCounter.take`); returns how many rows it
    touched, 0 when it waits for more people."""
    batch = counter.take(everything=everything)
    if not batch:
        return 0
    daily = [
        {"day": d, "metric": m, "key": k, "count": n}
        for (d, m, k), n in sorted(batch.daily.items())
    ]
    weekly_counts: Counter[tuple[str, str, str]] = Counter()
    for (day, need, place), n in batch.need_place.items():
        weekly_counts[(iso_week(day), need, place)] += n
    weekly = [
        {"week": w, "need": n, "place": p, "count": c}
        for (w, n, p), c in sorted(weekly_counts.items())
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
    return len(daily) + len(weekly)


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
