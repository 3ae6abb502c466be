"""Who takes conversations now, and the first name a volunteer signs her answers with.

Duty is a column of the staff row, so that every bot process sees the same people on duty
and pings them when a conversation waits. The signature is what she is shown of the volunteer:
a first name at most, checked here, so that no handle, number or link can reach her through it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Staff

Sessions = async_sessionmaker[AsyncSession]
MAX_SIGNATURE = 32
_JOINERS = frozenset("-'’")  # Mary-Ann, N'Golo: inside a name, never twice in a row


class BadSignature(ValueError):
    """Not a first name: letters only (a hyphen or an apostrophe between them), 1-32 long."""


def checked_signature(name: str) -> str:
    """The name as it is kept (NFC, without spaces around it), or BadSignature. Letters of
    any script and their marks; no digits, spaces, @, markup or anything else."""
    text = unicodedata.normalize("NFC", name.strip())
    if not 1 <= len(text) <= MAX_SIGNATURE:
        raise BadSignature(f"must be 1 to {MAX_SIGNATURE} letters")
    previous = ""
    for char in text:
        kind = unicodedata.category(char)
        if char in _JOINERS:
            if not previous or previous in _JOINERS:
                raise BadSignature("a hyphen or an apostrophe only between letters")
        elif not (kind.startswith("L") or (kind.startswith("M") and previous)):
            raise BadSignature("letters only: a first name")
        previous = char
    if text[-1] in _JOINERS:
        raise BadSignature("a hyphen or an apostrophe only between letters")
    return text


@dataclass(frozen=True)
class Duty:
    """A member of staff's part in the relay, as the desk shows it."""

    on_duty: bool
    signature: str | None


async def duty_in(session: AsyncSession, user_id: int) -> Duty:
    """Hers, read in the caller's transaction (the desk's tap); off and unsigned if she is
    not staff."""
    row = (
        await session.execute(
            select(Staff.on_duty, Staff.signature).where(Staff.user_id == user_id)
        )
    ).one_or_none()
    return Duty(False, None) if row is None else Duty(bool(row.on_duty), row.signature)


async def set_duty_in(session: AsyncSession, user_id: int, on: bool) -> None:
    await session.execute(update(Staff).where(Staff.user_id == user_id).values(on_duty=on))


async def set_signature_in(session: AsyncSession, user_id: int, name: str | None) -> None:
    """Sign her answers with `name` (checked: BadSignature), or with nothing (None)."""
    kept = checked_signature(name) if name is not None else None
    await session.execute(update(Staff).where(Staff.user_id == user_id).values(signature=kept))


async def set_duty(sessions: Sessions, user_id: int, on: bool) -> None:
    async with sessions() as session, session.begin():
        await set_duty_in(session, user_id, on)


async def is_on_duty(sessions: Sessions, user_id: int) -> bool:
    async with sessions() as session:
        return (await duty_in(session, user_id)).on_duty


async def on_duty(sessions: Sessions) -> list[tuple[int, str]]:
    """(staff id, desk language) of everyone on duty, to ping when a conversation waits."""
    async with sessions() as session:
        rows = await session.execute(
            select(Staff.user_id, Staff.lang).where(Staff.on_duty.is_(True)).order_by(Staff.user_id)
        )
        return [(user_id, lang) for user_id, lang in rows]


async def set_signature(sessions: Sessions, user_id: int, name: str | None) -> None:
    """Sign her answers with `name` (checked: BadSignature), or with nothing (None)."""
    async with sessions() as session, session.begin():
        await set_signature_in(session, user_id, name)


async def signature_of(sessions: Sessions, user_id: int) -> str | None:
    async with sessions() as session:
        return (await duty_in(session, user_id)).signature
