"""One chat must not stall everyone: a flooding chat's backlog, erases and held messages.

A modified client can send hundreds of updates at once from one chat. The tests hold that
chat's first update in a handler (an event, not a sleep), pile the flood up behind it, and
check what gets through, what it costs in Bot API calls, and what is left in her chat.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.menus.callback import Nav, Screen, encode
from bot.menus.flood import FloodGuard
from bot.telegram.processing import OneChatAtATime
from handlers.erase import MARKER
from handlers.steps import Step, erase_step, shed
from tests.harness import Harness, Person, standard_directory

FORGED_ERASE = encode(Nav(Screen.ERASE_NOW, "en"))


class Gate:
    """Holds the first update of one chat inside the handlers until opened."""

    made: ClassVar[list[Gate]] = []

    def __init__(self, harness: Harness, chat_id: int) -> None:
        self.chat_id = chat_id
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()
        assert harness.app is not None
        harness.app.add_handler(TypeHandler(Update, self._hold), group=-2)
        Gate.made.append(self)

    async def _hold(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None or chat.id != self.chat_id or self.entered.is_set():
            return
        self.entered.set()
        await self.opened.wait()


@contextlib.asynccontextmanager
async def running(tmp_path: Path, *, flood_guard: bool = False) -> AsyncIterator[Harness]:
    """The bot; on the way out every gate is opened first: a held update would otherwise keep
    the bot from stopping."""
    async with Harness(tmp_path, flood_guard=flood_guard, directory=standard_directory()) as bot:
        try:
            yield bot
        finally:
            for gate in Gate.made:
                gate.opened.set()
            Gate.made.clear()


def calls_in(her: Person, since: int) -> list[tuple[str, dict[str, Any]]]:
    return [(m, p) for m, p in her.api.calls[since:] if int(p.get("chat_id", 0)) == her.chat_id]


async def until(harness: Harness, predicate: Any) -> bool:
    """Whether `predicate` comes true while the fake Bot API keeps changing; False if it has
    not within ten seconds (a bound for a thing that should never wait, not a timing)."""
    try:
        await harness.fake.wait_for(predicate, within=10.0)
    except TimeoutError:
        return False
    return True


async def settle(harness: Harness) -> None:
    """Every update handled, then the timers a flood leaves run at once: the held messages'
    tidy-up, and any deletion Telegram refused, asked again."""
    assert harness.app is not None and harness.app.job_queue is not None
    await harness.idle()
    await harness.run_jobs("tidy", "erase")


async def flood(harness: Harness, her: Person, erases: int, texts: int) -> tuple[int, Gate]:
    """Her chat's first update held in the handlers, then the flood piled up behind it, in
    one delivery; returns the index of the first call made for it, and the gate."""
    since = len(her.api.calls)
    gate = Gate(harness, her.chat_id)
    screen = her.screen
    her.api.user_sends(her.user, "the first of many")
    for n in range(max(erases, texts)):
        if n < erases:
            her.api.user_taps(her.user, screen, FORGED_ERASE)
        if n < texts:
            her.api.user_sends(her.user, f"flood {n}")
    await harness.fake.notify()
    await asyncio.wait_for(gate.entered.wait(), 10)
    return since, gate


async def test_another_chat_is_answered_while_a_flooding_chat_is_stuck(tmp_path: Path) -> None:
    async with running(tmp_path) as harness:
        her, other = harness.person("en"), harness.person("en")
        await her.send("/start")
        _since, gate = await flood(harness, her, erases=200, texts=200)
        harness.fake.api.user_sends(other.user, "/start")
        await harness.fake.notify()
        answered = await until(
            harness, lambda: harness.fake.api.last_bot_message(other.chat_id) is not None
        )
        assert answered, "another chat's /start waited behind the flooding chat"
        assert other.screen.buttons()
        gate.opened.set()
        await settle(harness)


async def test_a_flood_of_erases_and_texts_costs_a_bounded_number_of_calls(
    tmp_path: Path,
) -> None:
    async with running(tmp_path, flood_guard=True) as harness:
        her = harness.person("en")
        await her.send("/start")
        since, gate = await flood(harness, her, erases=200, texts=200)
        gate.opened.set()
        await settle(harness)
        made = her.api.calls[since:]  # hers alone: no one else is in the chat with the bot
        # 400 updates: one call each would be 400; the old code made about 850. A few erases
        # and a few answers are what a person's chat ever needs.
        assert len(made) < 60, sorted({m for m, _ in made})
        # And the chat ends erased: nothing she typed and no screen is left.
        assert her.api.messages[her.chat_id] == {}


async def test_erase_taps_queued_together_are_one_erase(tmp_path: Path) -> None:
    async with running(tmp_path) as harness:
        her = harness.person("en")
        await her.send("/start")
        since, gate = await flood(harness, her, erases=5, texts=0)
        gate.opened.set()
        await harness.idle()
        markers = [p for m, p in calls_in(her, since) if m == "sendMessage" and p["text"] == MARKER]
        assert len(markers) == 1  # one erase, and the chat is empty at once
        assert her.api.messages[her.chat_id] == {}


async def test_a_real_erase_behind_a_full_queue_still_happens(tmp_path: Path) -> None:
    async with running(tmp_path) as harness:
        her = harness.person("en")
        await her.send("/start")
        _since, gate = await flood(harness, her, erases=0, texts=100)
        her.api.user_taps(her.user, her.screen, FORGED_ERASE)  # after the hundred texts
        await harness.fake.notify()
        await harness.fake.wait_taken(max(u["update_id"] for u in her.api.updates))
        gate.opened.set()
        await settle(harness)
        assert her.api.messages[her.chat_id] == {}


async def test_the_newest_tap_left_unhandled_is_answered_once(tmp_path: Path) -> None:
    """Taps past what one chat may queue are not handled; the newest is answered once, so that
    her last button does not keep spinning, and the older ones cost no call."""
    async with running(tmp_path) as harness:
        her = harness.person("en")
        await her.send("/start")
        screen = her.screen
        gate = Gate(harness, her.chat_id)
        first = her.api.user_taps(her.user, screen, screen.buttons()[0][0][1])
        taps = [her.api.user_taps(her.user, screen, screen.buttons()[0][0][1]) for _ in range(30)]
        await harness.fake.notify()
        await asyncio.wait_for(gate.entered.wait(), 10)
        gate.opened.set()
        await settle(harness)
        answered = her.api.answered_queries
        ids = [t["callback_query"]["id"] for t in [first, *taps]]
        assert ids[-1] in answered
        assert len([i for i in ids if i in answered]) < len(ids) / 2


async def test_after_the_warning_her_messages_are_deleted_together(tmp_path: Path) -> None:
    async with running(tmp_path, flood_guard=True) as harness:
        assert harness.app is not None

        class Clock:
            now = 1000.0

            def __call__(self) -> float:
                return self.now

        harness.core.flood = FloodGuard(
            limit=20, words_limit=20, window=10, pause=30, clock=Clock()
        )
        her = harness.person("en")
        for i in range(20):
            await her.send(f"quick {i}")
        since = len(her.api.calls)
        held = [await her.send(f"held back {i}") for i in range(10)]  # a warning, then silence
        held_ids = {u["message"]["message_id"] for u in held}
        one_by_one = [p for m, p in calls_in(her, since) if m == "deleteMessage"]
        assert one_by_one == []
        await settle(harness)
        together = [p for m, p in calls_in(her, since) if m == "deleteMessages"]
        assert len(together) == 1 and held_ids <= set(together[0]["message_ids"])
        assert not held_ids & set(her.api.messages[her.chat_id])


# --- the update processor on its own ----------------------------------------------------


def an_update(update_id: int, chat_id: int, data: str | None = None) -> Update:
    chat = {"id": chat_id, "type": "private", "first_name": "Test"}
    user = {"id": chat_id, "is_bot": False, "first_name": "Test"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": "hello"}
    if data is None:
        return Update.de_json({"update_id": update_id, "message": {**message, "from": user}}, None)
    query = {"id": str(update_id), "from": user, "chat_instance": "1", "message": message}
    return Update.de_json({"update_id": update_id, "callback_query": {**query, "data": data}}, None)


def a_message(text: str | None, *, edited: bool = False) -> Update:
    chat = {"id": 7, "type": "private", "first_name": "Test"}
    user = {"id": 7, "is_bot": False, "first_name": "Test"}
    message = {"message_id": 1, "date": 0, "chat": chat, "from": user}
    if text is not None:
        message["text"] = text
    kind = "edited_message" if edited else "message"
    return Update.de_json({"update_id": 1, kind: message}, None)


@pytest.mark.parametrize(
    ("update", "step"),
    [
        ("not an update", Step.PLAIN),
        (an_update(1, 7, encode(Nav(Screen.ERASE_NOW, "en"))), Step.ERASE_NOW),
        (an_update(1, 7, encode(Nav(Screen.ERASE, "en", origin=Screen.PLACES))), Step.ERASE_ASK),
        (an_update(1, 7, encode(Nav(Screen.PLACES, "en"))), Step.PLAIN),
        (an_update(1, 7, "forged"), Step.PLAIN),
        (a_message("/erase"), Step.ERASE_ASK),
        (a_message("/erase@helpline_bot"), Step.ERASE_ASK),
        (a_message("/erase now please"), Step.ERASE_ASK),
        (a_message("/start"), Step.PLAIN),
        (a_message("please /erase"), Step.WORDS),
        (a_message("I need help"), Step.WORDS),
        (a_message(None), Step.WORDS),  # a photo, a voice message: something she sent
        (a_message("/erase", edited=True), Step.PLAIN),  # an edit is no new message
    ],
)
def test_what_an_update_asks_of_erasing(update: object, step: Step) -> None:
    assert erase_step(update) is step


class Recorder:
    """Coroutines that record when they ran and whether shed; `first` blocks until opened."""

    def __init__(self) -> None:
        self.ran: list[tuple[int, bool]] = []
        self.opened = asyncio.Event()
        self.running = asyncio.Event()

    async def work(self, number: int, block: bool = False) -> None:
        self.ran.append((number, shed()))
        if block:
            self.running.set()
            await self.opened.wait()


async def test_a_chat_runs_in_order_sheds_the_excess_and_leaves_nothing_behind() -> None:
    processor = OneChatAtATime(4, max_waiting=3, max_words_waiting=3)
    record = Recorder()
    tasks = [
        asyncio.create_task(processor.process_update(an_update(1, 7), record.work(1, block=True)))
    ]
    await asyncio.wait_for(record.running.wait(), 10)
    for n in range(2, 8):  # three wait, three are shed
        tasks.append(asyncio.create_task(processor.process_update(an_update(n, 7), record.work(n))))
    # The shed ones pass at once, while the first is still running.
    await asyncio.wait_for(asyncio.gather(*tasks[4:]), 10)
    assert record.ran == [(1, False), (5, True), (6, True), (7, True)]
    record.opened.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert record.ran[4:] == [(2, False), (3, False), (4, False)]
    assert len(processor) == 0


async def test_what_is_not_an_update_runs_at_once_in_no_chat_s_line() -> None:
    """python-telegram-bot lets anything be put on its update queue; what has no chat waits
    for nobody's turn."""
    processor = OneChatAtATime(1)
    record = Recorder()
    await asyncio.wait_for(processor.process_update("not an update", record.work(1)), 10)
    assert record.ran == [(1, False)] and len(processor) == 0


