"""What the preview records: each screen the real bot shows after a step of a scripted chat.

A step is one update (a command, a tap, a typed message, a file) delivered to the running
Application (bot/telegram/local_bot.py). Afterwards every message of the bot that is new or
changed, in any chat (hers, a volunteer's, the volunteers' group), is one `Shot`, titled with
how it was reached; the short notice a tap was answered with goes with it. Nothing is built
here: the screens are what the bot sent to the in-memory Bot API.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.telegram.local_api import LocalBotApi, Sent
from bot.telegram.local_bot import LocalBot

Buttons = tuple[tuple[tuple[str, str], ...], ...]
"""Rows of (label, callback data)."""

ARROW = " → "


@dataclass(frozen=True)
class Shot:
    """One screen as the bot showed it."""

    title: str  # how it is reached, e.g. "/start → In China → A place to stay"
    where: str  # whose chat it is shown in
    text: str  # Telegram HTML, as sent
    rows: Buttons = ()
    notice: str | None = None  # the short notice the tap was answered with
    image: bytes | None = None  # a picture sent with the text as its caption
    deleted: int = 0  # messages the step deleted from this chat

    @property
    def labels(self) -> list[list[str]]:
        return [[label for label, _data in row] for row in self.rows]


@dataclass
class Section:
    """Screens that belong together, in the order they were reached."""

    name: str
    about: str
    shots: list[Shot] = field(default_factory=list)


@dataclass
class Person:
    """Someone in a chat with the bot: the Telegram user and the chat's name on the page."""

    user: dict[str, Any]
    where: str

    @property
    def chat_id(self) -> int:
        return int(self.user["id"])


def _state(message: Sent) -> tuple[str, str]:
    return message.text, json.dumps(message.reply_markup, sort_keys=True)


def buttons_of(message: Sent) -> Buttons:
    return tuple(tuple(row) for row in message.buttons())


class Recorder:
    """Delivers steps to the bot and turns what changed into shots, in the current section."""

    def __init__(self, bot: LocalBot, chat_names: Callable[[int, Sent], str]) -> None:
        self.bot = bot
        self.api: LocalBotApi = bot.api
        self.sections: list[Section] = []
        self._chat_names = chat_names

    def section(self, name: str, about: str) -> Section:
        found = Section(name, about)
        self.sections.append(found)
        return found

    def _bot_messages(self) -> dict[tuple[int, int], tuple[str, str]]:
        return {
            (chat, message_id): _state(message)
            for chat, messages in self.api.messages.items()
            for message_id, message in messages.items()
            if message.from_bot
        }

    async def step(
        self,
        title: str,
        update: dict[str, Any],
        tapped: Sent | None = None,
        *,
        keep: bool = True,
        wait: bool = True,
    ) -> list[Shot]:
        """Deliver `update`; the shots of what it changed (kept in the current section unless
        `keep` is false). A tap that changed nothing still shows the screen it was on.
        `wait`: for the copies it leaves for the volunteers' group too."""
        return await self._record(title, self.bot.deliver(update, wait=wait), tapped, keep)

    async def run_job(self, name: str, title: str) -> list[Shot]:
        """Run one of the bot's timed jobs now, as its time had come."""
        return await self._record(title, self.bot.run_job(name), None, True)

    async def _record(
        self, title: str, happening: Awaitable[None], tapped: Sent | None, keep: bool
    ) -> list[Shot]:
        before = self._bot_messages()
        self.api.calls.clear()
        await happening
        notices = [
            str(params["text"])
            for method, params in self.api.calls
            if method == "answerCallbackQuery" and params.get("text")
        ]
        notice = notices[-1] if notices else None
        after = self._bot_messages()
        gone: dict[int, int] = {}
        for chat, _message_id in set(before) - set(after):
            gone[chat] = gone.get(chat, 0) + 1
        shots: list[Shot] = []
        for key in sorted(after, key=lambda k: (k[0] != (tapped.chat_id if tapped else 0), k)):
            if before.get(key) == after[key]:
                continue
            chat, message_id = key
            message = self.api.messages[chat][message_id]
            shots.append(self._shot(title, message, notice if not shots else None, gone))
        if not shots and tapped is not None:
            current = self.api.messages.get(tapped.chat_id, {}).get(tapped.message_id)
            if current is not None:
                shots.append(self._shot(title, current, notice, gone))
            elif notice is not None:  # the screen is gone: only the notice is left
                where = self._chat_names(tapped.chat_id, tapped)
                deleted = gone.get(tapped.chat_id, 0)
                shots.append(Shot(title, where, "", notice=notice, deleted=deleted))
        if keep and self.sections:
            self.sections[-1].shots.extend(shots)
        return shots

    def _shot(self, title: str, message: Sent, notice: str | None, gone: dict[int, int]) -> Shot:
        return Shot(
            title=title,
            where=self._chat_names(message.chat_id, message),
            text=message.text,
            rows=buttons_of(message),
            notice=notice,
            image=message.photo,
            deleted=gone.pop(message.chat_id, 0),
        )

    def screen_of(self, person: Person) -> Sent | None:
        """The newest message with buttons in her chat: the screen she taps on."""
        found = [
            m
            for m in self.api.messages.get(person.chat_id, {}).values()
            if m.from_bot and m.reply_markup
        ]
        return max(found, key=lambda m: m.message_id) if found else None

    async def send(self, person: Person, title: str, text: str, **content: Any) -> list[Shot]:
        return await self.step(title, self.api.user_sends(person.user, text, **content))

    async def tap(
        self, person: Person, title: str, data: str, on: Sent | None = None, *, keep: bool = True
    ) -> list[Shot]:
        message = on or self.screen_of(person)
        assert message is not None, "nothing to tap on"
        update = self.api.user_taps(person.user, message, data)
        return await self.step(title, update, message, keep=keep)


def path(*steps: str) -> str:
    return ARROW.join(steps)
