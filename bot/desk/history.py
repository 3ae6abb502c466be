"""An entry's audit trail for admins (/history ID), as `helpline directory history` prints it."""

from __future__ import annotations

from bot.core import Core
from bot.desk.screens import history
from bot.directory import audit, schema
from bot.i18n import Texts
from bot.ui.view import View


async def entry_history(core: Core, entry_id: str, lang: str) -> View:
    t = Texts(lang)
    if not schema.is_entry_id(entry_id):
        return View(history.trail(t, "?", []))
    async with core.sessions() as session:
        records = await audit.history(session, entry_id)
    return View(history.trail(t, entry_id, [audit.describe(r) for r in records]))
