"""Run the real Application against the fake Bot API over loopback, and act as a user.

Tests read like taps: `await her.send("/start")`, `await her.tap("In China")`, then assert on
`her.screen`. Each action waits until the bot has confirmed the update and finished handling it
(`update_queue.join()`), so no test sleeps or guesses.

    async with Harness(tmp_path, directory=standard_directory()) as harness:
        her = harness.person("ko")

starts the bot (with that directory loaded) and stops it however the block ends.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from html.parser import HTMLParser
from pathlib import Path
from types import TracebackType
from typing import Any

from telegram.ext import Application

from bot import logs
from bot.core import Core
from bot.db import database
from bot.desk import staff
from bot.directory import file_format, replace
from bot.menus.flood import FloodGuard
from bot.settings import Settings, load_settings
from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.local_api import Sent
from tests import databases
from tests.directory_data import TODAY, as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram

_user_ids = itertools.count(5_000_001)
IDLE_WITHIN = 30.0  # seconds: far more than any test's updates take, even on a busy machine


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)


def telegram_length(text: str) -> int:
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return len("".join(parser.chunks).encode("utf-16-le")) // 2


def standard_directory() -> str:
    """The directory most tests run with (tests/directory_data.py), as a file's text."""
    return as_yaml(standard_entries())


async def load_directory(url: str, text: str) -> None:
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        parsed = file_format.parse(text)
        async with database.make_sessionmaker(engine)() as session, session.begin():
            await replace.replace_all(session, parsed)
    finally:
        await engine.dispose()


class Harness:
    """The bot and the fake Bot API it talks to. `directory`: a directory file's text, loaded
    before the bot starts; `settings`: any setting, by its field name."""

    def __init__(
        self,
        tmp_path: Path,
        *,
        flood_guard: bool = False,
        db_url: str | None = None,
        directory: str | None = None,
        **settings: Any,
    ) -> None:
        self.tmp_path = tmp_path
        self.db_url = db_url or databases.url_for(tmp_path)
        self.directory = directory
        self.extra_settings = settings
        self.flood_guard = flood_guard
        self.fake = FakeTelegram()
        self.app: Application | None = None  # type: ignore[type-arg]

    async def __aenter__(self) -> Harness:
        try:
            await self.start(self.directory)
        except BaseException:
            await self.stop()  # whatever was started (the fake server, say) is closed again
            raise
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def settings(self) -> Settings:
        return load_settings(
            database_url=self.db_url, telegram_api_url=self.fake.url, **self.extra_settings
        )

    async def start(self, directory_text: str | None = None) -> None:
        logs.configure("DEBUG")  # as `helpline run` does, at its most talkative level
        await self.fake.start()
        if directory_text is not None:
            await load_directory(self.db_url, directory_text)
        app = build_application(self.settings(), token=TOKEN)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        if not self.flood_guard:  # tests tap far faster than a person; the guard has its own
            app.bot_data["core"].flood = FloodGuard(limit=1_000_000, words_limit=1_000_000)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5, allowed_updates=ALLOWED_UPDATES)
        await app.start()
        self.app = app
        await self.fake.wait_for(lambda: self.fake.offsets)  # polling has begun

    async def stop(self) -> None:
        app = self.app
        await self.fake.release_polls()
        try:
            if app is not None:
                assert app.updater is not None
                await app.updater.stop()
                # Bounded: an update stuck for good would otherwise hang the suite here.
                await asyncio.wait_for(app.stop(), IDLE_WITHIN)
                if app.post_shutdown is not None:
                    await app.post_shutdown(app)
                await app.shutdown()
        finally:
            await self.fake.close()

    @property
    def core(self) -> Core:
        """The running bot's core: its memories, counter and settings, to look at or adjust."""
        assert self.app is not None, "the harness is not started"
        found = self.app.bot_data["core"]
        assert isinstance(found, Core)
        return found

    async def add_staff(self, role: str, *user_ids: int, since: dt.date = TODAY) -> None:
        """As `helpline staff add`, seen at once (the bot would see it within half a minute)."""
        for user_id in user_ids:
            await staff.add(self.core.sessions, user_id, role, since)
        self.core.staff_ids.forget()

    def sent(self, method: str = "sendMessage", *, since: int = 0) -> list[dict[str, Any]]:
        """The parameters of every call to `method` the bot made, from call number `since`."""
        return [params for name, params in self.fake.api.calls[since:] if name == method]

    async def idle(self) -> None:
        """Until every update the bot has taken is handled, and what it put in line for the
        volunteers' group is posted."""
        assert self.app is not None
        # Bounded, so that updates stuck for good (a chat's line that never moves on) fail the
        # test within half a minute instead of hanging the suite.
        await asyncio.wait_for(self.app.update_queue.join(), IDLE_WITHIN)
        await asyncio.wait_for(self.core.group_posts.join(), IDLE_WITHIN)

    async def run_jobs(self, *names: str, repeating: bool = False) -> None:
        """Run the pending jobs of these names now, once, as their timers would later; a
        `repeating` job stays scheduled, as its timer would leave it."""
        assert self.app is not None and self.app.job_queue is not None
        for name in names:
            for job in self.app.job_queue.get_jobs_by_name(name):
                if not job.removed:
                    if not repeating:
                        job.schedule_removal()
                    await job.run(self.app)

    async def deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        assert self.app is not None
        await self.fake.notify()
        await self.fake.wait_taken(update["update_id"])
        await self.idle()
        return update

    def person(self, language_code: str | None = "en", **profile: Any) -> Person:
        return Person(self, language_code=language_code, **profile)


