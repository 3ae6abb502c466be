"""Counts the preview makes up, for the screens that show them: "did not work" reports that
put an entry at the top of the re-check queue, and past weeks of use for the statistics. They
are made by the usage counter as taps make them, and written as its batches are.
"""

from __future__ import annotations

import datetime as dt
import functools

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.menus.callback import Nav, Screen
from bot.relay import counts
from bot.stats import counting
from bot.taxonomy import NEEDS, PLACES


def _at(moment: dt.datetime) -> dt.datetime:
    return moment


def _weeks_counted(today: dt.date) -> list[tuple[dt.date, int]]:
    """Mondays of complete weeks before this one, with how many people came each day: a
    busy week last week, a quiet one before it, and a busy one in a month that is over."""
    monday = today - dt.timedelta(days=today.weekday())
    return [
        (monday - dt.timedelta(weeks=1), 30),
        (monday - dt.timedelta(weeks=2), 4),
        (monday - dt.timedelta(weeks=6), 30),
    ]


async def count_reports(
    sessions: async_sessionmaker[AsyncSession], entry: str, people: int, today: dt.date
) -> None:
    """ "Did not work" reports from `people` different users yesterday (the re-check queue
    counts only complete days), through the usage counter."""
    noon = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(12), dt.UTC)
    counter = counting.UsageCounter(clock=lambda: noon, min_users=1)
    for who in range(people):
        counter.add_once(20_000 + who, "not_working", entry)
    await counting.flush(counter, sessions, everything=True)


async def count_past_weeks(
    sessions: async_sessionmaker[AsyncSession], lang: str, today: dt.date
) -> None:
    """Counts for complete weeks before this one, made by the usage counter as taps make
    them, and written as its batches are."""
    for monday, people in _weeks_counted(today):
        for day in range(7):
            noon = dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(12), dt.UTC)
            counter = counting.UsageCounter(clock=functools.partial(_at, noon), min_users=1)
            for n in range(people):
                who = 10_000 + n
                place, need = PLACES[n % len(PLACES)], NEEDS[n % len(NEEDS)]
                counter.add("sessions", by=who)
                counter.see_user(who)
                counter.add("language", lang, by=who)
                counter.count_choice(Nav(Screen.NEEDS, lang, place, origin=Screen.PLACES), by=who)
                counter.count_choice(
                    Nav(Screen.LIST, lang, place, need, origin=Screen.NEEDS), by=who
                )
                counter.add("entry_opened", "example-safe-line", by=who)
                if n % 2 == 0:
                    counter.add_once(who, "not_working", "example-bridge-shelter")
                    counter.add("erases", by=who)
                    counts.count_opened(counter, lang, by=who)
                    waited = dt.timedelta(minutes=10 * n)
                    counts.count_answered(counter, lang, waited, by=who)
            await counting.flush(counter, sessions, everything=True)
