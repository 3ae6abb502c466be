"""What erasing a chat needs to know, kept in memory only, each id at most 48 hours.

Telegram lets a bot delete messages of a private chat, its own and the user's, for 48 hours
after they were sent, and message ids in a chat rise one by one. So erasing needs no stored
list: walk back from the newest id. This memory only does better than a fixed walk: it
remembers, per chat, the lowest and highest ids seen, so that a long session is erased whole.

It keeps them by the hour in which the messages were sent (at most 49 such spans per chat: two
days of hours), and drops each span 48 hours after its first message was sent. So no id is
kept longer than 48 hours after its message was sent, and none less than 47.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

ERASABLE_SECONDS = 48 * 3600
SPAN_SECONDS = 3600  # ids sent within one hour of the clock are kept together
BATCH = 100  # deleteMessages takes at most 100 ids
WALK_BACK = 1000  # ids walked below the lowest one known (after a restart, say)


@dataclass(slots=True)
class _Span:
    hour: int  # the hour of the clock the messages were sent in
    lowest: int
    highest: int
    since: float  # when the first of them was sent: the span goes 48 hours after


class EraseMemory:
    """Per chat: the message ids seen, in hourly spans, each forgotten 48 hours after its first
    message was sent (by then Telegram lets no bot delete it). Nothing is ever written.

    `clock` is wall-clock time, as the message dates Telegram gives are."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._chats: dict[int, list[_Span]] = {}  # spans in order of their hour
        self._next_prune = 0.0

    def saw(self, chat_id: int, message_id: int, sent_at: float | None = None) -> None:
        """`sent_at`: when the message was sent (its date), if known; else now."""
        now = self._clock()
        self._prune(now)
        sent = now if sent_at is None else min(sent_at, now)
        if sent <= now - ERASABLE_SECONDS:  # Telegram no longer lets anyone delete it
            return
        spans = self._chats.setdefault(chat_id, [])
        hour = int(sent // SPAN_SECONDS)
        at = bisect.bisect_left(spans, hour, key=lambda span: span.hour)
        if at < len(spans) and spans[at].hour == hour:
            span = spans[at]
            span.lowest = min(span.lowest, message_id)
            span.highest = max(span.highest, message_id)
            span.since = min(span.since, sent)
        else:
            spans.insert(at, _Span(hour, message_id, message_id, sent))

    def highest(self, chat_id: int) -> int | None:
        spans = self._spans(chat_id)
        return max(span.highest for span in spans) if spans else None

    def batches(self, chat_id: int, newest: int) -> list[list[int]]:
        """Every id from `newest` down to the oldest that may still be deletable."""
        spans = self._spans(chat_id)
        top = max([newest, *(span.highest for span in spans)])
        lowest = min([top, *(span.lowest for span in spans)])
        # Below the lowest id known there may be messages from before a restart: walk on.
        floor = max(1, lowest - WALK_BACK + 1)
        return list(_chunks(range(top, floor - 1, -1)))

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        self._prune(self._clock())
        return len(self._chats)

    def _spans(self, chat_id: int) -> list[_Span]:
        now = self._clock()
        self._prune(now)
        spans = self._chats.get(chat_id)
        if spans is None:
            return []
        self._drop_old(chat_id, spans, now - ERASABLE_SECONDS)
        return self._chats.get(chat_id, [])

    def _drop_old(self, chat_id: int, spans: list[_Span], limit: float) -> None:
        while spans and spans[0].since <= limit:
            spans.pop(0)
        if not spans:
            del self._chats[chat_id]

    def _prune(self, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + 1.0
        limit = now - ERASABLE_SECONDS
        for chat_id, spans in list(self._chats.items()):
            self._drop_old(chat_id, spans, limit)


def _chunks(ids: range) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield list(ids[start : start + BATCH])