async def test_updates_cancelled_in_line_leave_it_moving() -> None:
    """An update cancelled while it waits (the bot stopping, say) leaves the line; one
    cancelled at the very moment its turn came hands the turn on. Either way the chat's next
    update runs, and nothing of the chat is left behind."""
    processor = OneChatAtATime(4)
    record = Recorder()
    works = [record.work(2), record.work(3)]
    async with processor.chat(7):  # a timer's turn holds the chat
        second = asyncio.create_task(processor.process_update(an_update(2, 7), works[0]))
        third = asyncio.create_task(processor.process_update(an_update(3, 7), works[1]))
        for _ in range(3):
            await asyncio.sleep(0)  # both are waiting in line now
        third.cancel()  # cancelled while it waits
        for _ in range(3):
            await asyncio.sleep(0)
        assert record.ran == []
    second.cancel()  # its turn came as the timer's ended: cancelled before it could go
    for task, work in zip((second, third), works, strict=True):
        with contextlib.suppress(asyncio.CancelledError):
            await task
        work.close()  # its handling never started
    await asyncio.wait_for(processor.process_update(an_update(4, 7), record.work(4)), 10)
    assert record.ran == [(4, False)] and len(processor) == 0


async def test_waiting_updates_hold_no_slot() -> None:
    processor = OneChatAtATime(2, max_waiting=100)
    record = Recorder()
    tasks = [
        asyncio.create_task(processor.process_update(an_update(1, 7), record.work(1, block=True)))
    ]
    await asyncio.wait_for(record.running.wait(), 10)
    tasks += [
        asyncio.create_task(processor.process_update(an_update(n, 7), record.work(n)))
        for n in range(2, 50)
    ]
    await asyncio.wait_for(processor.process_update(an_update(99, 8), record.work(99)), 10)
    assert (99, False) in record.ran and (2, False) not in record.ran
    record.opened.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert [n for n, _ in record.ran if n not in (1, 99)] == list(range(2, 50))


