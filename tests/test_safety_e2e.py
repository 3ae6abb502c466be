"""Erase, auto-erase, typed-message deletion, the safety screen and the flood guard, end to end."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bot.menus.callback import Screen, decode
from bot.menus.flood import FloodGuard
from tests.harness import Harness, Person, standard_directory

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LANGS = ["ko", "zh", "en"]


def script_of(text: str) -> str:
    if HANGUL.search(text):
        return "ko"
    return "zh" if HAN.search(text) else "en"


def all_ids_ever(her: Person) -> set[int]:
    """Every message id the chat has had, hers and the bot's (ids rise one by one)."""
    return set(range(1, her.api._next_message.get(her.chat_id, 1)))


def ids_asked_deleted(her: Person) -> set[int]:
    asked: set[int] = set()
    for method, params in her.api.calls:
        if int(params.get("chat_id", 0)) != her.chat_id:
            continue
        if method == "deleteMessages":
            asked.update(int(i) for i in params["message_ids"])
        elif method == "deleteMessage":
            asked.add(int(params["message_id"]))
    return asked


def jobs(bot: Harness, name: str) -> list:  # type: ignore[type-arg]
    assert bot.app is not None and bot.app.job_queue is not None
    return [j for j in bot.app.job_queue.get_jobs_by_name(name) if not j.removed]


async def walk_a_session(her: Person, lang: str) -> None:
    await her.send("/start")
    await her.press(_place_button(her))
    await her.press(_first_need(her))
    await her.send("my name is Kim")
    await her.send("/start")


def _place_button(her: Person) -> str:
    return next(d for row in her.screen.buttons() for _, d in row if decode(d).place == "CN")


def _first_need(her: Person) -> str:
    return next(
        d for row in her.screen.buttons() for _, d in row if decode(d).screen is Screen.LIST
    )


@pytest.mark.parametrize("lang", LANGS)
async def test_erase_deletes_the_whole_session_after_one_confirm(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await walk_a_session(her, lang)
    await her.press(her.data_of("🗑"))
    question = her.screen.text
    yes = her.screen.buttons()[0][0]
    assert script_of(question) == lang and decode(yes[1]).screen is Screen.ERASE_NOW
    assert "🗑" not in " ".join(her.labels())  # a plain question (tests/test_erase_screens.py)
    await her.tap("◀")  # No, go back: where she was
    assert "🗑" in her.labels()[-1] and decode(her.data_of("🗑")).origin is Screen.PLACES
    await her.press(her.data_of("🗑"))
    before = all_ids_ever(her)
    await her.press(her.screen.buttons()[0][0][1])  # Yes
    assert her.answer is not None and script_of(her.answer["text"]) == lang  # a toast
    assert her.api.messages[her.chat_id] == {}  # at once: no line is left
    assert before <= ids_asked_deleted(her)
    batches = [p["message_ids"] for m, p in her.api.calls if m == "deleteMessages"]
    assert all(len(b) <= 100 for b in batches)
    assert jobs(bot, "erase") == []  # nothing waits for a timer
    assert all_ids_ever(her) <= ids_asked_deleted(her)


async def test_erase_command_and_a_long_history_after_a_restart(bot: Harness) -> None:
    her = bot.person("en")
    for i in range(150):  # earlier messages this process never saw
        her.api._m_sendmessage({"chat_id": her.chat_id, "text": f"old {i}"})
    await her.send("/erase")
    assert her.screen.text == "Are you sure?"
    await her.press(her.screen.buttons()[0][0][1])
    assert her.api.messages[her.chat_id] == {}


@pytest.mark.parametrize("lang", LANGS)
async def test_auto_erase_travels_in_the_buttons_and_fires_after_she_stops(
    bot: Harness, lang: str
) -> None:
    her = bot.person(lang)
    await her.send("/start")
    await her.tap("☰")  # More
    await her.tap("🔒")
    assert script_of(her.screen.text) == lang
    await her.tap("⏱")
    assert "✓" in her.screen.buttons()[0][0][0]  # off is the default
    await her.press(her.screen.buttons()[2][0][1])  # 30 minutes
    assert all(decode(d).auto == 30 for row in her.screen.buttons() for _, d in row)
    (job,) = jobs(bot, "auto-erase")
    assert job.data == 30
    first_due = job.next_t
    assert first_due is not None
    expected = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=30)
    assert abs((first_due - expected).total_seconds()) < 10
    await her.tap("🏠")
    assert all(decode(d).auto == 30 for row in her.screen.buttons() for _, d in row)
    await her.send("typed while auto-erase is on")
    (job,) = jobs(bot, "auto-erase")  # re-armed, still one
    assert job.next_t is not None and job.next_t >= first_due
    calls_before = len(her.api.calls)
    await bot.run_jobs("auto-erase")
    assert her.api.messages[her.chat_id] == {}
    assert all_ids_ever(her) <= ids_asked_deleted(her)
    after = [m for m, _ in her.api.calls[calls_before:]]
    assert "sendMessage" not in after and "deleteMessages" in after  # silent: no line left


