"""The volunteers' re-check queue, and marking an entry as checked.

An entry is due when its last check is within `due_days` of the maximum age, and stale (hidden
from users) once past it. Entries that users reported as not working at least `threshold` times
in the last 30 days come first, with the count, whatever their age: a wrong number given to a
woman in hiding is worse than an old one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.directory import mark_verified, oldest_fresh_date, to_model
from bot.directory_file import EntryModel
from bot.models import DailyCount, Entry

REPORT_WINDOW_DAYS = 30
REPORT_METRIC = "not_working"


@dataclass(frozen=True)
class Rules:
    today: dt.date
    max_age_days: int
    due_days: int
    threshold: int
    min_count: int = 10

    @property
    def due_before(self) -> dt.date:
        """Entries last checked before this day are due (or already stale)."""
        return oldest_fresh_date(self.today, self.max_age_days) + dt.timedelta(days=self.due_days)

    def stale(self, verified_on: dt.date | None) -> bool:
        return verified_on is None or verified_on < oldest_fresh_date(self.today, self.max_age_days)


@dataclass(frozen=True)
class Due:
    entry_id: str
    verified_on: dt.date | None
    reports: int


async def reports(
    session: AsyncSession, today: dt.date, entry_id: str | None = None
) -> dict[str, int]:
    """ "Did not work" reports per entry (or for one entry) in the 30 complete days before
    today. Today is left out, as in every statistics view: a count that moves by the minute
    would tell a volunteer when someone she sent there tapped the button."""
    since = today - dt.timedelta(days=REPORT_WINDOW_DAYS)
    query = (
        select(DailyCount.key, func.sum(DailyCount.count))
        .where(
            DailyCount.metric == REPORT_METRIC,
            DailyCount.day >= since,
            DailyCount.day < today,
        )
        .group_by(DailyCount.key)
    )
    if entry_id is not None:
        query = query.where(DailyCount.key == entry_id)
    return {key: int(total) for key, total in (await session.execute(query)).all()}


async def queue(session: AsyncSession, rules: Rules) -> list[Due]:
    """Reported entries first (most reports first), then the rest, oldest check first."""
    reported = await reports(session, rules.today)
    query = select(Entry.id, Entry.verified_on).where(Entry.status == "verified")
    rows = (await session.execute(query)).all()
    due = [
        Due(entry_id, verified_on, reported.get(entry_id, 0))
        for entry_id, verified_on in rows
        if verified_on is None
        or verified_on < rules.due_before
        or reported.get(entry_id, 0) >= rules.threshold
    ]

    def order(item: Due) -> tuple[int, int, dt.date, str]:
        pushed = item.reports >= rules.threshold
        return (
            0 if pushed else 1,
            -item.reports if pushed else 0,
            item.verified_on or dt.date.min,
            item.entry_id,
        )

    return sorted(due, key=order)


async def entry(session: AsyncSession, entry_id: str) -> EntryModel | None:
    found = await session.scalar(select(Entry).where(Entry.id == entry_id))
    return to_model(found) if found is not None else None


async def mark_checked(session: AsyncSession, entry_id: str, actor: str, today: dt.date) -> bool:
    """ "Still correct": checked today, by `actor`. Only a verified entry can be re-checked
    (a draft or a retired one needs a proposal); False if there is none."""
    found = await session.scalar(
        select(Entry).where(Entry.id == entry_id, Entry.status == "verified").with_for_update()
    )
    if found is None:
        return False
    old = found.verified_on
    await mark_verified(session, found, today)
    audit.record(
        session,
        actor=actor,
        entry_id=entry_id,
        action="rechecked",
        field="verified_on",
        old=old.isoformat() if old else "",
        new=today.isoformat(),
    )
    return True
