"""Talk to a person, on the desk: going on and off duty, and choosing the first name her
answers are signed with. Where the relay is not set up, none of it exists: its buttons lead
back to the desk, like any button from before."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.desk import browsing, pending
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Action, Result
from bot.desk.screens import duty as screens
from bot.i18n import Texts
from bot.relay import duty

log = logging.getLogger(__name__)


async def desk_view(session: AsyncSession, tap: Tap, me: int, notice: str = "") -> Result:
    mine = await duty.duty_in(session, me)
    view = screens.relay_desk(
        Texts(tap.lang), tap, on_duty=mine.on_duty, signature=mine.signature, notice=notice
    )
    return Result(view)


async def _home(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return await browsing.desk_home(session, core, tap.to(Act.HOME, 0), me, role)


async def _relay(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    if not core.settings.relay_on:
        return await _home(session, core, tap, me, role)
    return await desk_view(session, tap, me)


async def _duty(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    if not core.settings.relay_on or tap.arg not in ("on", "off"):
        return await _home(session, core, tap, me, role)
    on = tap.arg == "on"
    await duty.set_duty_in(session, me, on)
    log.info("a member of staff went %s duty", "on" if on else "off")
    t = Texts(tap.lang)
    result = await desk_view(session, tap.to(Act.RELAY, 0), me)
    result.toast = t.gettext("You are on duty.") if on else t.gettext("You are off duty.")
    return result


async def _ask_signature(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    if not core.settings.relay_on:
        return await _home(session, core, tap, me, role)
    await pending.remember(session, me, tap.lang, Question(Ask.SIGNATURE))
    return Result(screens.ask_signature(Texts(tap.lang), tap, longest=duty.MAX_SIGNATURE))


async def _clear_signature(
    session: AsyncSession, core: Core, tap: Tap, me: int, role: str
) -> Result:
    if not core.settings.relay_on:
        return await _home(session, core, tap, me, role)
    await duty.set_signature_in(session, me, None)
    t = Texts(tap.lang)
    result = await desk_view(session, tap.to(Act.RELAY, 0), me)
    result.toast = t.gettext("Your answers are not signed.")
    return result


async def signature_typed(session: AsyncSession, tap: Tap, me: int, text: str) -> Result | None:
    """Her typed signature: kept and the screen shown again, or None if it is not a first
    name (the caller asks again)."""
    try:
        await duty.set_signature_in(session, me, text)
    except duty.BadSignature:
        return None
    return await desk_view(session, tap.to(Act.RELAY, 0), me, Texts(tap.lang).gettext("Saved."))


ACTIONS: dict[Act, Action] = {
    Act.RELAY: _relay,
    Act.DUTY: _duty,
    Act.SIGNATURE: _ask_signature,
    Act.SIGNATURE_CLEAR: _clear_signature,
}
