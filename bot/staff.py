"""Who is staff: volunteers and admins, the only Telegram user ids the bot ever stores.

The role is read from the database for every update that needs it, never trusted from a
button. `ADMIN_IDS` names admins from the start; they are written to the table at start-up.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.models import Staff

ROLES = ("volunteer", "admin")


async def role_of(sessions: async_sessionmaker[AsyncSession], user_id: int | None) -> str | None:
    if user_id is None:
        return None
    async with sessions() as session:
        return await session.scalar(select(Staff.role).where(Staff.user_id == user_id))


async def is_admin(sessions: async_sessionmaker[AsyncSession], user_id: int | None) -> bool:
    return await role_of(sessions, user_id) == "admin"


async def add(
    sessions: async_sessionmaker[AsyncSession], user_id: int, role: str, today: dt.date
) -> bool:
    """Add or change a member of staff; True if something changed."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    async with sessions() as session, session.begin():
        member = await session.get(Staff, user_id)
        if member is None:
            session.add(Staff(user_id=user_id, role=role, added_on=today))
            return True
        if member.role != role:
            member.role = role
            return True
        return False


async def remove(sessions: async_sessionmaker[AsyncSession], user_id: int) -> bool:
    async with sessions() as session, session.begin():
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
