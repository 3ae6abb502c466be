"""What each staff tap does: the one table from every button the desk makes to its action.

The handlers check the role in the database first and call in here only for staff (and only
for admins with the admin-only buttons). Any tap ends the question the desk was waiting for a
typed answer to: she has turned to something else.
"""

from __future__ import annotations

from bot.core import Core
from bot.desk import browsing, editing, pending, relaying, reviewing, staffing
from bot.desk.callback import IN_TOPIC, Act, Tap
from bot.desk.result import Action, Result
from bot.ui.view import fit

_PARTS = (
    browsing.ACTIONS,
    editing.ACTIONS,
    reviewing.ACTIONS,
    staffing.ACTIONS,
    relaying.ACTIONS,
)
ACTIONS: dict[Act, Action] = {act: action for part in _PARTS for act, action in part.items()}
# The topic's buttons act in the relay group (handlers/relay_group.py), not on the desk.
assert set(ACTIONS) == set(Act) - IN_TOPIC, f"no action for {set(Act) - IN_TOPIC - set(ACTIONS)}"
assert sum(len(part) for part in _PARTS) == len(ACTIONS), "a button with two actions"


async def on_tap(core: Core, tap: Tap, me: int, role: str) -> Result:
    """Run a staff tap. The caller has checked that `me` is staff with `role` (and an admin
    for the admin-only actions)."""
    action = ACTIONS[tap.act]
    async with core.sessions() as session:
        await pending.remember(session, me, tap.lang, None)
        result = await action(session, core, tap, me, role)
        if session.in_transaction():
            await session.commit()
    result.view = fit(result.view)
    return result
