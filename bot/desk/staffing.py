"""Who is on the desk, as admins change it in the bot: the staff list, adding a volunteer by
user id (typed, then confirmed with one more tap) and removing one. Admins themselves, and
anyone's role, are managed on the server."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.db.models import Staff
from bot.desk import pending, staff, summarize
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Action, Result
from bot.desk.screens import staff_admin
from bot.i18n import Texts

log = logging.getLogger(__name__)


def user_id_from(text: str) -> int | None:
    """A Telegram user id as typed or carried by a button: ASCII digits, in range."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 0 < value < 2**63 else None


async def _staff(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    rows = await session.scalars(select(Staff).order_by(Staff.role, Staff.user_id))
    members = [summarize.member_of(member) for member in rows]
    return Result(staff_admin.members(Texts(tap.lang), tap, members, me, tap.number))


async def _staff_add(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    await pending.remember(session, me, tap.lang, Question(Ask.STAFF_ID))
    return Result(staff_admin.ask_user_id(Texts(tap.lang), tap))


async def _staff_drop(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    target = user_id_from(tap.arg)
    member = await session.get(Staff, target) if target else None
    if target is None or member is None or member.role != "volunteer" or target == me:
        return await _staff(session, core, tap.to(Act.STAFF, 0), me, role)
    if tap.act is Act.STAFF_DROP:
        return Result(staff_admin.drop_question(t, tap, target))
    await staff.remove_in(session, target)
    await session.flush()
    core.staff_ids.forget()
    log.info("an admin removed a volunteer in the bot")
    result = await _staff(session, core, tap.to(Act.STAFF, 0), me, role)
    result.toast = t.gettext("Removed.")
    return result


async def _staff_add_yes(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    target = user_id_from(tap.arg)
    if target is not None and await session.get(Staff, target) is None:
        session.add(Staff(user_id=target, role="volunteer", added_on=core.today(), lang=tap.lang))
        await session.flush()
        core.staff_ids.forget()
        log.info("an admin added a volunteer in the bot")
    return await _staff(session, core, tap.to(Act.STAFF, 0), me, role)


ACTIONS: dict[Act, Action] = {
    Act.STAFF: _staff,
    Act.STAFF_ADD: _staff_add,
    Act.STAFF_DROP: _staff_drop,
    Act.STAFF_DROP_YES: _staff_drop,
    Act.STAFF_ADD_YES: _staff_add_yes,
}
