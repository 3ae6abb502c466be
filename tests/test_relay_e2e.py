"""Talk to a person, end to end: the real bot over loopback against the fake Bot API with a
supergroup of forum topics, a real database, and RELAY_KEY set."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.relay import conversations
from bot.relay.topic import SEPARATOR
from tests.harness import (
    RELAY_CHAT_ID,
    Harness,
    Person,
    group_calls,
    in_topic,
    topics,
)
from tests.relay_helpers import (
    MEDIA,
    START_LABEL,
    TALK_LABEL,
    in_her_chat,
    on_duty,
    relay_harness,
    start_talking,
    talk,
)


async def open_rows(harness: Harness) -> int:
    assert harness.core.relay_keys is not None
    idle = await conversations.idle(harness.core.sessions, harness.core.now(), -1000)
    return len(idle)


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_a_round_trip_with_every_kind_of_message(tmp_path: Path, lang: str) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness, signature="Mina")
        her = harness.person(lang)
        thread = await start_talking(her, lang)
        code, her_lang, place, need = topics(harness)[thread].split(SEPARATOR)
        assert (her_lang, place, need) == (lang, "CN", "shelter") and len(code) == 4
        header = in_topic(harness, thread)[0]
        assert code in header.text and [len(row) for row in header.buttons()] == [2]
        # The volunteer on duty is told, in the desk's language, that a conversation waits.
        ping = harness.fake.api.last_bot_message(volunteer.user["id"])
        assert ping is not None and ping.text.startswith("A new conversation in ")

        await her.send("hello, is anyone there?")
        for content in MEDIA.values():
            await her.send(**content)
        copies = [params for params, (chat, _) in harness.fake.api.copies if chat == RELAY_CHAT_ID]
        assert len(copies) == 1 + len(MEDIA)
        for params in copies:  # copied, protected, into her topic; never forwarded
            assert params["from_chat_id"] == her.chat_id
            assert params["message_thread_id"] == thread
            assert params["protect_content"] is True
        assert not [m for m, _ in harness.fake.api.calls if m.startswith("forward")]
        relayed = in_topic(harness, thread)[1:]
        assert [m.text for m in relayed][:1] == ["hello, is anyone there?"]
        assert [next(iter(m.content)) for m in relayed[1:]] == list(MEDIA)

        await volunteer.say(thread, "We are here. <b>How can we help?</b>")
        answer = in_her_chat(her)[-1]
        assert answer.text == "We are here. &lt;b&gt;How can we help?&lt;/b&gt;\n\n— Mina"
        assert answer.protect_content and answer.buttons()  # End conversation under it
        for kind, content in MEDIA.items():
            await volunteer.say(thread, **content)
            shown = [m for m in in_her_chat(her) if m.from_bot and kind in m.content]
            assert len(shown) == 1, kind
        to_her = [params for params, (chat, _) in harness.fake.api.copies if chat == her.chat_id]
        assert len(to_her) == len(MEDIA)
        assert all(p["from_chat_id"] == RELAY_CHAT_ID and p["protect_content"] for p in to_her)
        captioned = [p for p in to_her if "caption" in p]
        assert {p["caption"] for p in captioned} == {
            "a photo\n\n— Mina",
            "a voice message\n\n— Mina",
            "a file\n\n— Mina",
            "\n\n— Mina",
        }
        # A sticker and a video note take no caption: the signature follows on its own line.
        assert [m.text for m in in_her_chat(her)].count("— Mina") == 2
        counted = harness.core.counter.take(everything=True).daily
        relay = sorted(
            (key[1], key[2], n) for key, n in counted.items() if key[1].startswith("relay")
        )
        assert relay == [
            ("relay_answered", lang, 1),
            ("relay_first_answer", "15m", 1),
            ("relay_opened", lang, 1),
        ]


async def test_a_message_sent_before_the_bot_answered_start_is_relayed(tmp_path: Path) -> None:
    """She taps Start and writes at once: both reach the bot in one batch of updates. Her
    message waits for the conversation that Start opens and is copied into its topic, after
    the topic's header; it is not taken for text typed outside a conversation and deleted."""
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        await talk(her)
        before, calls = set(topics(harness)), len(harness.fake.api.calls)
        her.api.user_taps(her.user, her.screen, her.data_of(START_LABEL["en"]))  # not yet taken
        await her.send("typed at once")
        (thread,) = set(topics(harness)) - before
        assert [m.text for m in in_topic(harness, thread)][1:] == ["typed at once"]
        copies = [p for p, (chat, _) in harness.fake.api.copies if chat == RELAY_CHAT_ID]
        assert [p["message_thread_id"] for p in copies] == [thread]
        assert not harness.sent("deleteMessage", since=calls)  # hers stays, as in a conversation


