"""The fixed periods statistics are published by: ISO weeks, and months of whole weeks.

Windows that slide by a day can be subtracted from one another: an admin who keeps each day's
"last 7 days" learns every single day. So counts are published only for fixed periods that do
not overlap at the same level: ISO weeks (Monday to Sunday, UTC), and months made of the ISO
weeks whose Thursday falls in the month (the rule ISO 8601 uses for years), so that a month
is a sum of whole weeks and every week belongs to exactly one month. A period is published
once it is over and a grace time has passed for the last counts of its last day to arrive.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

# Each process writes what it holds for a day within a minute of midnight; an hour leaves
# room for a slow or restarting one. Counts that arrive later are never published.
GRACE = dt.timedelta(hours=1)
THURSDAY = 3


class Kind(StrEnum):
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    kind: Kind
    label: str  # 2026-W47, 2026-11
    first: dt.date  # a Monday
    last: dt.date  # a Sunday

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def over_at(self) -> dt.datetime:
        """When it is published: the end of its last day, and the grace time."""
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return end + GRACE

    def order(self) -> tuple[dt.date, bool]:
        """Publication order: by last day, a week before the month it ends."""
        return (self.last, self.kind is not Kind.WEEK)


def week_of(day: dt.date) -> Period:
    year, number, weekday = day.isocalendar()
    monday = day - dt.timedelta(days=weekday - 1)
    return Period(Kind.WEEK, f"{year}-W{number:02d}", monday, monday + dt.timedelta(days=6))


def _thursday(week: Period) -> dt.date:
    return week.first + dt.timedelta(days=THURSDAY)


def month(year: int, number: int) -> Period:
    first_of_month = dt.date(year, number, 1)
    first_thursday = first_of_month + dt.timedelta(days=(THURSDAY - first_of_month.weekday()) % 7)
    next_month = dt.date(year + number // 12, number % 12 + 1, 1)
    last_day = next_month - dt.timedelta(days=1)
    last_thursday = last_day - dt.timedelta(days=(last_day.weekday() - THURSDAY) % 7)
    return Period(
        Kind.MONTH,
        f"{year}-{number:02d}",
        first_thursday - dt.timedelta(days=THURSDAY),
        last_thursday + dt.timedelta(days=6 - THURSDAY),
    )


def month_of(day: dt.date) -> Period:
    thursday = _thursday(week_of(day))
    return month(thursday.year, thursday.month)


def weeks_of(period: Period) -> list[Period]:
    return [week_of(period.first + dt.timedelta(weeks=i)) for i in range(len(period.days()) // 7)]


_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse(label: str) -> Period:
    """The period a label names; ValueError, naming the label, for anything else (a week
    past a year's last, a thirteenth month, a year written with a leading zero)."""
    try:
        if found := _WEEK.fullmatch(label):
            period = week_of(dt.date.fromisocalendar(int(found[1]), int(found[2]), 1))
        elif found := _MONTH.fullmatch(label):
            period = month(int(found[1]), int(found[2]))
        else:
            found = None
    except ValueError:
        found = None
    if found is None or period.label != label:
        raise ValueError(f"not a week or month: {label!r}")
    return period


def previous(period: Period) -> Period:
    day = period.first - dt.timedelta(weeks=1)  # the Monday of the week before
    return week_of(day) if period.kind is Kind.WEEK else month_of(day)


def latest_over(kind: Kind, now: dt.datetime) -> Period:
    """The latest period of `kind` that may be published at `now`."""
    day = now.date()
    period = week_of(day) if kind is Kind.WEEK else month_of(day)
    while period.over_at() > now:
        period = previous(period)
    return period


def over_since(first_day: dt.date, now: dt.datetime) -> list[Period]:
    """Every week and month that may be published at `now` and holds no day before
    `first_day`, in publication order."""
    found: list[Period] = []
    for kind in Kind:
        period = latest_over(kind, now)
        while period.first >= first_day:
            found.append(period)
            period = previous(period)
    return sorted(found, key=Period.order)
