"""Random input against the real bot: updates of every kind, button data, directory files.

A small budget runs with the suite, drawing the same examples on every run (the "suite"
profile in tests/conftest.py), every kind of update among them. `HELPLINE_FUZZ_LONG=1 pytest
tests/test_fuzz.py -s` runs the long mode: new random examples each time, at least 100,000
updates, printing how many of each kind were tried.

The bot runs in process (the real Application, handlers and SQLite or PostgreSQL database, with
PTB's request hook answered by the in-memory Bot API), so that many thousands of updates take
minutes, not hours. Properties: no handler ever raises (the error handler is never reached), every
button tap is answered, /start is still answered at the end, and nothing users send changes
stored data other than the aggregate counts.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.clock import utc_today
from bot.desk import staff
from bot.directory import file_format
from bot.directory.file_format import DirectoryFileInvalid
from bot.menus.callback import Nav, Screen, encode
from bot.menus.flood import FloodGuard
from bot.telegram.app import build_application
from bot.telegram.demo import LocalRequest
from bot.telegram.local_api import LocalBotApi
from tests import databases
from tests.directory_data import as_yaml, entry, standard_entries
from tests.fake_telegram import TOKEN
from tests.fuzz_updates import UPDATE_KINDS, callback_data, updates
from tests.harness import load_directory

LONG = os.environ.get("HELPLINE_FUZZ_LONG") == "1"
UPDATES = 100_000 if LONG else 400
EACH_KIND = 1_000 if LONG else 10
BUTTONS = 20_000 if LONG else 300
FILES = 20_000 if LONG else 200
STAFF_ID = 660001
COUNTS = ("daily_counts", "weekly_need_place")


class Errors(logging.Handler):
    """Every ERROR the bot logs: the error handler's "failed in" line above all."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record.getMessage())


class InProcessBot:
    """The real Application in this process, over the in-memory Bot API, with one member of
    staff; `settings` are passed on to it (the relay's fuzz turns the relay on)."""

    def __init__(
        self, tmp_path: Path, name: str = "fuzz", staff_id: int = STAFF_ID, **settings: Any
    ) -> None:
        self.api = LocalBotApi()
        self.staff_id = staff_id
        self.settings = settings
        self.db_url = databases.url_for(tmp_path, name)
        self.loop = asyncio.new_event_loop()
        self.errors = Errors()
        self.app: Any = None
        self.tried: collections.Counter[str] = collections.Counter()

    def run(self, coroutine: Any) -> Any:
        return self.loop.run_until_complete(coroutine)

    def start(self) -> None:
        from bot.settings import load_settings

        self.run(load_directory(self.db_url, as_yaml(standard_entries())))
        settings = load_settings(
            database_url=self.db_url,
            telegram_api_url="https://fuzz.invalid",
            admin_ids="",
            **self.settings,
        )
        self.app = build_application(settings, token=TOKEN, request=LocalRequest(self.api))
        self.run(self.app.initialize())
        self.run(self.app.post_init(self.app))
        core = self.app.bot_data["core"]
        core.flood = FloodGuard(limit=10**9, words_limit=10**9)  # random senders are not a flood
        self.run(staff.add(core.sessions, self.staff_id, "volunteer", utc_today()))
        core.staff_ids.forget()
        logging.getLogger().addHandler(self.errors)

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        self.run(self.app.post_shutdown(self.app))
        self.run(self.app.shutdown())
        self.loop.close()

    def deliver(self, kind: str, data: dict[str, Any]) -> None:
        self.tried[kind] += 1
        self.run(self.app.process_update(Update.de_json(data, self.app.bot)))

    def stored(self) -> list[str]:
        return databases.run(databases.snapshot(self.db_url, skip=COUNTS))


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcessBot]:
    running = InProcessBot(tmp_path_factory.mktemp("fuzz"))
    running.start()
    before = running.stored()
    yield running
    try:
        assert running.stored() == before, "what users sent changed stored data"
        if LONG:
            print("\nupdates tried, by kind:")
            for kind, count in sorted(running.tried.items()):
                print(f"  {kind:24} {count:>8,}")
            print(f"  {'total':24} {sum(running.tried.values()):>8,}")
    finally:
        running.stop()


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


def test_every_kind_of_update_is_handled_quietly(bot: InProcessBot) -> None:
    def one(drawn: tuple[str, dict[str, Any]]) -> None:
        kind, data = drawn
        if kind == "message" and "document" in data["message"]:
            bot.api.files[f"documents/{data['message']['document']['file_id']}"] = b"x: [1"
        bot.deliver(kind, data)
        assert bot.errors.records == [], (kind, bot.errors.records)
        query = data.get("callback_query")
        if query is not None:
            assert query["id"] in bot.api.answered_queries, "a tap was left unanswered"

    for kind in sorted(UPDATE_KINDS):  # each kind on its own first: none is left to chance
        tried = bot.tried[kind]
        fuzz(EACH_KIND)(given(updates([kind]))(one))()
        assert bot.tried[kind] > tried, kind
    fuzz(UPDATES)(given(updates())(one))()  # then all of them mixed
    assert set(bot.tried) == set(UPDATE_KINDS)
    still_there(bot)


