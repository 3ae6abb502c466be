"""Publishing statistics: each week and month decided once, around what is already out.

A period is published once it is over (`bot/stats/periods.py`): its counts are read from the
daily totals, every count below the threshold is hidden, and more are hidden while any hidden
number could still be worked out (`bot/stats/suppression.py`). For a month, the relations a reader
knows include its weeks, already published and never changed: a month's count is the sum of
its weeks' counts, so a month is decided with its weeks' shown and hidden numbers held fixed.
The numbers and the decision are then stored together, in one transaction, and every view
reads them from there: two views of a period can never differ, and counts that arrive after
it was published change nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import DailyCount, PublishedCell, PublishedPeriod, WeeklyNeedPlace
from bot.stats.periods import Kind, Period, over_since, parse, week_of, weeks_of
from bot.stats.suppression import Equation, determined, suppress
from bot.taxonomy import ANSWER_BANDS, NEEDS, PLACES, USER_LANGUAGES

Name = tuple[str, ...]  # a number's name within its period: ("need_place", "shelter", "CN")
TOTALS = ("sessions", "unique_users", "erases")
GROUPS = (
    ("language", USER_LANGUAGES),
    ("place", PLACES),
    ("need", NEEDS),
    # Talk to a person (bot/relay/counts.py): conversations opened and answered, per language,
    # and the first answer's wait, in bands.
    ("relay_opened", USER_LANGUAGES),
    ("relay_answered", USER_LANGUAGES),
    ("relay_first_answer", ANSWER_BANDS),
)
# The groups read from the daily counts by metric and key; needs come from need x place.
_DAILY_GROUPS = frozenset(group for group, _ in GROUPS) - {"need"}
ENTRY_KINDS = ("opened", "reports")  # per entry: cards opened, "did not work" reports
_METRIC_OF_ENTRY_KIND = {"entry_opened": "opened", "not_working": "reports"}


@dataclass(frozen=True)
class Published:
    """A published period: every number it has, and whether it is shown."""

    period: Period
    min_count: int
    cells: dict[Name, tuple[int, bool]]  # name -> (count, hidden)

    def shown(self, name: Name) -> int | None:
        """The number, or None where it is hidden (or was never there, as for an entry
        nobody opened: a reader cannot tell those apart either)."""
        found = self.cells.get(name)
        return None if found is None or found[1] else found[0]


def _text(name: Name) -> str:
    return ":".join(name)


def _name(text: str) -> Name:
    return tuple(text.split(":"))


def _fixed_names() -> list[Name]:
    names: list[Name] = [("total", total) for total in TOTALS]
    names += [(group, key) for group, keys in GROUPS for key in keys]
    names += [("need_place", need, place) for need in NEEDS for place in PLACES]
    return names


async def _week_counts(session: AsyncSession, week: Period) -> dict[Name, int]:
    """The week's numbers from the daily totals. A need's count is the sum of its need x
    place cells and the sessions the sum of the days, so that those relations hold exactly
    whatever was written in between two reads."""
    values: Counter[Name] = Counter(dict.fromkeys(_fixed_names(), 0))
    for day in week.days():
        values[("day", day.isoformat())] = 0
    rows = await session.execute(
        select(DailyCount.day, DailyCount.metric, DailyCount.key, DailyCount.count).where(
            DailyCount.day >= week.first, DailyCount.day <= week.last
        )
    )
    for day, metric, key, count in rows:
        if metric == "sessions":
            values[("day", day.isoformat())] += count
        elif metric in ("unique_users", "erases"):
            values[("total", metric)] += count
        elif metric in _DAILY_GROUPS and (metric, key) in values:
            values[(metric, key)] += count
        elif metric in _METRIC_OF_ENTRY_KIND and count:
            values[(_METRIC_OF_ENTRY_KIND[metric], key)] += count
    cells = await session.execute(
        select(WeeklyNeedPlace.need, WeeklyNeedPlace.place, WeeklyNeedPlace.count).where(
            WeeklyNeedPlace.week == week.label
        )
    )
    for need, place, count in cells:
        if ("need_place", need, place) in values:
            values[("need_place", need, place)] += count
            values[("need", need)] += count
    values[("total", "sessions")] = sum(values[("day", d.isoformat())] for d in week.days())
    return dict(values)


def equations(
    label: str, names: Iterable[Name], period: Period, entry_totals: bool = True
) -> list[Equation]:
    """What a reader of one period knows or can fairly guess about its numbers, as sums:
    the days add up to the sessions; a need is the sum of its need x place cells; and each
    group (languages, places, needs, the relay's groups, opened contacts, reports) is assumed
    to have a known total. A group of one is its own total, which nobody publishes.

    A month's totals of opened contacts and of reports are its weeks' totals added up, and
    a week with one entry has none: `entry_totals=False` leaves them to the weeks."""
    present = set(names)

    def cell(*name: str) -> tuple[str, ...]:
        return (label, *name)

    found: list[Equation] = []
    days = [("day", d.isoformat()) for d in period.days()]
    if all(day in present for day in days):
        found.append([(-1, cell("total", "sessions")), *((1, cell(*day)) for day in days)])
    for need in NEEDS:
        found.append(
            [(-1, cell("need", need)), *((1, cell("need_place", need, p)) for p in PLACES)]
        )
    groups: list[list[Name]] = [[(group, key) for key in keys] for group, keys in GROUPS]
    if entry_totals:
        groups += [sorted(n for n in present if n[0] == kind) for kind in ENTRY_KINDS]
    for members in groups:
        if len(members) > 1:
            found.append([(1, cell(*member)) for member in members])
    return found


def decide(
    period: Period, values: dict[Name, int], min_count: int, weeks: Sequence[Published] = ()
) -> dict[Name, bool]:
    """Which of `period`'s numbers to hide (True), given the weeks of a month as published.

    Every number of the weeks is a fixed cell, shown or hidden as it was published; the
    month's numbers are the sums of theirs (days excepted). An entry a week did not list at
    all had no count there: it is taken as a known zero, which only makes the reader
    stronger than she is."""
    all_values: dict[Hashable, int] = {(period.label, *n): v for n, v in values.items()}
    fixed: dict[Hashable, bool] = {}
    # A month does not assume more of its entries' totals than its weeks did.
    found = equations(period.label, values, period, entry_totals=not weeks)
    for week in weeks:
        for name, (count, was_hidden) in week.cells.items():
            all_values[(week.period.label, *name)] = count
            fixed[(week.period.label, *name)] = was_hidden
        found += equations(week.period.label, week.cells, week.period)
    for name in values if weeks else ():
        parts = [(1, (w.period.label, *name)) for w in weeks if name in w.cells]
        found.append([(-1, (period.label, *name)), *parts])
    new = set(all_values) - set(fixed)
    # What already follows from the published weeks, with every new number hidden, cannot
    # be protected now and gives nothing more away: shown if it is not small.
    known = determined({c for c, h in fixed.items() if h} | new, found)
    if known - new:
        raise AssertionError(f"{period.label}: its published weeks give a hidden number away")
    fixed |= {cell: all_values[cell] < min_count for cell in known}
    hidden = suppress(all_values, found, min_count, fixed)
    if determined(hidden, found) - known:
        # The search gave up on a cell (it tries a bounded number of partners): hide all the
        # rest of the period. Its numbers are then new unknowns, which pin nothing.
        hidden |= new - known
    return {name: (period.label, *name) in hidden for name in values}


async def published_labels(session: AsyncSession, labels: Sequence[str]) -> dict[str, Published]:
    periods = (
        await session.scalars(select(PublishedPeriod).where(PublishedPeriod.label.in_(labels)))
    ).all()
    cells: dict[str, dict[Name, tuple[int, bool]]] = {p.label: {} for p in periods}
    rows = await session.execute(
        select(
            PublishedCell.period, PublishedCell.cell, PublishedCell.count, PublishedCell.hidden
        ).where(PublishedCell.period.in_(labels))
    )
    for label, text, count, hidden in rows:
        cells[label][_name(text)] = (count, hidden)
    return {p.label: Published(parse(p.label), p.min_count, cells[p.label]) for p in periods}


async def published(
    session: AsyncSession, kind: Kind, first: dt.date, last: dt.date
) -> list[Published]:
    """The published periods of `kind` lying wholly from `first` to `last`, oldest first."""
    labels = (
        await session.scalars(
            select(PublishedPeriod.label)
            .where(
                PublishedPeriod.kind == kind.value,
                PublishedPeriod.first_day >= first,
                PublishedPeriod.last_day <= last,
            )
            .order_by(PublishedPeriod.last_day)
        )
    ).all()
    found = await published_labels(session, list(labels))
    return [found[label] for label in labels]


async def weeks_published(session: AsyncSession, month: Period) -> list[Published]:
    found = await published_labels(session, [week.label for week in weeks_of(month)])
    return [found[w.label] for w in weeks_of(month) if w.label in found]


def _month_values(weeks: Sequence[Published]) -> dict[Name, int]:
    values: Counter[Name] = Counter(dict.fromkeys(_fixed_names(), 0))
    for week in weeks:
        for name, (count, _) in week.cells.items():
            if name[0] != "day":
                values[name] += count
    return dict(values)


async def publish(
    sessions: async_sessionmaker[AsyncSession], period: Period, min_count: int
) -> bool:
    """Decide `period` and store it; False if it was published already (by another process,
    perhaps at the same moment: the first to commit is the one every view shows)."""
    async with sessions() as session:
        weeks: list[Published] = []
        if period.kind is Kind.WEEK:
            values = await _week_counts(session, period)
        else:
            weeks = await weeks_published(session, period)
            if len(weeks) != len(weeks_of(period)):
                raise AssertionError(f"{period.label}: its weeks are not all published")
            values = _month_values(weeks)
    hidden = decide(period, values, min_count, weeks)
    async with sessions() as session, session.begin():
        insert = database.insert_for(session)
        claimed = await session.execute(
            insert(PublishedPeriod)
            .values(
                label=period.label,
                kind=period.kind.value,
                first_day=period.first,
                last_day=period.last,
                min_count=min_count,
            )
            .on_conflict_do_nothing()  # the label is its only key
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            return False
        rows = [
            {"period": period.label, "cell": _text(n), "count": v, "hidden": hidden[n]}
            for n, v in sorted(values.items())
        ]
        for start in range(0, len(rows), 200):
            await session.execute(insert(PublishedCell).values(rows[start : start + 200]))
    return True


async def publish_due(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    min_count: int,
    retention_days: int,
) -> list[str]:
    """Publish every period that is over and not yet published, oldest first; returns their
    labels. Periods before the first count, or older than the retention, are left out."""
    cutoff = now.date() - dt.timedelta(days=retention_days)
    async with sessions() as session:
        earliest = await session.scalar(select(func.min(DailyCount.day)))
        done = set((await session.scalars(select(PublishedPeriod.label))).all())
    if earliest is None:
        return []
    start = max(week_of(earliest).first, cutoff)
    fresh: list[str] = []
    for period in over_since(start, now):
        if period.label not in done and await publish(sessions, period, min_count):
            fresh.append(period.label)
    return fresh


async def delete_published_before(sessions: async_sessionmaker[AsyncSession], day: dt.date) -> None:
    """Retention of published periods, by their last day."""
    async with sessions() as session, session.begin():
        await session.execute(delete(PublishedPeriod).where(PublishedPeriod.last_day < day))
