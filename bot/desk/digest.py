"""The volunteers' daily digest: one message to each member of staff with something waiting,
sent by one bot process however many run."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.core import Core
from bot.db.models import DailyJob, Staff
from bot.desk import proposals, recheck
from bot.desk.screens import home
from bot.i18n import Texts


async def _claim(core: Core, job: str) -> bool:
    """Claim today's run of `job` for this process; False if another process has it."""
    try:
        async with core.sessions() as session, session.begin():
            session.add(DailyJob(name=job, day=core.today()))
    except IntegrityError:
        return False
    return True


async def messages(core: Core) -> list[tuple[int, str]] | None:
    """Each member of staff with something waiting, and the one message for them; None if
    another bot process sends today's digest."""
    if not await _claim(core, "digest"):
        return None
    out = []
    async with core.sessions() as session:
        due = await recheck.queue(session, recheck.Rules.of(core.settings, core.today()))
        reported = any(d.reported for d in due)
        for member in await session.scalars(select(Staff).order_by(Staff.user_id)):
            waiting = await proposals.waiting_count(
                session, member.user_id, second_review=core.settings.require_second_review
            )
            if due or waiting:
                t = Texts(member.lang)
                text = home.digest(t, due=len(due), reported=reported, waiting=waiting)
                out.append((member.user_id, text))
    return out
