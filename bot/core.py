"""The core's resources, opened once at start-up: settings, the database, the clock, and what
is kept per chat in memory only. Handlers and jobs reach them through their context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import utc_now, utc_today
from bot.desk.staff import StaffIds
from bot.menus.erase_memory import EraseMemory
from bot.menus.flood import FloodGuard
from bot.menus.screen_memory import ScreenMemory
from bot.relay.keys import RelayKeys
from bot.relay.posting import GroupPosts
from bot.settings import Settings
from bot.stats.counting import UsageCounter


@dataclass
class Core:
    """What the handlers need from the core: settings, the database, a clock, and the two
    things kept per chat in memory only (erase ids, flood counts), and the usage counter."""

    settings: Settings
    sessions: async_sessionmaker[AsyncSession]
    today: Callable[[], dt.date] = utc_today
    now: Callable[[], dt.datetime] = utc_now
    erase_memory: EraseMemory = field(default_factory=EraseMemory)
    flood: FloodGuard = field(default_factory=FloodGuard)
    # The last screen of each chat, for an hour: typed text is answered on it.
    last_screens: ScreenMemory = field(default_factory=ScreenMemory)
    counter: UsageCounter = field(init=False)
    staff_ids: StaffIds = field(init=False)
    # "Talk to a person": its keys, from RELAY_KEY, in memory only; None when it is off.
    relay_keys: RelayKeys | None = field(init=False, default=None)
    group_posts: GroupPosts = field(default_factory=GroupPosts)

    def __post_init__(self) -> None:
        self.staff_ids = StaffIds(self.sessions)
        if self.settings.relay_on and self.settings.relay_key is not None:
            self.relay_keys = RelayKeys.from_secret(self.settings.relay_key.get_secret_value())
        self.counter = UsageCounter(min_users=self.settings.stats_min_count)


def is_passing_trouble(error: BaseException | None) -> bool:
    """The database gone for a moment (locked, restarting, unreachable), or the network slow:
    nothing she did was wrong, and trying again soon will work."""
    return isinstance(error, SQLAlchemyError | OSError | TimeoutError)