async def test_erase_taps_collapse_to_the_last_and_timers_keep_their_place() -> None:
    processor = OneChatAtATime(4, max_waiting=3)
    record = Recorder()
    erase_now = encode(Nav(Screen.ERASE_NOW, "en"))
    tasks = [
        asyncio.create_task(processor.process_update(an_update(1, 7), record.work(1, block=True)))
    ]
    await asyncio.wait_for(record.running.wait(), 10)

    async def timer() -> None:
        async with processor.chat(7):
            record.ran.append((100, shed()))

    for n, data in ((2, erase_now), (3, None), (4, erase_now), (5, None)):
        tasks.append(
            asyncio.create_task(processor.process_update(an_update(n, 7, data), record.work(n)))
        )
    tasks.append(asyncio.create_task(timer()))
    tasks.append(
        asyncio.create_task(processor.process_update(an_update(6, 7, erase_now), record.work(6)))
    )
    # Erase tap 2 was replaced by 4, then 4 by 6: both pass shed while 1 is still running.
    await asyncio.wait_for(asyncio.gather(tasks[1], tasks[3]), 10)
    record.opened.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    handled = [n for n, was_shed in record.ran if not was_shed]
    assert handled == [1, 3, 5, 100, 6]
    assert sorted(n for n, was_shed in record.ran if was_shed) == [2, 4]
    assert len(processor) == 0


async def test_her_messages_may_wait_longer_than_her_taps() -> None:
    """Twelve messages at once (a phone back online) all wait their turn; of twelve taps,
    only as many as may wait do, and the rest are shed."""
    processor = OneChatAtATime(4, max_waiting=3, max_words_waiting=20)
    record = Recorder()
    first = processor.process_update(an_update(1, 7), record.work(1, block=True))
    tasks = [asyncio.create_task(first)]
    await asyncio.wait_for(record.running.wait(), 10)
    tap = encode(Nav(Screen.NEEDS, "en", place="CN"))
    for n in range(2, 14):
        tasks.append(asyncio.create_task(processor.process_update(an_update(n, 7), record.work(n))))
    for n in range(14, 26):
        update = an_update(n, 7, data=tap)
        tasks.append(asyncio.create_task(processor.process_update(update, record.work(n))))
    await asyncio.sleep(0)
    record.opened.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    shed = sorted(n for n, was_shed in record.ran if was_shed)
    assert shed == list(range(17, 26))
    assert [n for n, was_shed in record.ran if not was_shed][1:] == [*range(2, 14), 14, 15, 16]
