"""What a desk action gives back, and the shape every tap's action has."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.desk.callback import Tap
from bot.ui.view import View


@dataclass
class Result:
    view: View
    toast: str | None = None  # a short notice on the tap itself
    notify: list[tuple[int, str]] = field(default_factory=list)  # (staff id, HTML text)


Action = Callable[[AsyncSession, Core, Tap, int, str], Awaitable[Result]]
"""(session, core, tap, her user id, her role) -> what she sees next."""