async def test_auto_erase_can_be_switched_off(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/safety")
    await her.tap("⏱")
    await her.tap("10 minutes")
    assert len(jobs(bot, "auto-erase")) == 1
    assert "Auto-erase: 10 min" in her.screen.text
    await her.tap("⏱")
    await her.tap("Off")
    assert jobs(bot, "auto-erase") == []
    assert "Auto-erase" not in her.screen.text


@pytest.mark.parametrize("lang", LANGS)
async def test_safety_tips_in_every_language(bot: Harness, lang: str) -> None:
    her = bot.person(lang)
    await her.send("/safety")
    text = her.screen.text
    assert script_of(text) == lang
    assert text.count("•") == 3  # the rest one tap further (tests/test_erase_screens.py)
    assert "48" in text
    await her.send("/about")
    assert script_of(her.screen.text) == lang


@pytest.mark.parametrize("lang", LANGS)
async def test_typed_messages_vanish_unless_switched_off(tmp_path: Path, lang: str) -> None:
    for delete in (True, False):
        folder = tmp_path / ("deleting" if delete else "keeping")
        folder.mkdir()
        async with Harness(
            folder, delete_user_messages=delete, directory=standard_directory()
        ) as harness:
            her = harness.person(lang)
            typed = [await her.send("I am at the market"), await her.send("/start")]
            await her.tap("☰")  # More
            await her.tap("🔒")
            ids = [update["message"]["message_id"] for update in typed]
            assert script_of(her.screen.text) == lang  # she was answered either way
            kept = [i for i in ids if i in her.api.messages[her.chat_id]]
            asked = ids_asked_deleted(her)
            if delete:  # the default
                assert (kept, set(ids) <= asked) == ([], True)
            else:
                assert (kept, asked) == (ids, set())


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("lang", LANGS)
async def test_flood_gets_one_calm_line_then_silence(tmp_path: Path, lang: str) -> None:
    async with Harness(tmp_path, flood_guard=True, directory=standard_directory()) as harness:
        clock = Clock()
        assert harness.app is not None
        harness.core.flood = FloodGuard(clock=clock)
        her, other = harness.person(lang), harness.person("en")
        for i in range(45):  # typed: a phone back online may send forty at once (FloodGuard)
            await her.send(f"spam {i}")
        calls = [(m, p) for m, p in her.api.calls if p.get("chat_id") == her.chat_id]
        answers = [m for m, _ in calls if m in ("sendMessage", "editMessageText")]
        # 40 answers (the first a new screen, then that screen edited), then one "please
        # wait", then nothing.
        assert answers == ["sendMessage"] + ["editMessageText"] * 39 + ["sendMessage"]
        sent = [p for m, p in calls if m == "sendMessage"]
        assert script_of(sent[-1]["text"]) == lang and "reply_markup" not in sent[-1]
        await other.send("/start")  # another chat is not slowed
        assert other.screen.buttons()
        clock.now += 60  # after a while she is heard again
        await her.send("/start")
        assert her.screen.buttons()


async def test_no_list_of_users_is_kept_in_memory(bot: Harness) -> None:
    for lang in LANGS:
        her = bot.person(lang)
        await her.send("/start")
        await her.tap("☰")  # More
        await her.tap("🔒")
    assert bot.app is not None
    assert not bot.app._user_ids_to_be_updated_in_persistence
    assert not bot.app._chat_ids_to_be_updated_in_persistence


async def test_a_tap_still_being_answered_cannot_outlive_an_erase(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from bot.directory import queries

    slow_list = queries.list_open_first

    async def slowly(*args, **kwargs):  # type: ignore[no-untyped-def]
        await asyncio.sleep(0.3)
        return await slow_list(*args, **kwargs)

    monkeypatch.setattr(queries, "list_open_first", slowly)
    her = bot.person("en")
    await her.send("/start")
    await her.tap("In China")
    screen = her.screen
    need = her.data_of("Urgent help now")
    erase_now = next(
        d for row in screen.buttons() for _, d in row if decode(d).screen is Screen.ERASE
    )
    await her.press(erase_now)
    question = her.screen
    yes = question.buttons()[0][0][1]
    # The need tap and the erase come in one batch, the need first and slow.
    bot.fake.api.user_taps(her.user, question, need)
    last = bot.fake.api.user_taps(her.user, question, yes)
    await bot.deliver(last)
    assert her.api.messages[her.chat_id] == {}


async def test_typing_does_not_switch_auto_erase_off(bot: Harness) -> None:
    her = bot.person("en")
    await her.send("/safety")
    await her.tap("⏱")
    await her.tap("30 minutes")
    await her.send("hello")  # her screen again, built from memory, not from her buttons
    assert all(decode(d).auto == 30 for row in her.screen.buttons() for _, d in row)
    bot.core.last_screens.forget(her.chat_id)  # as an hour later: a new first screen
    await her.send("hello")
    assert all(decode(d).auto == 30 for row in her.screen.buttons() for _, d in row)
    await her.tap("In China")
    (job,) = jobs(bot, "auto-erase")
    assert job.data == 30


async def test_auto_erase_after_a_flood_takes_her_last_messages_too(tmp_path: Path) -> None:
    """With her typed messages kept (DELETE_USER_MESSAGES=false), the last ones a flood left
    unanswered are newer than anything the bot sent: auto-erase must still delete them."""
    async with Harness(
        tmp_path, flood_guard=True, delete_user_messages=False, directory=standard_directory()
    ) as harness:
        assert harness.app is not None
        harness.core.flood = FloodGuard(clock=Clock())
        her = harness.person("en")
        await her.send("/safety")
        await her.tap("⏱")
        await her.tap("10 minutes")
        typed = []
        for i in range(45):
            update = await her.send(f"I am at the bus station {i}")
            typed.append(update["message"]["message_id"])
        bots = [m.message_id for m in her.api.messages[her.chat_id].values() if m.from_bot]
        unanswered = [i for i in typed if i > max(bots)]
        assert len(unanswered) >= 3, (typed, bots)  # the flood left these without an answer
        assert set(typed) <= set(her.api.messages[her.chat_id])  # kept, as set
        await harness.run_jobs("auto-erase")
        assert her.api.messages[her.chat_id] == {}
        assert set(unanswered) <= ids_asked_deleted(her)
        assert all_ids_ever(her) <= ids_asked_deleted(her)


async def test_erase_gets_through_a_flood_and_typing_is_removed(tmp_path: Path) -> None:
    async with Harness(tmp_path, flood_guard=True, directory=standard_directory()) as harness:
        assert harness.app is not None
        harness.core.flood = FloodGuard(clock=Clock())
        her = harness.person("en")
        for i in range(42):
            await her.send(f"panic {i}")
        held = await her.send("my address is 5 River Road")
        await harness.run_jobs("tidy")  # what was held back is deleted a few seconds later
        assert held["message"]["message_id"] not in her.api.messages[her.chat_id]
        await her.send("/erase")
        await her.press(her.screen.buttons()[0][0][1])
        assert her.api.messages[her.chat_id] == {}
