"""What erasing a chat needs to know, kept in memory only and forgotten after 48 hours.

Telegram lets a bot delete messages of a private chat, its own and the user's, for 48 hours,
and message ids in a chat rise one by one. So erasing needs no stored list: walk back from the
newest id. This memory only does better than a fixed walk: it remembers, per chat, the lowest
and highest ids seen in the last 48 hours, so that a long session is erased whole.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ERASABLE_SECONDS = 48 * 3600
BATCH = 100  # deleteMessages takes at most 100 ids
WALK_BACK = 1000  # ids walked below the lowest one known (after a restart, say)


@dataclass
class _Seen:
    lowest: int
    highest: int
    last_seen: float


class EraseMemory:
    """Per chat: the message ids seen, forgotten 48 hours after the chat's last activity (by
    then Telegram lets no bot delete them). Nothing is ever written."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._chats: dict[int, _Seen] = {}
        self._next_prune = 0.0

    def saw(self, chat_id: int, message_id: int) -> None:
        self._prune()
        seen = self._chats.get(chat_id)
        if seen is None:
            self._chats[chat_id] = _Seen(message_id, message_id, self._clock())
        else:
            seen.lowest = min(seen.lowest, message_id)
            seen.highest = max(seen.highest, message_id)
            seen.last_seen = self._clock()

    def highest(self, chat_id: int) -> int | None:
        self._prune()
        seen = self._chats.get(chat_id)
        return seen.highest if seen else None

    def batches(self, chat_id: int, newest: int) -> list[list[int]]:
        """Every id from `newest` down to the oldest that may still be deletable."""
        self._prune()
        seen = self._chats.get(chat_id)
        top = max(newest, seen.highest if seen else newest)
        # Below the lowest id seen there may be messages from before a restart: walk on.
        floor = max(1, min(seen.lowest if seen else top, top) - WALK_BACK + 1)
        return list(_chunks(range(top, floor - 1, -1)))

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        self._prune()
        return len(self._chats)

    def _prune(self) -> None:
        now = self._clock()
        if now < self._next_prune:
            return
        self._next_prune = now + 1.0
        limit = now - ERASABLE_SECONDS
        for chat_id in [c for c, s in self._chats.items() if s.last_seen < limit]:
            del self._chats[chat_id]


def _chunks(ids: range) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])
