"""What the relay's tests share: a bot with the relay on, a volunteer on duty, and her way
from the needs screen into a conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.relay import duty
from bot.telegram.local_api import Sent
from tests.harness import RELAY_CHAT_ID, Harness, Member, Person, standard_directory, topics
from tests.menu_paths import open_need

# A RELAY_KEY as `secrets.token_urlsafe(32)` makes one; the tests' own, never a deployment's.
RELAY_KEY = "vQ3pZk1m9wXcR7tY2uHs0aLbN4eJfG6dK8iOqPzVxWw"
VOLUNTEER = 6100001
FILE = {"file_id": "f1", "file_unique_id": "u1"}
# Each kind of message she may send, as Telegram gives it, with a caption where it takes one.
MEDIA: dict[str, dict[str, Any]] = {
    "photo": {"photo": [{**FILE, "width": 1, "height": 1}], "caption": "a photo"},
    "voice": {"voice": {**FILE, "duration": 3}, "caption": "a voice message"},
    "video": {"video": {**FILE, "width": 1, "height": 1, "duration": 1}},
    "video_note": {"video_note": {**FILE, "length": 1, "duration": 1}},
    "audio": {"audio": {**FILE, "duration": 3}},
    "document": {"document": {**FILE, "file_name": "a.pdf"}, "caption": "a file"},
    "sticker": {
        "sticker": {
            **FILE,
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
            "type": "regular",
        }
    },
}


def relay_harness(tmp_path: Path, **settings: Any) -> Harness:
    given = {"relay_chat_id": RELAY_CHAT_ID, "relay_key": RELAY_KEY, **settings}
    return Harness(tmp_path, directory=standard_directory(), **given)


async def on_duty(
    harness: Harness, user_id: int = VOLUNTEER, *, signature: str | None = None
) -> Member:
    """A volunteer on duty, in the relay group; signing her answers with `signature`."""
    await harness.add_staff("volunteer", user_id)
    await duty.set_duty(harness.core.sessions, user_id, True)
    if signature is not None:
        await duty.set_signature(harness.core.sessions, user_id, signature)
    return Member(harness, user_id)


PLACE_LABEL = {"ko": "중국에", "zh": "在中国", "en": "In China"}
TALK_LABEL = {"ko": "사람과 이야기하기", "zh": "与人交谈", "en": "Talk to a person"}
START_LABEL = {"ko": "시작하기", "zh": "开始", "en": "Start"}


async def talk(her: Person, lang: str = "en", need: str = "shelter") -> None:
    """/start, In China, the need, Talk to a person (the consent screen): not yet Start."""
    await her.send("/start")
    await her.tap(PLACE_LABEL[lang])
    await open_need(her, need)
    await her.tap(TALK_LABEL[lang])


async def start_talking(her: Person, lang: str = "en", need: str = "shelter") -> int:
    """Into a conversation; the topic's thread id."""
    before = set(topics(her.harness))
    await talk(her, lang, need)
    await her.tap(START_LABEL[lang])
    made = set(topics(her.harness)) - before
    assert len(made) == 1, topics(her.harness)
    return made.pop()


def in_her_chat(her: Person) -> list[Sent]:
    chat = her.api.messages.get(her.chat_id, {})
    return [chat[i] for i in sorted(chat)]
