"""Talk to a person, where it could go wrong: what identifies her is not passed on, forged
buttons reach no other conversation, Erase ends hers, another process answers her, and the
relay group is neither left nor capped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram import Update

from bot.desk.callback import Act, Tap
from bot.desk.callback import encode as staff_encode
from bot.menus.callback import Nav, Screen, encode
from bot.relay import conversations
from bot.telegram.app import build_application
from tests.fake_telegram import TOKEN
from tests.harness import RELAY_CHAT_ID, Member, in_topic, topics
from tests.relay_helpers import RELAY_KEY, in_her_chat, on_duty, relay_harness, start_talking

LOCATION = {"latitude": 42.9047, "longitude": 129.5134}
IDENTIFYING: list[dict[str, Any]] = [
    {"location": LOCATION},
    {
        "venue": {"location": LOCATION, "title": "a market", "address": "a street"},
        "location": LOCATION,
    },
    {"contact": {"phone_number": "+8613900000000", "first_name": "Someone"}},
]


async def test_a_location_a_venue_or_a_contact_is_not_passed_on(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        before = len(in_topic(harness, thread))
        for content in IDENTIFYING:
            update = await her.send(**content)
            mine = update["message"]["message_id"]
            assert mine not in harness.fake.api.messages[her.chat_id]  # gone from her chat too
            assert "Please describe in words instead." in her.screen.text
        assert "where you are" in in_her_chat(her)[-3].text
        assert "who you or others are" in her.screen.text
        await her.send(dice={"emoji": "🎲", "value": 3})
        assert "This kind of message cannot be passed on." in her.screen.text
        assert len(in_topic(harness, thread)) == before  # nothing reached the volunteers
        assert [p for p, (chat, _) in harness.fake.api.copies if chat == RELAY_CHAT_ID] == []


async def test_forged_buttons_reach_no_other_conversation(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        first, second = harness.person("en"), harness.person("en")
        first_topic = await start_talking(first)
        second_topic = await start_talking(second)
        first_code = topics(harness)[first_topic][:4]
        # In the second topic, a staff button naming the first conversation: nothing ends.
        forged = staff_encode(Tap(Act.RELAY_END, "en", 0, first_code.lower()))
        await volunteer.press(in_topic(harness, second_topic)[0], forged)
        await volunteer.press(in_topic(harness, second_topic)[0], forged.replace("ye", "yb"))
        assert set(topics(harness)) == {first_topic, second_topic}
        # The topic's buttons pressed in a private chat are old buttons, whoever sends them.
        await volunteer_private(harness).press(forged)
        await first.press(forged)
        assert "This button is old" in (first.answer or {}).get("text", "")
        assert set(topics(harness)) == {first_topic, second_topic}
        # Her End button ends her own conversation only, whatever else it says.
        await second.press(encode(Nav(Screen.TALK_END, "ko", "KR", "legal")))
        assert set(topics(harness)) == {first_topic}
        await first.send("still here")
        assert in_topic(harness, first_topic)[-1].text == "still here"
        # Junk in the relay group, from staff: answered, nothing else.
        before = len(harness.fake.api.calls)
        await volunteer.press(in_topic(harness, first_topic)[0], "2.d.en.-.-.0.0.-.-")
        await volunteer.press(in_topic(harness, first_topic)[0], "v.ye.en.0.zz")
        calls = [m for m, _ in harness.fake.api.calls[before:]]
        assert calls == ["answerCallbackQuery", "answerCallbackQuery"]
        assert "Conversation" in in_topic(harness, first_topic)[0].text  # never a menu


def volunteer_private(harness: Any) -> Any:
    from tests.relay_helpers import VOLUNTEER

    person = harness.person("en", user_id=VOLUNTEER)
    person.api.user_sends(person.user, "/start")  # a screen to tap under
    return person


async def test_erase_ends_her_conversation(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        await her.send("something")
        await volunteer.say(thread, "an answer")
        await her.send("/erase")
        await her.press(her.screen.buttons()[0][0][1])  # Yes, erase now
        assert thread not in topics(harness)
        assert (
            await conversations.by_chat(
                harness.core.sessions,
                harness.core.relay_keys,
                her.chat_id,  # type: ignore[arg-type]
            )
            is None
        )
        before = len(harness.fake.api.calls)
        await volunteer.say(thread, "hello?")
        assert [
            p for _, p in harness.fake.api.calls[before:] if p.get("chat_id") == her.chat_id
        ] == []


async def test_an_answer_received_by_another_process_reaches_her(tmp_path: Path) -> None:
    """Two bot processes on one database: the one that opened her conversation is not the
    one that receives the volunteer's answer."""
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness, signature="Mina")
        her = harness.person("zh")
        thread = await start_talking(her, "zh")
        other = build_application(harness.settings(), token=TOKEN)
        await other.initialize()
        assert other.post_init is not None
        await other.post_init(other)
        try:
            assert other.bot_data["core"] is not harness.core
            update = harness.fake.api.user_sends(
                volunteer.user, "我们在这里。", chat_id=RELAY_CHAT_ID, thread_id=thread
            )
            harness.fake.api.updates.clear()  # this one goes to the other process only
            await other.process_update(Update.de_json(update, other.bot))
        finally:
            if other.post_shutdown is not None:
                await other.post_shutdown(other)
            await other.shutdown()
        assert her.screen.text == "我们在这里。\n\n— Mina"
        assert her.screen.protect_content


