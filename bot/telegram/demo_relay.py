"""`helpline demo` with RELAY_CHAT_ID and RELAY_KEY set: both sides of Talk to a person.

A volunteer (a demo member of staff, on duty) sits in the relay group. What the bot writes
there is printed too, marked with the topic's name, and so is the ping the volunteer gets.
A line beginning with `v:` is the volunteer's answer in the newest open topic; `v:#N`
presses the Nth button under the topic's first message (1: End, 2: End and block).
"""

from __future__ import annotations

from typing import Any, TextIO

from bot.clock import utc_today
from bot.desk import staff
from bot.relay import duty
from bot.settings import Settings
from bot.telegram.local_api import LocalBotApi, Sent
from bot.ui.view import plain

DEMO_VOLUNTEER_ID = 700002
VOLUNTEER = {"id": DEMO_VOLUNTEER_ID, "is_bot": False, "first_name": "Volunteer"}
PREFIX = "v:"


class VolunteerSide:
    """The relay group and the volunteer's own chat, as the terminal shows them."""

    def __init__(self, api: LocalBotApi, settings: Settings, out: TextIO) -> None:
        assert settings.relay_chat_id is not None
        self.api, self.group, self.out = api, settings.relay_chat_id, out
        self.shown: set[tuple[int, int]] = set()
        self.topic_names: dict[int, str] = {}
        api.topics.setdefault(self.group, {})  # the volunteers' group is a forum

    async def prepare(self, application: Any, lang: str) -> None:
        """The demo volunteer is staff and on duty, with the first name Mina."""
        core = application.bot_data["core"]
        VOLUNTEER["language_code"] = lang
        await staff.add(core.sessions, DEMO_VOLUNTEER_ID, "volunteer", utc_today())
        await duty.set_duty(core.sessions, DEMO_VOLUNTEER_ID, True)
        await duty.set_signature(core.sessions, DEMO_VOLUNTEER_ID, "Mina")
        core.staff_ids.forget()

    def newest_topic(self) -> int | None:
        open_now = self.api.topics.get(self.group, {})
        return max(open_now) if open_now else None

    def update_for(self, line: str) -> dict[str, Any] | None:
        """The volunteer's update for a `v:` line, or None (said why) if there is none."""
        topic = self.newest_topic()
        if topic is None:
            print("(no conversation is open in the volunteers' group)", file=self.out)
            return None
        said = line[len(PREFIX) :].strip()
        if said.startswith("#") and said[1:].isdigit():
            first = min(
                (m for m in self.api.messages.get(self.group, {}).values() if m.thread_id == topic),
                key=lambda m: m.message_id,
            )
            flat = [data for row in first.buttons() for _, data in row]
            number = int(said[1:])
            if not 1 <= number <= len(flat):
                print(f"(there is no button {number} in the topic)", file=self.out)
                return None
            return self.api.user_taps(VOLUNTEER, first, flat[number - 1])
        if not said:
            return None
        return self.api.user_sends(VOLUNTEER, said, chat_id=self.group, thread_id=topic)

    def show_changes(self) -> None:
        """What is new in the group's topics and in the volunteer's chat; topics deleted."""
        self.topic_names.update(self.api.topics.get(self.group, {}))
        for thread, name in list(self.topic_names.items()):
            if thread not in self.api.topics.get(self.group, {}):
                print(f"    ┃ [topic {name}] (deleted, with every message in it)", file=self.out)
                del self.topic_names[thread]
        for chat in (self.group, DEMO_VOLUNTEER_ID):
            for message_id, message in sorted(self.api.messages.get(chat, {}).items()):
                if (chat, message_id) not in self.shown:
                    self.shown.add((chat, message_id))
                    self._print(chat, message)

    def _print(self, chat: int, message: Sent) -> None:
        if chat == DEMO_VOLUNTEER_ID:
            where = "the volunteer's own chat"
        else:
            where = "topic " + self.api.topics.get(chat, {}).get(message.thread_id or 0, "?")
        who = "bot" if message.from_bot else "volunteer"
        body = plain(message.text) if message.text else ""
        kinds = ", ".join(sorted(message.content))
        if kinds:
            body = f"({kinds}) {body}".strip()
        lines = body.splitlines() or [""]
        print(f"    ┃ [{where}] {who}: {lines[0]}", file=self.out)
        for line in lines[1:]:
            print(f"    ┃   {line}", file=self.out)
        buttons = [label for row in message.buttons() for label, _ in row]
        if buttons and chat == self.group:
            numbered = "   ".join(f"[v:#{n}] {label}" for n, label in enumerate(buttons, 1))
            print(f"    ┃   {numbered}", file=self.out)
