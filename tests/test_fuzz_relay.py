"""Random updates against the relay: her messages of every kind (in a conversation or not),
messages and taps in the relay group from staff and from anyone else, into any topic, with
any button data, forged topic buttons among them.

In process, as tests/test_fuzz.py runs the bot. Properties, after every update: no handler
raises; every tap is answered; nobody who is not staff makes the bot write to a private
chat; an update from her reaches no private chat but hers and the pings to staff on duty;
and the open conversations and the group's topics stay one to one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.desk.callback import Act, Tap
from bot.desk.callback import encode as staff_encode
from bot.menus.callback import Nav, Screen, encode
from bot.relay import duty
from tests.fuzz_updates import CONTENTS, callback_data, texts
from tests.harness import RELAY_CHAT_ID
from tests.relay_helpers import RELAY_KEY
from tests.test_fuzz import LONG, InProcessBot, fuzz

UPDATES = (
    20_000 if LONG else 150
)  # copies into the group are paced: 20 a minute, as Telegram allows
VOLUNTEER = {"id": 6200001, "is_bot": False, "first_name": "Vol", "language_code": "en"}
STRANGER = {"id": 6200002, "is_bot": False, "first_name": "Str", "language_code": "ko"}
WOMEN = [
    {"id": 6300000 + i, "is_bot": False, "first_name": f"W{i}", "language_code": lang}
    for i, lang in enumerate(("ko", "zh", "en", "ko"))
]
STAFF = {VOLUNTEER["id"]}
# Kinds of content a message may hold; a command and a service message are left to the
# general fuzz (tests/test_fuzz.py), which runs with the relay off.
KINDS = sorted(
    set(CONTENTS) - {"command", "new_chat_members", "left_chat_member", "new_chat_title"}
)


class RelayBot(InProcessBot):
    def __init__(self, tmp_path: Path) -> None:
        super().__init__(
            tmp_path,
            "fuzz-relay",
            staff_id=VOLUNTEER["id"],
            relay_chat_id=RELAY_CHAT_ID,
            relay_key=RELAY_KEY,
        )
        self.api.topics[RELAY_CHAT_ID] = {}

    def start(self) -> None:
        super().start()
        self.run(duty.set_duty(self.app.bot_data["core"].sessions, self.staff_id, True))

    def send(self, update: dict[str, Any]) -> None:
        from telegram import Update

        self.api.updates.clear()
        self.run(self.app.process_update(Update.de_json(update, self.app.bot)))

    def open_topics(self) -> set[int]:
        """The topics of the open conversations, as the database has them."""
        result: set[int] = self.run(_topics(self.app.bot_data["core"]))
        return result


async def _topics(core: Any) -> set[int]:
    from sqlalchemy import select

    from bot.db.models import RelayConversation

    async with core.sessions() as session:
        return {t for t in await session.scalars(select(RelayConversation.topic_id)) if t}


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RelayBot]:
    running = RelayBot(tmp_path_factory.mktemp("fuzz-relay"))
    running.start()
    yield running
    running.stop()


def _content(kind: str, value: Any, caption: str) -> tuple[str | None, dict[str, Any]]:
    if kind == "text":
        return (value or "."), {}
    if kind == "caption":
        return None, {
            "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
            "caption": value,
        }
    content: dict[str, Any] = {kind: value}
    if kind in ("photo", "video", "document", "audio", "voice") and caption:
        content["caption"] = caption
    return None, content


@st.composite
def relay_updates(draw: st.DrawFn, bot: RelayBot) -> tuple[str, dict[str, Any]]:
    """One update, built through the fake (so that copies of real messages can succeed)."""
    api = bot.api
    action = draw(st.sampled_from(["her message", "her tap", "group message", "group tap"]))
    if action == "her message":
        her = draw(st.sampled_from(WOMEN))
        kind = draw(st.sampled_from(KINDS))
        text, content = _content(kind, draw(CONTENTS[kind]), draw(texts))
        return action, api.user_sends(her, text, **content)
    if action == "her tap":
        her = draw(st.sampled_from(WOMEN))
        screen = draw(
            st.sampled_from(
                [
                    Screen.TALK,
                    Screen.TALK_START,
                    Screen.TALK_LEAVE,
                    Screen.TALK_END,
                    Screen.TALK_KEEP,
                ]
            )
        )
        data = draw(
            st.one_of(
                st.just(encode(Nav(screen, her["language_code"], "CN", "shelter"))), callback_data
            )
        )
        shown = api.call("sendMessage", {"chat_id": her["id"], "text": "a screen"})
        message = api.messages[her["id"]][shown["message_id"]]
        return action, api.user_taps(her, message, data)
    member = draw(st.sampled_from([VOLUNTEER, STRANGER]))
    # Indices drawn the same way whatever is open, then read against what is open now.
    pick = draw(st.integers(0, 10**6))
    if action == "group message":
        kind = draw(st.sampled_from(KINDS))
        text, content = _content(kind, draw(CONTENTS[kind]), draw(texts))
        open_now = sorted(api.topics[RELAY_CHAT_ID])
        thread = open_now[pick % len(open_now)] if open_now and pick % 3 else None
        return action, api.user_sends(
            member, text, chat_id=RELAY_CHAT_ID, thread_id=thread, **content
        )
    code = draw(
        st.one_of(
            st.text("23456789abcdefghjkmnpqrstuvwxyz", min_size=4, max_size=4),
            st.sampled_from(["zzzz"]),
        )
    )
    act = draw(st.sampled_from([Act.RELAY_END, Act.RELAY_BLOCK]))
    data = draw(st.one_of(st.just(staff_encode(Tap(act, "en", 0, code))), callback_data))
    as_it_is = draw(st.booleans())
    in_topic = [m for m in api.messages.get(RELAY_CHAT_ID, {}).values() if m.thread_id is not None]
    if in_topic and pick % 2:
        message = in_topic[pick % len(in_topic)]
        buttons = [d for row in message.buttons() for _, d in row]
        if buttons and as_it_is:  # the button as it is: End or End and block
            data = buttons[pick % len(buttons)]
    else:
        shown = api.call("sendMessage", {"chat_id": RELAY_CHAT_ID, "text": "x"})
        message = api.messages[RELAY_CHAT_ID][shown["message_id"]]
    return action, api.user_taps(member, message, data)


def test_random_relay_updates_keep_every_promise(bot: RelayBot) -> None:
    women = {w["id"] for w in WOMEN}

    @fuzz(UPDATES)
    @given(st.data())
    def one(data: st.DataObject) -> None:
        action, update = data.draw(relay_updates(bot))
        before = len(bot.api.calls)
        bot.send(update)
        assert bot.errors.records == [], (action, bot.errors.records)
        query = update.get("callback_query")
        if query is not None:
            assert query["id"] in bot.api.answered_queries, action
        sender = (update.get("message") or query or {}).get("from", {}).get("id")
        private = {
            int(p["chat_id"])
            for m, p in bot.api.calls[before:]
            if "chat_id" in p and int(p["chat_id"]) > 0 and m != "answerCallbackQuery"
        }
        if sender not in STAFF and action.startswith("group"):
            assert private == set(), action  # a stranger in the group reaches no one
        if sender in women:
            assert private <= {sender} | STAFF, action
        assert bot.open_topics() == set(bot.api.topics[RELAY_CHAT_ID]), action

    # Open a conversation for each of them first, so that the draws find some open.
    for her in WOMEN:
        shown = bot.api.call("sendMessage", {"chat_id": her["id"], "text": "a screen"})
        message = bot.api.messages[her["id"]][shown["message_id"]]
        nav = Nav(Screen.TALK_START, her["language_code"], "CN", "shelter")
        bot.send(bot.api.user_taps(her, message, encode(nav)))
    assert len(bot.api.topics[RELAY_CHAT_ID]) == len(WOMEN)
    one()
