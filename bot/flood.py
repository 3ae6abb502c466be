"""A per-chat flood guard, in memory only, so that one chat cannot slow the others.

A chat that sends more than `limit` updates within `window` seconds is told once to wait and is
then ignored for `pause` seconds. Entries expire; nothing is written.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: say "please wait" once
    IGNORE = "ignore"


@dataclass
class _Chat:
    times: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0


class FloodGuard:
    def __init__(
        self,
        limit: int = 20,
        window: float = 10.0,
        pause: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.window, self.pause = limit, window, pause
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._next_prune = 0.0

    def check(self, chat_id: int) -> Verdict:
        now = self._clock()
        self._prune(now)
        chat = self._chats.setdefault(chat_id, _Chat())
        if now < chat.paused_until:
            return Verdict.IGNORE
        chat.times.append(now)
        while chat.times and chat.times[0] <= now - self.window:
            chat.times.popleft()
        if len(chat.times) > self.limit:
            chat.times.clear()
            chat.paused_until = now + self.pause
            return Verdict.WARN
        return Verdict.ALLOW

    def __len__(self) -> int:
        return len(self._chats)

    def _prune(self, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + 1.0
        stale = [
            chat_id
            for chat_id, chat in self._chats.items()
            if now >= chat.paused_until and (not chat.times or chat.times[-1] <= now - self.window)
        ]
        for chat_id in stale:
            del self._chats[chat_id]
