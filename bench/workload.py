"""What the simulated users do: a realistic walk through the menus, as updates.

Each user: /start, a place, a need, the list and its next page, a contact card, Back, Home,
a language switch, a typed message, and, for some, Erase and its confirmation. Button data is
what the helpline's own buttons carry (made with its codec), so that the helpline does real
work for every tap; the echo bot gets the very same updates.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field
from typing import Any

from bot.menus.callback import Nav, Screen, encode
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

USER_BASE = 7_000_000_000


@dataclass
class Step:
    kind: str  # "message" or "tap"
    payload: str  # text, or callback data
    screen: str  # what it opens, for the per-screen figures


@dataclass
class User:
    user_id: int
    lang: str
    steps: list[Step] = field(default_factory=list)


def visible_by(
    entries: list[dict[str, Any]], max_age_days: int = 180
) -> dict[tuple[str, str], list[str]]:
    """Entry ids a user can open, per (place, need)."""
    oldest = dt.date.today() - dt.timedelta(days=max_age_days)
    found: dict[tuple[str, str], list[str]] = {}
    for item in entries:
        if item["status"] != "verified" or item["verified_on"] < oldest:
            continue
        for place in PLACES:
            if place in item["regions"] or "ANY" in item["regions"]:
                for need in item["categories"]:
                    found.setdefault((place, need), []).append(item["id"])
    return found


def users(count: int, entries: list[dict[str, Any]], seed: int = 2) -> list[User]:
    rng = random.Random(seed)
    visible = visible_by(entries)
    out = []
    for n in range(count):
        lang = rng.choices(USER_LANGUAGES, weights=(4, 3, 3))[0]
        place = rng.choice(PLACES)
        need = rng.choice(NEEDS)
        ids = visible.get((place, need)) or ["bench-000000"]
        entry_id = rng.choice(ids)
        other = rng.choice([x for x in USER_LANGUAGES if x != lang])

        def tap(nav: Nav, screen: str) -> Step:
            return Step("tap", encode(nav), screen)

        steps = [
            Step("message", "/start", "start"),
            tap(Nav(Screen.NEEDS, lang, place, origin=Screen.PLACES), "needs"),
            tap(Nav(Screen.LIST, lang, place, need, origin=Screen.NEEDS), "list"),
            tap(Nav(Screen.LIST, lang, place, need, page=1), "list page"),
            tap(Nav(Screen.CARD, lang, place, need, 1, entry_id, origin=Screen.LIST), "card"),
            tap(Nav(Screen.LIST, lang, place, need, page=1), "back"),
            tap(Nav(Screen.NEEDS, lang, place), "home"),
            tap(Nav(Screen.LANGUAGES, lang, place), "languages"),
            tap(Nav(Screen.SET_LANGUAGE, other, place), "language set"),
            Step("message", "hello, I need help please", "typed text"),
        ]
        if rng.random() < 0.3:
            steps.append(tap(Nav(Screen.ERASE, other, place, origin=Screen.NEEDS), "erase"))
            steps.append(tap(Nav(Screen.ERASE_NOW, other, place), "erase now"))
        out.append(User(USER_BASE + n, lang, steps))
    return out


class UpdateMaker:
    """Turns steps into Bot API updates, with ids and message ids as Telegram would give."""

    def __init__(self) -> None:
        self.update_id = 0
        self.message_ids: dict[int, int] = {}

    def next_message_id(self, chat_id: int) -> int:
        """One sequence per chat, for her messages and the bot's alike, as in a private chat
        on Telegram: an erase then walks the ids this chat really has."""
        self.message_ids[chat_id] = self.message_ids.get(chat_id, 0) + 1
        return self.message_ids[chat_id]

    def make(self, user: User, step: Step) -> dict[str, Any]:
        self.update_id += 1
        sender = {
            "id": user.user_id,
            "is_bot": False,
            "first_name": "Bench",
            "language_code": user.lang,
        }
        chat = {"id": user.user_id, "type": "private", "first_name": "Bench"}
        if step.kind == "message":
            message: dict[str, Any] = {
                "message_id": self.next_message_id(user.user_id),
                "date": int(time.time()),
                "chat": chat,
                "from": sender,
                "text": step.payload,
            }
            if step.payload.startswith("/"):
                word = step.payload.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(word)}]
            return {"update_id": self.update_id, "message": message}
        screen = {
            "message_id": max(1, self.message_ids.get(user.user_id, 1)),
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": 1, "is_bot": True, "first_name": "Helpline"},
            "text": "a screen",
        }
        query = {
            "id": str(self.update_id),
            "from": sender,
            "chat_instance": "1",
            "message": screen,
            "data": step.payload,
        }
        return {"update_id": self.update_id, "callback_query": query}