async def test_the_bot_stays_in_its_relay_group_and_leaves_others(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        member = Member(harness, 6100077)
        harness.fake.api.topics.setdefault(RELAY_CHAT_ID, {})
        await harness.deliver(
            harness.fake.api.user_sends(member.user, "hi all", chat_id=RELAY_CHAT_ID)
        )
        other_group = -1005555555555
        await harness.deliver(harness.fake.api.user_sends(member.user, "hi", chat_id=other_group))
        assert harness.fake.api.left_chats == [other_group]


async def test_many_answers_at_once_in_the_relay_group_are_all_relayed(tmp_path: Path) -> None:
    """The relay group is one chat for Telegram: many volunteers answering at once must not be
    shed as a flood from one chat would be; they still run in order."""
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        api = harness.fake.api
        last = None
        for i in range(20):
            last = api.user_sends(
                volunteer.user, f"answer {i}", chat_id=RELAY_CHAT_ID, thread_id=thread
            )
        assert last is not None
        await harness.deliver(last)
        answers = [m.text for m in in_her_chat(her) if m.text.startswith("answer ")]
        assert answers == [f"answer {i}" for i in range(20)]


async def test_a_new_relay_key_ends_the_old_conversations_and_their_topics(tmp_path: Path) -> None:
    """Rotating RELAY_KEY: at start, rows sealed under the old key go, with their topics."""
    first = relay_harness(tmp_path)
    async with first as harness:
        await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        made = dict(harness.fake.api.topics)
    second = relay_harness(tmp_path, relay_key=RELAY_KEY[::-1])
    second.fake.api.topics = made  # the same group, seen by the restarted bot
    async with second as harness:
        # The job runs once, at start, by itself.
        await harness.fake.wait_for(
            lambda: (RELAY_CHAT_ID, thread) in harness.fake.api.deleted_topics
        )
        assert thread not in topics(harness)
        assert await conversations.idle(harness.core.sessions, harness.core.now(), -1000) == []


async def test_when_the_database_fails_her_words_are_neither_kept_nor_misread(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """The store does not answer while she writes: she is told to try again soon, what she
    wrote leaves her chat, and the menus do not take it for typed text."""
    from sqlalchemy.exc import OperationalError

    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        await start_talking(her)

        async def unreachable(*args: Any, **kwargs: Any) -> None:
            raise OperationalError("SELECT", {}, Exception("the database is gone"))

        monkeypatch.setattr(conversations, "by_chat", unreachable)
        update = await her.send("my words")
        assert update["message"]["message_id"] not in harness.fake.api.messages[her.chat_id]
        sent = [p["text"] for p in harness.sent() if p["chat_id"] == her.chat_id]
        assert sent[-1] == "This service is busy right now. Please try again in a moment."
        shown = sent + [p["text"] for p in harness.sent("editMessageText")]
        assert not [text for text in shown if "No person reads what you send here" in text]
