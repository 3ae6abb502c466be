"""Who is staff. For now: the admins named in ADMIN_IDS; the staff table of the volunteer
issue extends this. Checked on the server for every update, never trusted from a button."""

from __future__ import annotations

from bot.settings import Settings


def is_admin(settings: Settings, user_id: int | None) -> bool:
    return user_id is not None and user_id in settings.admin_ids