async def test_nobody_on_duty_she_is_told_and_may_leave_a_message(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        her = harness.person("en")
        await talk(her)
        await her.tap("Start")
        assert "Nobody is on duty right now." in her.screen.text
        assert topics(harness) == {}
        assert "Contacts for your need" in her.labels()[1]
        await her.tap("Leave a message")
        assert "Your message will wait for a volunteer." in her.screen.text
        (thread,) = topics(harness)
        await her.send("please call me back")
        assert in_topic(harness, thread)[-1].text == "please call me back"
        assert harness.sent() and not [
            p for p in harness.sent() if p["chat_id"] > 0 and p["chat_id"] != her.chat_id
        ]


async def test_she_ends_it_and_both_sides_are_deleted(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        screen = her.screen
        await her.send("first words")
        await volunteer.say(thread, "an answer")
        assert await open_rows(harness) == 1
        mine = [m.message_id for m in in_her_chat(her)]
        await her.press(her.data_of("End conversation"), message=screen)
        assert (
            thread not in topics(harness)
            and (RELAY_CHAT_ID, thread) in harness.fake.api.deleted_topics
        )
        assert in_topic(harness, thread) == []
        left = [m for m in in_her_chat(her) if m.message_id in mine]
        assert [m.text for m in left if "first words" in m.text or "an answer" in m.text] == []
        assert "The conversation has ended." in her.screen.text
        assert await open_rows(harness) == 0
        # An answer written after the end reaches nobody.
        before = len(harness.fake.api.calls)
        await volunteer.say(thread, "are you still there?")
        assert [
            m for m, p in harness.fake.api.calls[before:] if p.get("chat_id") == her.chat_id
        ] == []


async def test_she_may_keep_her_side(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        screen = her.screen
        await her.send("keep this")
        await volunteer.say(thread, "kept answer")
        keep = [d for row in screen.buttons() for label, d in row if "keep the messages" in label]
        await her.press(keep[0], message=screen)
        texts = [m.text for m in in_her_chat(her)]
        assert "keep this" in texts and any("kept answer" in t for t in texts)
        assert thread not in topics(harness)
        assert "stay in this chat" in her.screen.text


async def test_a_volunteer_ends_it_and_she_is_told(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("ko")
        thread = await start_talking(her, "ko")
        await her.send("안녕하십니까")
        await volunteer.say(thread, "네, 말씀하십시오.")
        await volunteer.tap(in_topic(harness, thread)[0], "끝내기")
        assert thread not in topics(harness)
        assert "이야기가 끝났습니다." in her.screen.text
        assert [m.text for m in in_her_chat(her) if "안녕" in m.text or "말씀" in m.text] == []


async def test_end_and_block_refuses_her_for_a_while(tmp_path: Path) -> None:
    async with relay_harness(tmp_path, relay_block_days=7) as harness:
        volunteer = await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        await volunteer.tap(in_topic(harness, thread)[0], "End and block")
        assert thread not in topics(harness)
        await talk(her)
        await her.tap("Start")
        assert "It is not possible to talk to a person now." in her.screen.text
        assert topics(harness) == {}
        someone_else = harness.person("en")
        assert await start_talking(someone_else)


async def test_idle_conversations_end_after_the_idle_hours(tmp_path: Path) -> None:
    async with relay_harness(tmp_path, relay_idle_hours=3) as harness:
        await on_duty(harness)
        clock = [dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)]
        harness.core.now = lambda: clock[0]
        her = harness.person("en")
        thread = await start_talking(her)
        await her.send("hello")
        clock[0] += dt.timedelta(hours=2, minutes=59)
        await harness.run_jobs("relay-idle", repeating=True)
        assert thread in topics(harness)
        clock[0] += dt.timedelta(minutes=2)
        before = len(harness.fake.api.calls)
        await harness.run_jobs("relay-idle", repeating=True)
        assert thread not in topics(harness)
        assert "hello" not in [m.text for m in in_her_chat(her)]
        # Hours after her last word the bot does not write to her: a notification then
        # could be read by whoever holds her phone. Her screen ends it when she next taps.
        sent = [
            method
            for method, params in harness.fake.api.calls[before:]
            if method.startswith("send") and params.get("chat_id") == her.chat_id
        ]
        assert sent == []


async def test_a_group_member_who_is_not_staff_is_not_relayed(tmp_path: Path) -> None:
    from tests.harness import Member

    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        stranger = Member(harness, 6199999, first_name="Stranger")
        before = len(harness.fake.api.calls)
        await stranger.say(thread, "give me her number")
        await stranger.tap(in_topic(harness, thread)[0], "🛑")
        calls = harness.fake.api.calls[before:]
        assert [m for m, p in calls if p.get("chat_id") == her.chat_id] == []
        assert [
            m for m, _ in calls if m in ("deleteForumTopic", "copyMessage", "sendMessage")
        ] == []
        assert thread in topics(harness)
        assert harness.fake.api.left_chats == []  # the bot stays in its relay group


async def test_talk_is_hidden_when_the_relay_is_off(tmp_path: Path) -> None:
    async with Harness(
        tmp_path, directory=__import__("tests.harness", fromlist=["x"]).standard_directory()
    ) as harness:
        her = harness.person("en")
        await her.send("/start")
        await her.tap("In China")
        assert not [label for label in her.labels() if TALK_LABEL["en"] in label]
        await her.send("/talk")
        assert "No person reads what you send here" in her.screen.text
        assert group_calls(harness) == []


async def test_talk_typed_as_a_command(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        her = harness.person("ko")
        update = await her.send("/talk")
        assert "사람과 이야기하기" in her.screen.text and "시작하기" in her.labels()[0]
        assert len([m for m in in_her_chat(her) if m.from_bot]) == 1  # nothing else answered
        assert update["message"]["message_id"] not in her.api.messages[her.chat_id]


async def test_a_signed_answer_of_the_longest_length_still_reaches_her(tmp_path: Path) -> None:
    async with relay_harness(tmp_path) as harness:
        volunteer = await on_duty(harness, signature="Mina")
        her = harness.person("en")
        thread = await start_talking(her)
        longest = "가" * 4096  # as long as Telegram lets the volunteer write
        await volunteer.say(thread, longest)
        texts = [m.text for m in in_her_chat(her) if m.from_bot]
        assert texts[-2:] == [longest, "— Mina"]
        assert not [m for m in in_topic(harness, thread) if "could not be passed on" in m.text]


@pytest.mark.parametrize("group_busy", [False, True])
async def test_a_burst_of_her_messages_all_reaches_the_volunteers(
    tmp_path: Path, group_busy: bool
) -> None:
    """A phone that was offline sends what she wrote meanwhile all at once, and Telegram lets
    a bot post only so much into one group a minute. A dozen messages arriving together, with
    the group's budget spent for a moment or not, must all arrive, in order, and none may be
    deleted from her chat as if it were a flood of taps."""
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        if group_busy:
            harness.fake.faults["copyMessage"] = ["429"]  # "retry after 1"
        sent = [f"line {n}" for n in range(12)]
        for text in sent:
            her.api.user_sends(her.user, text)
        await harness.fake.notify()
        await harness.fake.wait_taken(max(u["update_id"] for u in her.api.updates))
        await harness.idle()
        arrived = [m.text for m in in_topic(harness, thread) if m.text in sent]
        assert arrived == sent
        assert [m.text for m in in_her_chat(her) if m.text in sent] == sent


async def test_more_than_her_line_holds_is_refused_and_she_is_told_once(tmp_path: Path) -> None:
    """Thirty messages at once while the group is slow: her line to the volunteers holds
    twenty (about a minute of the group's pace). What fits is passed on, in order; the rest is
    removed from her chat, so that what she sees there is what they received; and she is told
    once, in plain words, what happened and what to do, not once per message."""
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        her = harness.person("en")
        thread = await start_talking(her)
        harness.fake.gates["copyMessage"] = gate = asyncio.Event()
        sent = [f"line {n}" for n in range(30)]
        for text in sent:
            her.api.user_sends(her.user, text)
        await harness.fake.notify()
        await harness.fake.wait_taken(max(u["update_id"] for u in her.api.updates))
        assert harness.app is not None
        await harness.app.update_queue.join()
        gate.set()
        await harness.idle()
        arrived = [m.text for m in in_topic(harness, thread) if m.text in sent]
        assert 20 <= len(arrived) <= 21  # twenty waiting, and one perhaps on its way already
        assert arrived == sent[: len(arrived)]
        assert [m.text for m in in_her_chat(her) if m.text in sent] == arrived
        assert _told(her) == 1
        assert not [m for m in in_her_chat(her) if "Please wait a moment" in m.text]


def _told(her: Person) -> int:
    return sum("You sent many messages at once" in m.text for m in in_her_chat(her))


async def test_one_long_burst_does_not_hold_back_another_conversation(tmp_path: Path) -> None:
    """Conversations take turns in the group: fifteen messages of one, written while the
    group is slow, do not stand before the first message of another."""
    async with relay_harness(tmp_path) as harness:
        await on_duty(harness)
        first, second = harness.person("en"), harness.person("ko")
        first_topic = await start_talking(first)
        second_topic = await start_talking(second, "ko")
        harness.fake.gates["copyMessage"] = gate = asyncio.Event()
        for n in range(15):
            first.api.user_sends(first.user, f"first {n}")
        await harness.fake.notify()
        await harness.fake.wait_taken(max(u["update_id"] for u in first.api.updates))
        assert harness.app is not None
        await harness.app.update_queue.join()  # all of hers in line, none posted yet
        second.api.user_sends(second.user, "second 0")
        await harness.fake.notify()
        await harness.fake.wait_taken(max(u["update_id"] for u in second.api.updates))
        await harness.app.update_queue.join()
        gate.set()
        await harness.idle()
        copies = [
            params["message_thread_id"]
            for method, params in group_calls(harness)
            if method == "copyMessage"
        ]
        assert copies.count(first_topic) == 15
        assert copies.count(second_topic) == 1
        assert copies.index(second_topic) <= 2, copies  # its turn comes at once
