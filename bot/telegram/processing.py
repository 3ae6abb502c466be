"""How python-telegram-bot runs the bot's updates: in order per chat, keeping no user list.

One chat must not stall everyone. A modified client can send hundreds of updates at once from
one chat; they run one at a time, so they wait. Here a chat waits in its own line, and only
the update whose turn it is takes one of the shared slots. A chat's line is short: updates
past `max_waiting` are shed, and erase steps queued more than once run once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor

from handlers.steps import Step, erase_step, shedding

# python-telegram-bot takes one of its own slots for every update before handing it over, and
# would make a chat's waiting updates hold them; the slots are taken here, once it is a turn.
UNLIMITED = 2**31 - 1
MAX_WAITING = 8  # a person who taps while the bot is slow queues a few, not dozens
MAX_WORDS_WAITING = 64  # her messages arriving at once (a phone back online), a few screens' worth


@dataclass(eq=False)
class _Turn:
    step: Step
    granted: asyncio.Future[bool]  # True: its turn; False: replaced by a newer one of its kind


@dataclass
class _Line:
    """One chat's work: one running, the rest waiting in order."""

    waiting: deque[_Turn] = field(default_factory=deque)

    def waiting_of(self, step: Step) -> int:
        return sum(turn.step is step for turn in self.waiting)


class HelplineApplication(Application):  # type: ignore[type-arg]
    """python-telegram-bot's Application, minus its persistence bookkeeping.

    Without persistence, PTB still adds the chat and user id of every update to two sets that
    only a persistence flush would empty: a list of every user, growing for the life of the
    process. Here nothing is marked, so nothing is kept.
    """

    def _mark_for_persistence_update(self, *, update: object = None, job: object = None) -> None:
        return None


class OneChatAtATime(BaseUpdateProcessor):
    """Different chats run concurrently; the updates (and erase jobs) of one chat run in order.

    Otherwise a tap still being answered could post its screen after she erased the chat.

    - Only the update whose turn it is takes one of the `max_concurrent_updates` slots, so a
      chat's backlog waits without holding any.
    - At most `max_waiting` plain updates wait per chat; more are shed: they pass through the
      handlers marked (`shed()`), out of turn and without a slot, so that the first handler
      notes what to tidy up later in one go, and nothing else runs.
    - Erase steps are never shed, but of each kind (the question, erasing itself) one waits
      at most: a newer one takes the older one's place at the end of the line, so that several
      taps are one erase, after everything queued before the last tap. The older one is shed.
    - A chat's line lives only while it has work; nothing is written.
    - The chats in `unlimited` (the volunteers' relay group, where many write at once) are
      never shed, but still run in order.
    """

    def __init__(
        self,
        max_concurrent_updates: int,
        max_waiting: int = MAX_WAITING,
        unlimited: frozenset[int] = frozenset(),
        max_words_waiting: int = MAX_WORDS_WAITING,
    ) -> None:
        super().__init__(UNLIMITED)
        self._caps = {Step.PLAIN: max_waiting, Step.WORDS: max_words_waiting}  # others: none
        self.unlimited = unlimited  # chats never shed (the relay group), still in order
        self._slots = asyncio.Semaphore(max_concurrent_updates)
        self._lines: dict[int, _Line] = {}

    def __len__(self) -> int:
        """How many chats have work waiting or running."""
        return len(self._lines)

    @contextlib.asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[None]:
        """A timer's turn in the chat's line, after the updates already waiting; never shed."""
        await self._turn(chat_id, Step.JOB)
        try:
            yield
        finally:
            self._pass_turn(chat_id)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            async with self._slots:
                await coroutine
            return
        if not await self._turn(chat.id, erase_step(update)):
            await self._shed(coroutine)
            return
        try:
            async with self._slots:
                await coroutine
        finally:
            self._pass_turn(chat.id)

    async def _shed(self, coroutine: Awaitable[Any]) -> None:
        token = shedding.set(True)
        try:
            await coroutine
        finally:
            shedding.reset(token)

    async def _turn(self, chat_id: int, step: Step) -> bool:
        """Wait for this chat's turn: True when it comes, False if the update is shed."""
        line = self._lines.get(chat_id)
        if line is None:  # nothing running: go at once
            self._lines[chat_id] = _Line()
            return True
        capped = chat_id not in self.unlimited
        cap = self._caps.get(step)
        if cap is not None and capped and line.waiting_of(step) >= cap:
            return False
        if step in (Step.ERASE_ASK, Step.ERASE_NOW):
            older = next((turn for turn in line.waiting if turn.step is step), None)
            if older is not None:
                line.waiting.remove(older)
                older.granted.set_result(False)
        turn = _Turn(step, asyncio.get_running_loop().create_future())
        line.waiting.append(turn)
        try:
            return await turn.granted
        except asyncio.CancelledError:
            if turn.granted.done() and not turn.granted.cancelled() and turn.granted.result():
                self._pass_turn(chat_id)  # granted, but no longer wanted: hand it on
            elif turn in line.waiting:
                line.waiting.remove(turn)
            raise

    def _pass_turn(self, chat_id: int) -> None:
        line = self._lines[chat_id]
        if line.waiting:
            line.waiting.popleft().granted.set_result(True)
        else:
            del self._lines[chat_id]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
