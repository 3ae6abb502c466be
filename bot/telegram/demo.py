"""`helpline demo`: a chat in the terminal with the real Application and handlers.

No token and no network: Bot API calls go through PTB's request hook to the in-memory API, the
database is a throwaway SQLite file filled from the demo directory, and both are gone at exit.
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.clock import utc_today
from bot.db import database
from bot.directory import file_format, replace, schema
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.demo_relay import PREFIX, VolunteerSide
from bot.telegram.local_api import ApiError, LocalBotApi, Sent

# The offline demo's placeholder, not a credential.
DEMO_TOKEN = "123456:demo-token-for-the-local-demo"  # nosec B105
DEMO_USER_ID = 700001


def demo_directory_text() -> str:
    return resources.files("bot").joinpath("data/demo_directory.yaml").read_text("utf-8")


class LocalRequest(BaseRequest):
    """PTB's request hook, answered by a LocalBotApi instead of Telegram's servers."""

    def __init__(self, api: LocalBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/bot" in url:  # a file download: the bytes themselves
            path = url.split("/file/bot", 1)[1].split("/", 1)[-1]
            content = self.api.files.get(path)
            return (200, content) if content is not None else (404, b"")
        api_method = url.rsplit("/", 1)[-1]
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None:  # an uploaded file (the statistics' chart): its bytes
            for name, part in request_data.multipart_data.items():
                if isinstance(part[1], bytes):
                    params[name] = part[1]
        try:
            result = self.api.call(api_method, params)
        except ApiError as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            return exc.code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


def plain(text: str) -> str:
    """Telegram HTML as the terminal shows it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"</?(b|i|code|u|s)>", "", text))


class Terminal:
    """Prints what changed in the chat and numbers the buttons of the current screen."""

    def __init__(self, api: LocalBotApi, chat_id: int, out: TextIO) -> None:
        self.api, self.chat_id, self.out = api, chat_id, out
        self.shown: dict[int, tuple[str, str]] = {}
        self.current: Sent | None = None

    def show_changes(self) -> None:
        chat = self.api.messages.get(self.chat_id, {})
        gone = [message_id for message_id in self.shown if message_id not in chat]
        if gone:
            print(f"(the bot deleted {len(gone)} of its messages from the chat)", file=self.out)
            for message_id in gone:
                del self.shown[message_id]
            if self.current is not None and self.current.message_id in gone:
                self.current = None
        for message_id in sorted(chat):
            message = chat[message_id]
            if not message.from_bot:
                continue
            state = (message.text, json.dumps(message.reply_markup, sort_keys=True))
            if self.shown.get(message_id) == state:
                continue
            self.shown[message_id] = state
            self._print(message, edited=message.edits > 0)
        answered = [p for _, p in self.api.calls if p.get("text") and "callback_query_id" in p]
        for params in answered:
            print(f"  ({params['text']})", file=self.out)
        self.api.calls.clear()
        self.out.flush()

    def _print(self, message: Sent, *, edited: bool) -> None:
        print("-" * 60, file=self.out)
        if edited:
            print("(the bot changed its message)", file=self.out)
        print(plain(message.text), file=self.out)
        number = 0
        for row in message.buttons():
            labels = []
            for label, _data in row:
                number += 1
                labels.append(f"[{number}] {label}")
            print("   ".join(labels), file=self.out)
        if message.buttons():
            self.current = message

    def button(self, number: int) -> str | None:
        if self.current is None:
            return None
        flat = [data for row in self.current.buttons() for _, data in row]
        return flat[number - 1] if 1 <= number <= len(flat) else None


async def run_demo(settings: Settings, lang: str, stdin: TextIO, out: TextIO) -> int:
    with tempfile.TemporaryDirectory(prefix="helpline-demo-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}"
        settings = settings.model_copy(update={"database_url": url})
        await load_demo_directory(url)
        api = LocalBotApi()
        application = build_application(settings, token=DEMO_TOKEN, request=LocalRequest(api))
        user = {"id": DEMO_USER_ID, "is_bot": False, "first_name": "Demo", "language_code": lang}
        terminal = Terminal(api, DEMO_USER_ID, out)
        side = VolunteerSide(api, settings, out) if settings.relay_on else None
        print(
            "Local demo: the demo directory in a throwaway database, no network.\n"
            "Type a button's number to press it; anything else is sent as a message;"
            " end of input leaves.",
            file=out,
        )
        if side is not None:
            print(
                "Talk to a person is on: a line beginning with v: is a volunteer's answer in"
                " the newest topic (v:#1 ends it); the volunteers' side is printed with ┃.",
                file=out,
            )
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        try:
            if side is not None:
                await side.prepare(application, lang)
            await _chat(application, api, (terminal, side), user, stdin, out)
        finally:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
            await application.shutdown()
    return 0


async def _chat(
    application: Any,
    api: LocalBotApi,
    sides: tuple[Terminal, VolunteerSide | None],
    user: dict[str, Any],
    stdin: TextIO,
    out: TextIO,
) -> None:
    terminal, volunteer = sides

    async def deliver(update: dict[str, Any]) -> None:
        api.updates.clear()
        await application.process_update(Update.de_json(update, application.bot))
        # Copies for the volunteers' group go out after her turn (bot/relay/posting.py): shown
        # before the next line is read, as a volunteer would see them before answering.
        await application.bot_data["core"].group_posts.join()
        if volunteer is not None:
            volunteer.show_changes()
        terminal.show_changes()

    print("> /start", file=out)
    await deliver(api.user_sends(user, "/start"))
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stdin.readline)
        if not line:
            return
        line = line.strip()
        if not line:
            continue
        if volunteer is not None and line.startswith(PREFIX):
            update = volunteer.update_for(line)
            if update is not None:
                print(f"> {line}", file=out)
                await deliver(update)
        elif line.isdigit():
            data = terminal.button(int(line))
            if data is None or terminal.current is None:
                print(f"(there is no button {line} on this screen)", file=out)
                continue
            print(f"> [{line}]", file=out)
            await deliver(api.user_taps(user, terminal.current, data))
        else:
            print(f"> {line}", file=out)
            await deliver(api.user_sends(user, line))


async def load_demo_directory(url: str) -> None:
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        parsed = recent(file_format.parse(demo_directory_text(), "demo_directory.yaml"))
        async with database.make_sessionmaker(engine)() as session, session.begin():
            await replace.replace_all(session, parsed)
    finally:
        await engine.dispose()


def recent(parsed: schema.DirectoryFile) -> schema.DirectoryFile:
    """Move the demo's check dates so that its newest entry was checked today.

    The file's dates are fixed; without this the whole demo would go stale six months after it
    was written. Entries keep their age relative to each other, so the stale one stays stale.
    """
    dates = [e.verified_on for e in parsed.entries if e.verified_on is not None]
    offset = utc_today() - max(dates)
    entries = [
        e.model_copy(update={"verified_on": e.verified_on + offset}) if e.verified_on else e
        for e in parsed.entries
    ]
    return parsed.model_copy(update={"entries": entries})


def main(settings: Settings, lang: str) -> int:
    # The throwaway database's migration is not news in a terminal chat.
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))
    return asyncio.run(run_demo(settings, lang, sys.stdin, sys.stdout))
