"""The one question the desk waits for her to answer by typing, kept in her staff row.

Between a tap that asks for text ("send the new name") and the message that answers it, the
question is kept in the row (`waiting_for`), not in memory, so that it survives a restart and
works whichever bot process receives the answer. It lapses after WAIT_MINUTES, and any other
tap or command drops it, so that it never takes words she meant for something else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.core import Core
from bot.db.models import Staff
from bot.desk.question import BadQuestion, Question, decode, encode

WAIT_MINUTES = 30


@dataclass(frozen=True)
class Waiting:
    """The question she is to answer, in the language it was asked in; None if the row holds
    something the desk does not write (the answer then finds nothing open)."""

    question: Question | None
    lang: str


async def remember(session: AsyncSession, me: int, lang: str, question: Question | None) -> None:
    """Her language, and the question now waiting (None: none waits any more)."""
    await session.execute(
        update(Staff)
        .where(Staff.user_id == me)
        .values(
            lang=lang,
            waiting_for=encode(question) if question is not None else None,
            waiting_since=utc_now() if question is not None else None,
        )
    )


async def waiting(session: AsyncSession, me: int) -> Waiting | None:
    """What the bot waits for her to type, if it asked and the question has not lapsed."""
    row = (
        await session.execute(
            select(Staff.waiting_for, Staff.waiting_since, Staff.lang).where(Staff.user_id == me)
        )
    ).one_or_none()
    if row is None or not row.waiting_for or row.waiting_since is None:
        return None
    since = row.waiting_since
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    if utc_now() - since > dt.timedelta(minutes=WAIT_MINUTES):
        return None
    try:
        question: Question | None = decode(row.waiting_for)
    except BadQuestion:
        question = None
    return Waiting(question, row.lang)


async def drop_question(core: Core, me: int) -> None:
    """She turned to something else: the question no longer takes her next words."""
    async with core.sessions() as session, session.begin():
        await session.execute(
            update(Staff)
            .where(Staff.user_id == me, Staff.waiting_for.is_not(None))
            .values(waiting_for=None, waiting_since=None)
        )
