"""The privacy regression suite: nothing about a user is ever written.

The real `helpline run` process, at LOG_LEVEL=DEBUG, talks over loopback to the fake Bot API.
Canary users in Korean, Chinese and English walk every user path (navigation, language switch,
typed text (words that lead to a need among them), every media kind, a shared contact and
location, forged buttons, a failing Bot API call, safety and auto-erase, erase, and a
conversation with a volunteer through the relay)
and one floods. Then every byte the process wrote (the
database and its journal, the log, everything under its working, home and temp folders,
anything changed in the project) is searched for each canary in decimal, UTF-8, UTF-16 and
JSON-escaped form; the schema is checked for columns that could hold a user; and every message
the bot sent is checked for protect_content. What reached the volunteers' relay group (every
call to it, every message in it) is searched for her id, names, username and phone.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import os
import re
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import BigInteger, Integer, LargeBinary, inspect

from bot import logs
from bot.db import database
from bot.menus.callback import Screen, decode
from bot.menus.flood import FloodGuard
from bot.telegram.local_api import LocalBotApi
from tests import databases
from tests.directory_data import as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import RELAY_CHAT_ID, load_directory
from tests.relay_helpers import RELAY_KEY

VOLUNTEER = {"id": 6100001, "is_bot": False, "first_name": "Volunteer", "language_code": "en"}

pytestmark = pytest.mark.privacy

PROJECT = Path(__file__).resolve().parent.parent

FIRST_NAMES = {"ko": "김캐너리", "zh": "金金丝雀", "en": "Qanaryfirst"}
CODES = {"ko": "ko", "zh": "zh-hans", "en": "en"}
# Two canaries per language: one walks the menus, one sends things. Each stays under the
# flood guard's limit, as a person would.
USERS = [
    {
        "id": 7390218400 + 10 * i + j,
        "is_bot": False,
        "first_name": f"{FIRST_NAMES[lang]}{j}",
        "last_name": f"Qanarylast{lang}{j}",
        "username": f"zq_canary_{lang}{j}",
        "language_code": CODES[lang],
    }
    for i, lang in enumerate(("ko", "zh", "en"))
    for j in range(2)
]
FLOODER = {
    "id": 7390218468,
    "is_bot": False,
    "first_name": "Qanaryflood",
    "username": "zq_canary_flood",
    "language_code": "en",
}
TYPED = "canary-text-7f3e9 나는 연길 시장에 있어요 我在延吉"
# Typed words that lead to a need (bot/menus/typed.py), with the same canaries around them.
KEYWORDS = "canary-text-7f3e9 제 아이를 찾고 싶어요 연길 시장 我在延吉 my child"
DANGER = "canary-text-7f3e9 救命 연길 시장 我在延吉"
PHONE = "+8613912345678"
FILE = {"file_id": "canaryfileid77", "file_unique_id": "canaryuniq77"}
MEDIA: list[dict[str, Any]] = [
    {"photo": [{**FILE, "width": 1, "height": 1}], "caption": TYPED},
    {
        "sticker": {
            **FILE,
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    },
    {"voice": {**FILE, "duration": 3}},
    {"audio": {**FILE, "duration": 3}},
    {"video": {**FILE, "width": 1, "height": 1, "duration": 1}},
    {"video_note": {**FILE, "length": 1, "duration": 1}},
    {"animation": {**FILE, "width": 1, "height": 1, "duration": 1}},
    {"document": {**FILE, "file_name": "canary-passport.jpg"}},
    {"location": {"latitude": 42.9047, "longitude": 129.5134}},
    {
        "venue": {
            "location": {"latitude": 42.9047, "longitude": 129.5134},
            "title": "canary-venue-title",
            "address": "canary-venue-address",
        }
    },
    {"contact": {"phone_number": PHONE, "first_name": "Qanarycontact", "user_id": 7390218499}},
    {"dice": {"emoji": "🎲", "value": 3}},
]


def encodings(text: str) -> list[bytes]:
    forms = [text.encode(), text.encode("utf-16-le"), text.encode("utf-16-be")]
    escaped = json.dumps(text)[1:-1].encode()
    if escaped not in forms:
        forms.append(escaped)
    return forms


def canaries() -> dict[str, list[bytes]]:
    found: dict[str, list[bytes]] = {}
    for user in [*USERS, FLOODER, {"id": 7390218499}]:
        uid = int(user["id"])
        found[f"id {uid}"] = [
            *encodings(str(uid)),
            uid.to_bytes(8, "big"),
            uid.to_bytes(8, "little"),
            uid.to_bytes(6, "big"),
        ]
        for key in ("first_name", "last_name", "username"):
            if key in user:
                found[f"{key} {user[key]}"] = encodings(user[key])
    for name, value in [
        ("typed text", "canary-text-7f3e9"),
        ("typed Korean", "연길 시장"),
        ("typed Chinese", "我在延吉"),
        ("typed keywords", "아이를 찾고 싶어요"),
        ("phone", PHONE),
        ("phone digits", PHONE[1:]),
        ("file id", "canaryfileid77"),
        ("file name", "canary-passport"),
        ("venue", "canary-venue"),
        ("contact name", "Qanarycontact"),
        ("latitude", "42.9047"),
    ]:
        found[name] = encodings(value)
    return found


def files_written(roots: list[Path], since: float) -> list[Path]:
    written = []
    for root in roots:
        for path in root.rglob("*"):
            if ".git" in path.parts or ".venv" in path.parts or not path.is_file():
                continue
            if root == PROJECT and path.stat().st_mtime < since:
                continue
            written.append(path)
    return written


async def until(predicate: Callable[[], bool], within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not answer in time")
        await asyncio.sleep(0.01)


class Canary:
    """One user driving the real bot process through the fake server."""

    def __init__(self, fake: FakeTelegram, user: dict[str, Any]) -> None:
        self.fake, self.user = fake, user
        self.api: LocalBotApi = fake.api
        self.chat_id = int(user["id"])

    async def send(self, text: str | None = None, **content: Any) -> None:
        update = self.api.user_sends(self.user, text, **content)
        await self.fake.notify()
        message_id = update["message"]["message_id"]
        await until(lambda: message_id not in self.api.messages.get(self.chat_id, {}))

    async def press(self, data: str | None, *, edits: bool = True) -> None:
        screen = self.api.last_bot_message(self.chat_id)
        assert screen is not None
        before = len(self.api.calls)
        update = self.api.user_taps(self.user, screen, data)
        await self.fake.notify()
        query_id = update["callback_query"]["id"]
        if edits:
            await until(lambda: any(m == "editMessageText" for m, _ in self.api.calls[before:]))
        else:
            await until(
                lambda: any(
                    p.get("callback_query_id") == query_id for _, p in self.api.calls[before:]
                )
            )

    def button(self, test: Callable[[Any], bool]) -> str:
        screen = self.api.last_bot_message(self.chat_id)
        assert screen is not None
        return next(d for row in screen.buttons() for _, d in row if test(decode(d)))

    async def walk_menus(self) -> None:
        lang = self.user["language_code"][:2]
        await self.send("/start")
        # Urgent help, her place, a card: as many taps as the flood guard lets a walk make.
        await self.press(self.button(lambda n: n.screen is Screen.PLACES and n.need is not None))
        await self.press(self.button(lambda n: n.screen is Screen.LIST and n.place == "CN"))
        await self.press(self.button(lambda n: n.screen is Screen.CARD))
        await self.press(self.button(lambda n: n.screen is Screen.MORE))
        await self.press(self.button(lambda n: n.screen is Screen.LANGUAGES))
        other = "en" if lang != "en" else "ko"
        await self.press(self.button(lambda n: n.screen is Screen.SET_LANGUAGE and n.lang == other))
        await self.press(self.button(lambda n: n.screen is Screen.MORE))
        await self.press(self.button(lambda n: n.screen is Screen.LANGUAGES))
        await self.press(self.button(lambda n: n.screen is Screen.SET_LANGUAGE and n.lang == lang))
        await self.send(KEYWORDS)  # on the needs screen: to the contacts for her child
        await self.press(f"forged {TYPED}"[:60])
        # A Bot API call that fails on every try: it is logged, without her.
        self.fake.faults["editMessageText"] = ["500", "500", "500"]
        await self.press(self.button(lambda n: n.screen is Screen.NEEDS), edits=False)
        await self.send("/help")
        await self.send("/about")
        await self.send("/safety")
        await self.press(self.button(lambda n: n.screen is Screen.AUTO_ERASE))
        await self.press(self.button(lambda n: n.screen is Screen.SAFETY and n.auto == 10))
        await self.press(self.button(lambda n: n.screen is Screen.ERASE))
        await self.erase()

    async def walk_relay(self) -> None:
        """/talk, Start (nobody is on duty), Leave a message; her words, a photo, a location,
        a venue and a contact; a volunteer's answer; End conversation."""
        await self.send("/talk")
        await self.press(self.button(lambda n: n.screen is Screen.TALK_START))
        await self.press(self.button(lambda n: n.screen is Screen.TALK_LEAVE))
        thread = max(self.api.topics[RELAY_CHAT_ID])
        await self.say(TYPED)
        await self.say(None, **MEDIA[0])  # a photo, its caption her words
        for content in MEDIA[-4:-1]:  # a location, a venue and a contact: refused, deleted
            await self.send(**content)
        before = len(self.api.calls)
        self.api.user_sends(VOLUNTEER, "an answer", chat_id=RELAY_CHAT_ID, thread_id=thread)
        await self.fake.notify()
        await until(
            lambda: any(p.get("chat_id") == self.chat_id for _, p in self.api.calls[before:])
        )
        await self.press(self.button(lambda n: n.screen is Screen.TALK_END), edits=False)
        await until(lambda: thread not in self.api.topics[RELAY_CHAT_ID])

    async def say(self, text: str | None, **content: Any) -> None:
        """A message in her conversation: copied into its topic, and left in her chat."""
        update = self.api.user_sends(self.user, text, **content)
        await self.fake.notify()
        message_id = update["message"]["message_id"]
        await until(
            lambda: any(
                m == "copyMessage"
                and p.get("message_id") == message_id
                and p.get("from_chat_id") == self.chat_id
                for m, p in self.api.calls
            )
        )

    async def walk_content(self) -> None:
        await self.send(TYPED)
        for content in MEDIA:
            await self.send(**content)
        await self.send("/erase")
        await self.erase()

    async def erase(self) -> None:
        """Tap "Yes, erase now"; every message id of the session must be asked to go."""
        every_id = set(range(1, self.api._next_message[self.chat_id]))
        before = len(self.api.calls)
        await self.press(self.button(lambda n: n.screen is Screen.ERASE_NOW), edits=False)
        await until(lambda: self.api.messages[self.chat_id].keys() <= {max(every_id) + 1})
        asked = {
            int(i)
            for m, p in self.api.calls[before:]
            if m == "deleteMessages" and int(p["chat_id"]) == self.chat_id
            for i in p["message_ids"]
        }
        assert every_id <= asked, "erase missed messages of the session"

    async def flood(self) -> None:
        for i in range(45):  # past the flood guard's 40 of her messages in 10 seconds
            self.api.user_sends(self.user, f"{TYPED} {i}")
        await self.fake.notify()
        await until(
            lambda: any(
                m == "sendMessage" and int(p["chat_id"]) == self.chat_id and "reply_markup" not in p
                for m, p in self.api.calls
            )
        )


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_nothing_identifying_is_written_anywhere(tmp_path: Path, log_format: str) -> None:
    started = time.time()
    home, temp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    temp.mkdir()
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    fake.api.topics[RELAY_CHAT_ID] = {}  # the volunteers' group is a forum
    log_path = tmp_path / "bot.log"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TMPDIR": str(temp),
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "LOG_LEVEL": "DEBUG",
        "LOG_FORMAT": log_format,
        "PYTHONPATH": str(PROJECT),
        "RELAY_CHAT_ID": str(RELAY_CHAT_ID),
        "RELAY_KEY": RELAY_KEY,
        "ADMIN_IDS": str(VOLUNTEER["id"]),  # staff, who may answer in the relay group
    }
    with log_path.open("wb") as log:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=log, stderr=log
        )
        try:
            await fake.wait_for(lambda: fake.offsets, within=60)
            for menus, content in zip(USERS[::2], USERS[1::2], strict=True):
                await Canary(fake, menus).walk_menus()
                await Canary(fake, content).walk_relay()
                await Canary(fake, content).walk_content()
            await Canary(fake, FLOODER).flood()
            process.send_signal(signal.SIGTERM)
            await fake.release_polls()
            code = await asyncio.wait_for(process.wait(), 30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await fake.close()
    assert code == 0

    logged = log_path.read_text("utf-8")
    if log_format == "json":  # one object per line, and the same checks below
        lines = [json.loads(line) for line in logged.splitlines() if line.strip()]
        assert {"time", "level", "logger", "message"} <= set(lines[0])
        logged = "\n".join(f"{x['level']} {x['logger']}: {x['message']}" for x in lines)
    assert "DEBUG bot.telegram.app" in logged  # the log really ran at DEBUG
    assert "failed in" in logged and "NetworkError" in logged  # the failing call was logged
    assert TOKEN not in logged

    written = files_written([tmp_path, PROJECT], started)
    assert log_path in written
    if not databases.on_postgres():
        assert tmp_path / "helpline.db" in written
    rows = "\n".join(await databases.snapshot(db_url)).encode()  # the server's tables too
    assert "daily_counts" in rows.decode()  # the counts were flushed at shutdown
    leaks = [
        f"{name} in {path}"
        for path in written
        for name, needles in canaries().items()
        if any(needle in path.read_bytes() for needle in needles)
    ]
    leaks += [
        f"{name} in the database"
        for name, needles in canaries().items()
        if any(needle in rows for needle in needles)
    ]
    assert not leaks, leaks

    assert not relay_leaks(fake.api), relay_leaks(fake.api)
    assert fake.api.deleted_topics and not fake.api.topics[RELAY_CHAT_ID]  # all ended

    sends = [p for m, p in fake.api.calls if m == "sendMessage"]
    assert sends and all(p.get("protect_content") is True for p in sends)
    assert not any("example-safe-line" in p.get("text", "") for p in sends)  # no demo data

    engine = database.make_engine(db_url)
    try:
        async with engine.connect() as connection:
            columns = await connection.run_sync(_columns)
    finally:
        await engine.dispose()
    for table, name, kind in columns:
        if table in ("staff", "alembic_version"):
            continue
        if (table, name) in KEYED_COLUMNS:
            assert isinstance(kind, LargeBinary), f"{table}.{name} must hold bytes only"
            continue
        assert not any(word in name for word in ("user", "chat", "telegram")), name
        if isinstance(kind, (Integer, BigInteger)):
            assert (table, name) in INTEGER_COLUMNS, f"{table}.{name} could hold an id"


# The identifying parts of her, as the volunteers' group could learn them: everything but
# the text and files she chose to send them.
RELAY_CANARIES = (
    "id ",
    "first_name",
    "last_name",
    "username",
    "phone",
    "contact",
    "venue",
    "latitude",
)


def relay_leaks(api: LocalBotApi) -> list[str]:
    """Canaries in anything the relay group was sent or holds: every call's parameters (but
    copyMessage's `from_chat_id`, which tells Telegram where to copy from and which no member
    sees) and every message in the group as a member's app would receive it."""
    seen: list[str] = []
    for method, params in api.calls:
        if str(params.get("chat_id")) != str(RELAY_CHAT_ID):
            continue
        shown = {k: v for k, v in params.items() if k != "from_chat_id"}
        seen.append(f"{method} {json.dumps(shown, ensure_ascii=False, default=repr)}")
    for message in api.made_by_bot:
        if message.chat_id == RELAY_CHAT_ID:
            as_received = {**api.message_json(message), "content": message.content}
            seen.append(json.dumps(as_received, ensure_ascii=False))
    text = "\n".join(seen).encode()
    return [
        f"{name} in the relay group"
        for name, needles in canaries().items()
        if name.startswith(RELAY_CANARIES) and any(needle in text for needle in needles)
    ]


def _columns(connection: Any) -> list[tuple[str, str, Any]]:
    schema = inspect(connection)
    return [
        (table, column["name"].lower(), column["type"])
        for table in schema.get_table_names()
        for column in schema.get_columns(table)
    ]


# Integer columns outside the staff table, each checked to be unable to hold a person: list
# positions, and aggregate counts (written only by the counter's upserts, from increments).
INTEGER_COLUMNS = {
    ("audit", "id"),
    ("proposals", "id"),
    ("proposals", "batch"),  # the id of a batch's first proposal
    # Staff ids: written only for a sender whose role the database has just confirmed
    # (tests/test_authorization.py feeds every staff handler from a non-staff user).
    ("proposals", "author"),
    ("proposals", "reviewer"),
    ("daily_counts", "count"),
    ("weekly_need_place", "count"),
    ("stats_cells", "count"),  # sums of the counts above, copied when a period is published
    ("stats_periods", "min_count"),  # the STATS_MIN_COUNT setting a period was decided with
    ("contacts", "position"),
    ("entry_categories", "position"),
    ("entry_regions", "position"),
    ("entry_languages", "position"),
    # A forum topic's number in the volunteers' group (Talk to a person), not a person's.
    ("relay_conversations", "topic_id"),
}
# Named for a chat, holding none: HMAC-SHA256 of her chat id under a key derived from
# RELAY_KEY, which is never in the database (tests/test_relay_store.py looks at the bytes).
KEYED_COLUMNS = {("relay_conversations", "chat_tag")}


async def test_timers_and_flood_write_nothing_either(tmp_path: Path) -> None:
    """What the subprocess run cannot wait for: the auto-erase timer firing, the erase line's
    own deletion, and the flood guard, in-process with the log at DEBUG."""
    from tests.harness import Harness, standard_directory

    async with Harness(tmp_path, flood_guard=True, directory=standard_directory()) as harness:
        stream = io.StringIO()
        logs.configure("DEBUG", stream, secrets=[TOKEN])
        assert logging.getLogger().isEnabledFor(logging.DEBUG)  # the log really runs at DEBUG
        assert harness.app is not None and harness.app.job_queue is not None
        her = harness.person(
            **{k: v for k, v in USERS[0].items() if k not in ("id", "is_bot")},
            user_id=USERS[0]["id"],
        )
        await her.send("/safety")
        await her.tap("⏱")
        await her.press(her.data_of("10"))
        await her.send(TYPED)
        await harness.run_jobs("auto-erase")
        assert harness.fake.api.messages[her.chat_id] == {}
        await her.send("/erase")
        await her.press(her.screen.buttons()[0][0][1])
        await harness.run_jobs("erase")
        harness.core.flood = FloodGuard(clock=lambda: 0.0)  # every message in one window
        before = len(her.api.calls)
        for i in range(45):  # typed: forty pass in a window (bot/menus/flood.py)
            await her.send(f"{TYPED} {i}")
        # The guard spoke: one calm line, with no buttons; what came after it was held.
        spoke = [
            p
            for m, p in her.api.calls[before:]
            if m == "sendMessage" and p.get("chat_id") == her.chat_id and "reply_markup" not in p
        ]
        assert len(spoke) == 1, "the flood guard never stopped her"
        key = harness.core.counter._key  # the unique-user key, in memory
        assert len(key) == 32
    logged = stream.getvalue().encode()
    rows = "\n".join(await databases.snapshot(harness.db_url)).encode()  # PostgreSQL's too
    assert b"daily_counts" in rows
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    searched = [("log", logged), ("the database", rows)]
    searched += [(str(p), p.read_bytes()) for p in written]
    leaks = [
        f"{name} in {where}"
        for where, data in searched
        for name, needles in canaries().items()
        if name.startswith(("id 73902184", "first_name", "last_name", "username", "typed"))
        and any(needle in data for needle in needles)
    ]
    assert not leaks, leaks
    key_forms = [key, key.hex().encode(), base64.b64encode(key)]
    assert not [where for where, data in searched if any(f in data for f in key_forms)]


async def test_words_that_lead_to_a_need_are_not_written_anywhere(tmp_path: Path) -> None:
    """In-process, with the log at DEBUG: a canary user types words that take her to a need,
    on the needs screen and before any place, and her screen is remembered in the meantime.
    Nothing of her or of her words is in the log, the database or any file written."""
    from bot.menus.typed import need_for
    from tests.harness import Harness, standard_directory

    assert need_for(KEYWORDS) == "family" and need_for(DANGER) == "emergency"
    user = USERS[2]
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        stream = io.StringIO()
        logs.configure("DEBUG", stream, secrets=[TOKEN])
        assert logging.getLogger().isEnabledFor(logging.DEBUG)  # the log really runs at DEBUG
        her = harness.person(
            **{k: v for k, v in user.items() if k not in ("id", "is_bot")}, user_id=user["id"]
        )
        await her.send(DANGER)  # before a place: the places question, leading on to danger
        led_to = {decode(d).need for row in her.screen.buttons()[:4] for _, d in row}
        assert led_to == {"emergency"}
        await her.send("/start")
        await her.tap("在中国")
        await her.send(KEYWORDS)  # on the needs screen: the contacts for her child
        back = decode(her.data_of("◀"))  # to the menu it is chosen from, in her place
        assert back.screen in (Screen.NEEDS, Screen.TOPIC) and back.place == "CN"
        assert "寻找或联系我的孩子和家人" in her.screen.text  # the family need, in Chinese
        assert len(harness.core.last_screens) == 1
        await her.send(TYPED)
        await her.send("/erase")
        await her.press(her.screen.buttons()[0][0][1])
        assert len(harness.core.last_screens) == 0
    logged = stream.getvalue().encode()
    rows = "\n".join(await databases.snapshot(harness.db_url)).encode()
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    # The counts reached the database. On SQLite its file is among those searched; on
    # PostgreSQL (HELPLINE_TEST_DATABASE) nothing is written under the test's folder.
    assert "daily_counts" in rows.decode()
    assert written or not harness.db_url.startswith("sqlite")
    leaks = [
        f"{name} in {where}"
        for where, data in [
            ("the log", logged),
            ("the database", rows),
            *((str(p), p.read_bytes()) for p in written),
        ]
        for name, needles in canaries().items()
        if any(needle in data for needle in needles)
    ]
    assert not leaks, leaks


async def test_her_id_never_travels_to_the_database(tmp_path: Path) -> None:
    """Not even as a query parameter (a database server may log slow queries with theirs):
    staff checks for users' messages, files, commands and buttons are answered from memory."""
    from sqlalchemy import event

    from bot.desk.callback import Act, Tap, encode
    from tests.harness import Harness, standard_directory

    parameters: list[str] = []

    def seen(*args: Any) -> None:
        parameters.append(repr(args[3]))  # (connection, cursor, statement, parameters, ...)

    async with Harness(tmp_path, directory=standard_directory()) as harness:
        assert harness.app is not None
        engine = harness.app.bot_data["engine"]
        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        try:
            her = harness.person("ko", user_id=7390218499)
            await her.send("/start")
            await her.tap("중국에")
            await her.send("cn-shelter-ko")
            await her.send("/volunteer")
            await her.send("/history cn-shelter-ko")
            await her.send("/stats")
            await harness.deliver(her.api.user_sends_file(her.user, "a.yaml", b"version: 1"))
            await her.press(encode(Tap(Act.STAFF, "ko")))
            await her.press(encode(Tap(Act.APPROVE, "ko", 1)))
        finally:
            event.remove(engine.sync_engine, "before_cursor_execute", seen)
    assert parameters  # the directory was read
    assert not [p for p in parameters if "7390218499" in p]


class _Kept(logging.Handler):
    """Every record that reaches the root logger, kept for the test to read."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def test_no_log_line_follows_a_persons_steps(tmp_path: Path) -> None:
    """A log line for each tap, each with its time, is the sequence of one person's steps
    that this project never keeps. At DEBUG, a user's whole journey and a volunteer's work
    (a re-check, a proposal, its review) log nothing of ours, and nothing anywhere names a
    screen or a button."""
    from bot.desk.callback import Act
    from tests.harness import Harness, standard_directory

    volunteer_id, reviewer_id = 640001, 640002
    kept = _Kept()
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        assert harness.app is not None
        await harness.add_staff("volunteer", volunteer_id, reviewer_id)
        logging.getLogger().addHandler(kept)
        try:
            assert logging.getLogger().getEffectiveLevel() == logging.DEBUG
            her = harness.person("en")
            await her.send("/start")
            await her.tap("In China")
            await her.tap("A place to stay")
            await her.tap("A safe place to stay")
            await her.tap("Bravo Shelter")
            await her.tap("This contact did not work")
            await her.tap("Yes, report")
            await her.tap("Back")
            await her.tap("More")
            await her.tap("Language")
            await her.tap("한국어")
            await her.send("/safety")

            anna = harness.person("en", user_id=volunteer_id)
            await anna.send("/volunteer")
            await anna.tap("Find by id")
            await anna.send("cn-shelter-ko")
            await anna.tap("Still correct")  # a visible entry: checked at once
            await anna.tap("Needs a change")
            await anna.tap("Name")
            await anna.tap("English")
            await anna.send("Renamed Shelter")
            await anna.tap("Check and submit")
            await anna.tap("Submit for review")
            bora = harness.person("en", user_id=reviewer_id)
            await bora.send("/volunteer")
            await bora.tap("Review (1)")
            await bora.tap("cn-shelter-ko")
            await bora.tap("Approve")
            assert "Approved" in bora.screen.text
            for name in ("bot.probe", "handlers.probe"):  # a line of ours would be seen
                logging.getLogger(name).debug("PROBE")
        finally:
            logging.getLogger().removeHandler(kept)
    ours = [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in kept.records
        if r.name.partition(".")[0] in ("bot", "handlers")
    ]
    assert ours == ["DEBUG bot.probe: PROBE", "DEBUG handlers.probe: PROBE"]
    steps = {screen.name for screen in Screen} | {act.name for act in Act}
    named = [
        f"{r.name}: {r.getMessage()}"
        for r in kept.records
        if any(re.search(rf"\b{step}\b", r.getMessage()) for step in steps)
    ]
    assert named == []


async def test_an_open_conversation_is_unreadable_without_the_key_and_gone_after(
    tmp_path: Path,
) -> None:
    """In-process, at DEBUG: while her conversation is open, its row holds none of her
    canaries and does not open under another key; the log says nothing of her; when it
    ends, no row is left."""
    from sqlalchemy import select

    from bot.db.models import RelayConversation
    from bot.relay import conversations
    from bot.relay.keys import RelayKeys
    from bot.relay.route import RouteUnreadable, unseal
    from tests.harness import Member
    from tests.relay_helpers import on_duty, relay_harness, start_talking

    async with relay_harness(tmp_path) as harness:
        stream = io.StringIO()
        logs.configure("DEBUG", stream, secrets=[TOKEN, RELAY_KEY])
        volunteer: Member = await on_duty(harness, signature="Mina")
        her = harness.person(
            **{k: v for k, v in USERS[1].items() if k not in ("id", "is_bot")},
            user_id=USERS[1]["id"],
        )
        thread = await start_talking(her, "ko")
        await her.send(TYPED)
        await her.send(contact={"phone_number": PHONE, "first_name": "Qanarycontact"})
        await volunteer.say(thread, "an answer")
        rows = "\n".join(await databases.snapshot(harness.db_url)).encode()
        async with harness.core.sessions() as session:
            (row,) = (await session.scalars(select(RelayConversation))).all()
        other = RelayKeys.from_secret(RELAY_KEY[::-1])
        with pytest.raises(RouteUnreadable):
            unseal(other, row.code, row.sealed)
        assert await conversations.by_chat(harness.core.sessions, other, her.chat_id) is None
        assert await conversations.by_topic(harness.core.sessions, other, thread) is None
        await her.press(her.data_of("이야기 끝내기"))
        after = await databases.snapshot(harness.db_url)
    assert row.topic_id == thread and len(row.chat_tag) == 32
    leaks = [
        f"{name} in {where}"
        for where, data in [("the open row", rows), ("the log", stream.getvalue().encode())]
        for name, needles in canaries().items()
        if any(needle in data for needle in needles)
    ]
    assert not leaks, leaks
    assert not [line for line in after if line.startswith("relay_conversations")]