def test_any_button_data_gets_a_calm_answer(bot: InProcessBot) -> None:
    @fuzz(BUTTONS)
    @given(callback_data, st.integers(min_value=1, max_value=2**40))
    def one(data: str | None, user_id: int) -> None:
        user = {"id": user_id, "is_bot": False, "first_name": "F", "language_code": "ko"}
        screen = bot.api.call("sendMessage", {"chat_id": user_id, "text": "a screen"})
        query: dict[str, Any] = {
            "id": f"b{user_id}-{bot.tried['button']}",
            "from": user,
            "chat_instance": "1",
            "message": screen,
        }
        if data is not None:
            query["data"] = data
        bot.deliver("button", {"update_id": 1, "callback_query": query})
        assert bot.errors.records == [], (data, bot.errors.records)
        assert query["id"] in bot.api.answered_queries

    one()
    still_there(bot)


@pytest.mark.parametrize("screen", list(Screen))
def test_a_tap_on_a_message_outside_any_chat_is_answered(bot: InProcessBot, screen: Screen) -> None:
    """The bot has no inline mode, so a tap with an inline message id and no chat is forged.
    Found by the long run: "erase now" took the chat for granted."""
    nav = Nav(screen, "en", "CN", "shelter", 0, "cn-shelter-all")
    if screen in (Screen.ERASE, Screen.ERASE_NOW):
        nav = Nav(screen, "en", "CN", origin=Screen.NEEDS)
    data = encode(nav)
    user = {"id": 5150, "is_bot": False, "first_name": "F", "language_code": "en"}
    query = {
        "id": f"inline-{screen.value}",
        "from": user,
        "chat_instance": "1",
        "inline_message_id": "AAAA-forged",
        "data": data,
    }
    errors = len(bot.errors.records)
    bot.deliver("inline tap", {"update_id": 2, "callback_query": query})
    assert bot.errors.records[errors:] == [], screen
    assert query["id"] in bot.api.answered_queries


def still_there(bot: InProcessBot) -> None:
    """After all of it, /start is answered as on the first day."""
    user = {"id": 424242, "is_bot": False, "first_name": "After", "language_code": "en"}
    calls = len(bot.api.calls)
    bot.deliver("check", bot.api.user_sends(user, "/start"))
    sent = [p for m, p in bot.api.calls[calls:] if m == "sendMessage"]
    assert sent and "Where are you now?" in sent[0]["text"]


# --- directory files, as `helpline directory validate` and a staff upload read them ----------

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=12), inner, max_size=3)
    ),
    max_leaves=12,
)
good = entry("fuzz-entry")
mutated_entries = st.builds(
    lambda key, value: {**good, key: value},
    st.sampled_from([*good, "extra", "internal_note", "description", "expect", "hours"]),
    values,
)
file_texts = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=400).map(lambda b: b.decode("utf-8", "replace")),
    st.lists(mutated_entries, max_size=3).map(
        lambda entries: yaml.safe_dump({"version": 1, "entries": entries}, allow_unicode=True)
    ),
    st.dictionaries(st.text(max_size=10), values, max_size=4).map(yaml.safe_dump),
)


@fuzz(FILES)
@given(file_texts)
def test_a_directory_file_is_either_valid_or_refused_with_reasons(text: str) -> None:
    try:
        parsed = file_format.parse(text, "fuzz.yaml")
    except DirectoryFileInvalid as invalid:
        assert invalid.errors and all(str(error) for error in invalid.errors)
        return
    again = file_format.parse(file_format.dump(parsed.entries, internal=True))
    assert [e.id for e in again.entries] == sorted(e.id for e in parsed.entries)


def test_staff_uploads_of_any_file_are_answered(bot: InProcessBot) -> None:
    staff_user = {"id": STAFF_ID, "is_bot": False, "first_name": "Staff", "language_code": "en"}

    @fuzz(max(FILES // 4, 50))
    @given(file_texts)
    def one(text: str) -> None:
        calls = len(bot.api.calls)
        update = bot.api.user_sends_file(staff_user, "upload.yaml", text.encode("utf-8"))
        bot.deliver("staff upload", update)
        assert bot.errors.records == []
        sent = [p for m, p in bot.api.calls[calls:] if m == "sendMessage"]
        assert sent and sent[-1]["text"].strip()

    before = bot.stored()
    one()
    # Uploads make drafts only (never the directory itself); the fixture's check at the end
    # is about users, so the drafts made here are discarded again.
    bot.run(_discard_drafts(bot))
    assert bot.stored() == before


async def _discard_drafts(bot: InProcessBot) -> None:
    from sqlalchemy import delete, update

    from bot.db.models import Proposal, Staff

    core = bot.app.bot_data["core"]
    async with core.sessions() as session, session.begin():
        await session.execute(delete(Proposal))
        await session.execute(update(Staff).values(waiting_for=None, waiting_since=None, lang="en"))
