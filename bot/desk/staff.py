"""Who is staff: volunteers and admins, the only Telegram user ids the bot ever stores.

The role is read from the database for every update that needs it, never trusted from a
button. `ADMIN_IDS` names admins from the start; they are written to the table at start-up.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Proposal, Staff

ROLES = ("volunteer", "admin")
REFRESH_SECONDS = 30.0


class StaffIds:
    """Who may be staff, from memory, read again from the database every REFRESH_SECONDS.

    Users' typed text and files are checked against this first, so that what she sends never
    costs a database query with her id in it (nor a different answer when the database is
    down). A remembered id is then checked in the database as usual, so a removal takes effect
    at once; a new member of staff is seen within REFRESH_SECONDS (at once after a change
    made in the bot).
    """

    _ids: frozenset[int]  # read at the first question (`_read_at` is None until then)

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        refresh: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self._refresh = refresh
        self._clock = clock
        self._read_at: float | None = None

    async def may_be(self, user_id: int | None) -> bool:
        if user_id is None:
            return False
        now = self._clock()
        if self._read_at is None or now - self._read_at >= self._refresh:
            async with self._sessions() as session:
                self._ids = frozenset(await session.scalars(select(Staff.user_id)))
            self._read_at = now
        return user_id in self._ids

    def forget(self) -> None:
        """Read the table again at the next question (after staff changed)."""
        self._read_at = None


async def role_of(sessions: async_sessionmaker[AsyncSession], user_id: int | None) -> str | None:
    if user_id is None:
        return None
    async with sessions() as session:
        return await session.scalar(select(Staff.role).where(Staff.user_id == user_id))


async def role_now(
    ids: StaffIds, sessions: async_sessionmaker[AsyncSession], user_id: int | None
) -> str | None:
    """`volunteer`, `admin`, or None. Whoever is not remembered as staff is answered from
    memory, with no database query that carries her id; a remembered id is checked in the
    database, now (it may have been removed since)."""
    if not await ids.may_be(user_id):
        return None
    return await role_of(sessions, user_id)


async def add(
    sessions: async_sessionmaker[AsyncSession], user_id: int, role: str, today: dt.date
) -> bool:
    """Add or change a member of staff; True if something changed. Two processes starting at
    once both seed ADMIN_IDS: whichever inserts second finds the row and goes on."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    for attempt in (1, 2):
        try:
            async with sessions() as session, session.begin():
                member = await session.get(Staff, user_id)
                if member is None:
                    session.add(Staff(user_id=user_id, role=role, added_on=today))
                    return True
                if member.role != role:
                    member.role = role
                    return True
                return False
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


async def remove(sessions: async_sessionmaker[AsyncSession], user_id: int) -> bool:
    async with sessions() as session, session.begin():
        return await remove_in(session, user_id)


async def remove_in(session: AsyncSession, user_id: int) -> bool:
    """Remove a member of staff and her unsubmitted drafts (what she submitted stays, for the
    record, as the audit trail does)."""
    await session.execute(
        delete(Proposal).where(Proposal.author == user_id, Proposal.state == "draft")
    )
    result = await session.execute(delete(Staff).where(Staff.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def members(sessions: async_sessionmaker[AsyncSession]) -> list[Staff]:
    async with sessions() as session:
        return list(await session.scalars(select(Staff).order_by(Staff.role, Staff.user_id)))


async def seed_admins(
    sessions: async_sessionmaker[AsyncSession], admin_ids: tuple[int, ...], today: dt.date
) -> None:
    """Make the ids of ADMIN_IDS admins (a volunteer named there is promoted)."""
    for user_id in admin_ids:
        await add(sessions, user_id, "admin", today)
