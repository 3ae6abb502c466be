"""The volunteers' re-check queue, and marking an entry as checked.

An entry is due when its last check is within `due_days` of the maximum age, and stale (hidden
from users) once past it. Entries that users reported as not working at least `threshold` times
in the last 30 days come first, whatever their age: a wrong number given to a woman in hiding is
worse than an old one. Only that signal leaves this module, never the count, and reported
entries are ordered by age, not by how often they were reported: a count a volunteer could read
today and again tomorrow would tell her when one more person tapped "did not work".
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DailyCount, Entry, Proposal
from bot.desk import proposals
from bot.directory import audit
from bot.directory.queries import mark_verified, oldest_fresh_date, to_model
from bot.directory.schema import EntryModel
from bot.settings import Settings

REPORT_WINDOW_DAYS = 30
REPORT_METRIC = "not_working"


@dataclass(frozen=True)
class Rules:
    today: dt.date
    max_age_days: int
    due_days: int
    threshold: int

    @classmethod
    def of(cls, settings: Settings, today: dt.date) -> Rules:
        """The rules as the settings give them, for `today`."""
        return cls(
            today,
            settings.verify_max_age_days,
            settings.verify_due_days,
            settings.reports_for_recheck,
        )

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
    reported: bool  # by users, at least `threshold` times in the last 30 days
    draft: bool = False  # in the directory, never shown: waits for its first check here


async def reported(session: AsyncSession, rules: Rules, entry_id: str | None = None) -> set[str]:
    """Entries (or the one entry) that users reported as not working at least `threshold`
    times in the 30 complete days before today. Today is left out, as in every statistics
    view: a signal that moves by the minute would tell a volunteer when someone she sent there
    tapped the button."""
    counts = await _reports(session, rules.today, entry_id)
    return {key for key, count in counts.items() if count >= rules.threshold}


async def _reports(
    session: AsyncSession, today: dt.date, entry_id: str | None = None
) -> dict[str, int]:
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


# What "still correct" takes: a verified entry, and a draft in the directory, whose first check
# here is what shows it to users.
CHECKABLE = ("verified", "draft")


async def queue(session: AsyncSession, rules: Rules) -> list[Due]:
    """Reported entries first, then the rest; in each part the oldest check first. A draft
    never checked (as a service read from another organisation's directory comes in,
    bot.desk.imports) waits here for its first check; one with a check date was set aside on
    purpose, and is left alone."""
    pushed = await reported(session, rules)
    query = select(Entry.id, Entry.verified_on, Entry.status).where(Entry.status.in_(CHECKABLE))
    rows = (await session.execute(query)).all()
    due = [
        Due(entry_id, verified_on, entry_id in pushed, status == "draft")
        for entry_id, verified_on, status in rows
        if verified_on is None
        or (status == "verified" and (verified_on < rules.due_before or entry_id in pushed))
    ]

    def order(item: Due) -> tuple[bool, dt.date, str]:
        return (not item.reported, item.verified_on or dt.date.min, item.entry_id)

    return sorted(due, key=order)


async def entry(session: AsyncSession, entry_id: str) -> EntryModel | None:
    found = await session.scalar(select(Entry).where(Entry.id == entry_id))
    return to_model(found) if found is not None else None


class Outcome(enum.Enum):
    CHECKED = "checked"  # checked today, at once
    PROPOSED = "proposed"  # users do not see it: a re-check now waits for a second review
    WAITING = "waiting"  # a re-check of it already waits for review
    NOT_VERIFIED = "not verified"  # a draft, a retired entry, or none: propose a change


@dataclass(frozen=True)
class Checked:
    outcome: Outcome
    proposal: Proposal | None = None  # the re-check that waits, if one does
    first: bool = False  # the first check of a draft: it shows the entry to users


async def mark_checked(
    session: AsyncSession, entry_id: str, actor: int, rules: Rules, *, second_review: bool
) -> Checked:
    """ "Still correct", tapped by `actor` on `rules.today`. An entry users see is checked at
    once. One they do not see (stale, or a draft never checked) would come to them, so with
    `second_review` its check becomes a proposal for another member of staff, or joins the one
    that waits. Whether users see it is decided here, now, under the row's lock: not from the
    screen she tapped on, which may be from before midnight."""
    found = await session.scalar(
        select(Entry).where(Entry.id == entry_id, Entry.status.in_(CHECKABLE)).with_for_update()
    )
    if found is None:
        return Checked(Outcome.NOT_VERIFIED)
    first = found.status == "draft"
    if second_review and (first or rules.stale(found.verified_on)):
        waiting = await proposals.open_recheck(session, entry_id)
        if waiting is not None:
            return Checked(Outcome.WAITING, waiting, first)
        made = await proposals.start_recheck(session, actor, found, rules.today)
        return Checked(Outcome.PROPOSED, made, first)
    if first:  # published as an approved first check is: its rows, listings and records
        made = await proposals.start_recheck(session, actor, found, rules.today)
        applied = await proposals.approve(session, made.id, actor, second_review=False)
        if applied is not proposals.Outcome.APPLIED:
            raise RuntimeError(f"a first check of {entry_id} was not applied: {applied}")
        return Checked(Outcome.CHECKED, first=True)
    old = found.verified_on
    await mark_verified(session, found, rules.today)
    audit.record(
        session,
        actor=str(actor),
        entry_id=entry_id,
        action="rechecked",
        field="verified_on",
        lang="",
        old=old.isoformat() if old else "",
        new=rules.today.isoformat(),
    )
    return Checked(Outcome.CHECKED)
