"""The real Application over the in-memory Bot API and a throwaway database filled from the demo
directory, driven by a script instead of Telegram: what `helpline screens` walks through.

It is built the way `helpline demo` builds its chat (the same request hook, the same demo
directory, the same start and stop), so that what a script records is what the demo and the
bot show. The script gives updates as the Bot API's JSON (LocalBotApi makes them) and reads
the chats back from the in-memory API; nothing here reaches a network.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from telegram import Update

from bot.core import Core
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.demo import DEMO_TOKEN, LocalRequest, load_demo_directory
from bot.telegram.local_api import LocalBotApi


class LocalBot:
    """One running Application, its in-memory Bot API and its Core."""

    def __init__(self, application: Any, api: LocalBotApi) -> None:
        self.application = application
        self.api = api

    @property
    def core(self) -> Core:
        core: Core = self.application.bot_data["core"]
        return core

    async def deliver(self, update: dict[str, Any], *, wait: bool = True) -> None:
        """Process one update to the end, and (`wait`) the copies for the volunteers' group
        it left waiting (they go out after her turn, bot/relay/posting.py)."""
        self.api.updates.clear()
        await self.application.process_update(Update.de_json(update, self.application.bot))
        if wait:
            await self.core.group_posts.join()

    async def run_job(self, name: str) -> None:
        """Run the Application's timed job `name` now, as if its time had come."""
        jobs = self.application.job_queue.get_jobs_by_name(name)
        assert jobs, f"no job named {name!r}"
        for job in jobs:
            await job.run(self.application)


@asynccontextmanager
async def local_bot(settings: Settings, *, group_period: float = 60.0) -> AsyncIterator[LocalBot]:
    """A LocalBot over a fresh SQLite file holding the demo directory; gone at exit.
    `group_period`: the seconds in which 20 posts may go into a group (bot/telegram/app.py);
    a script that does not wait for Telegram's pace may shorten it."""
    with tempfile.TemporaryDirectory(prefix="helpline-local-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'local.db'}"
        settings = settings.model_copy(update={"database_url": url})
        await load_demo_directory(url)
        api = LocalBotApi()
        application = build_application(
            settings, token=DEMO_TOKEN, request=LocalRequest(api), group_period=group_period
        )
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        try:
            yield LocalBot(application, api)
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
            await application.shutdown()
