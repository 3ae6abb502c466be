"""How python-telegram-bot runs the bot's updates: in order per chat, keeping no user list."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseUpdateProcessor


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
    The per-chat locks live only while a chat has work waiting.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    @contextlib.asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[chat_id] -= 1
            if not self._waiting[chat_id]:
                del self._waiting[chat_id], self._locks[chat_id]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self.chat(chat.id):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