class Person:
    """A Telegram user in a private chat with the bot."""

    def __init__(self, harness: Harness, language_code: str | None, **profile: Any) -> None:
        self.harness = harness
        self.user: dict[str, Any] = {
            "id": profile.pop("user_id", next(_user_ids)),
            "is_bot": False,
            "first_name": profile.pop("first_name", "Test"),
            **profile,
        }
        if language_code is not None:
            self.user["language_code"] = language_code
        self.last_query_id: str | None = None

    @property
    def chat_id(self) -> int:
        return int(self.user["id"])

    @property
    def api(self) -> Any:
        return self.harness.fake.api

    async def send(self, text: str | None = None, **content: Any) -> dict[str, Any]:
        return await self.harness.deliver(self.api.user_sends(self.user, text, **content))

    @property
    def screen(self) -> Sent:
        message = self.api.last_bot_message(self.chat_id)
        assert message is not None, "the bot has not written in this chat"
        return message

    def labels(self) -> list[str]:
        return [label for row in self.screen.buttons() for label, _ in row]

    def data_of(self, label_part: str) -> str:
        matches = [d for row in self.screen.buttons() for lb, d in row if label_part in lb]
        assert len(matches) == 1, f"{label_part!r} matches {len(matches)} buttons: {self.labels()}"
        return matches[0]

    async def tap(self, label_part: str) -> dict[str, Any]:
        return await self.press(self.data_of(label_part))

    async def press(self, data: str | None, message: Sent | None = None) -> dict[str, Any]:
        update = self.api.user_taps(self.user, message or self.screen, data)
        self.last_query_id = update["callback_query"]["id"]
        return await self.harness.deliver(update)

    @property
    def answer(self) -> dict[str, Any] | None:
        """How the bot answered the last tap (answerCallbackQuery parameters), if it did."""
        return self.api.answered_queries.get(self.last_query_id)


RELAY_CHAT_ID = -1001234567890  # the volunteers' supergroup with topics, in the tests


class Member:
    """Someone in the volunteers' relay group: writes in a conversation's topic and taps its
    buttons. Whether the bot listens to them is for the bot to decide (staff or not)."""

    def __init__(self, harness: Harness, user_id: int, **profile: Any) -> None:
        self.harness = harness
        self.chat_id = int(harness.extra_settings.get("relay_chat_id", RELAY_CHAT_ID))
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": profile.pop("first_name", "Volunteer"),
            "language_code": profile.pop("language_code", "en"),
            **profile,
        }
        self.last_query_id: str | None = None

    @property
    def api(self) -> Any:
        return self.harness.fake.api

    async def say(self, topic: int, text: str | None = None, **content: Any) -> dict[str, Any]:
        """A message in topic `topic` (text, or content such as `photo=[...]`)."""
        update = self.api.user_sends(
            self.user, text, chat_id=self.chat_id, thread_id=topic, **content
        )
        return await self.harness.deliver(update)

    async def press(self, message: Sent, data: str | None) -> dict[str, Any]:
        update = self.api.user_taps(self.user, message, data)
        self.last_query_id = update["callback_query"]["id"]
        return await self.harness.deliver(update)

    async def tap(self, message: Sent, label_part: str) -> dict[str, Any]:
        found = [d for row in message.buttons() for lb, d in row if label_part in lb]
        assert len(found) == 1, f"{label_part!r} matches {len(found)} buttons"
        return await self.press(message, found[0])


def topics(harness: Harness, chat_id: int = RELAY_CHAT_ID) -> dict[int, str]:
    """The forum topics open in the relay group: thread id -> name."""
    return dict(harness.fake.api.topics.get(chat_id, {}))


def in_topic(harness: Harness, topic: int, chat_id: int = RELAY_CHAT_ID) -> list[Sent]:
    """The messages in a topic, oldest first (the bot's and the members')."""
    chat = harness.fake.api.messages.get(chat_id, {})
    return [chat[i] for i in sorted(chat) if chat[i].thread_id == topic]


def group_calls(harness: Harness, chat_id: int = RELAY_CHAT_ID) -> list[tuple[str, dict[str, Any]]]:
    """Every call the bot made that reached the relay group."""
    return [
        (method, params)
        for method, params in harness.fake.api.calls
        if str(params.get("chat_id")) == str(chat_id)
    ]
