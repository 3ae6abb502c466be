"""A per-chat flood guard, in memory only, so that one chat cannot slow the others.

A chat that sends more than `limit` updates within `window` seconds is told once to wait and is
then ignored for `pause` seconds. What a chat sent that was not handled (ignored here, or shed
by the update processor) is held, to be tidied up in one go: her messages deleted together,
her newest tap answered. Entries expire or are taken; nothing is written.
"""

from __future__ import annotations

import bisect
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import Enum

BATCH = 100  # deleteMessages takes at most 100 ids
MAX_RUNS = 16  # runs of held message ids kept per chat; beyond, the closest two are joined


class Verdict(Enum):
    ALLOW = "allow"
    WARN = "warn"  # the first update over the limit: say "please wait" once
    IGNORE = "ignore"


@dataclass
class _Chat:
    times: deque[float] = field(default_factory=deque)
    paused_until: float = 0.0
    warned: bool = True  # whether "please wait" was said for the current pause


@dataclass
class Held:
    """What one chat sent that was not handled, until it is tidied up.

    Her message ids are kept as runs of consecutive ids (first, last), at most MAX_RUNS of
    them: a flood's messages mostly follow one another. Joining two runs takes in the ids
    between them, which are the bot's answers sent meanwhile to the same flood.
    """

    runs: list[tuple[int, int]] = field(default_factory=list)
    tap: str | None = None  # the newest tap's query id: answered, so it stops spinning
    tap_order: int = -1  # its update id: taps are held out of order (shed or ignored)

    def add_message(self, message_id: int) -> None:
        runs = self.runs
        at = bisect.bisect_left(runs, (message_id, message_id))
        if at > 0 and runs[at - 1][1] >= message_id - 1:  # inside or just after the one before
            first, last = runs[at - 1]
            runs[at - 1] = (first, max(last, message_id))
            at -= 1
        else:
            runs.insert(at, (message_id, message_id))
        if at + 1 < len(runs) and runs[at + 1][0] <= runs[at][1] + 1:  # now touches the next
            runs[at : at + 2] = [(runs[at][0], max(runs[at][1], runs[at + 1][1]))]
        if len(runs) > MAX_RUNS:
            gaps = [runs[n + 1][0] - runs[n][1] for n in range(len(runs) - 1)]
            n = gaps.index(min(gaps))
            runs[n : n + 2] = [(runs[n][0], runs[n + 1][1])]

    def drop_messages(self, low: int, high: int) -> None:
        """Ids from `low` to `high` are gone already (an erase deleted them)."""
        kept: list[tuple[int, int]] = []
        for first, last in self.runs:
            if first < low:
                kept.append((first, min(last, low - 1)))
            if last > high:
                kept.append((max(first, high + 1), last))
        self.runs = kept

    def add_tap(self, query_id: str, order: int) -> None:
        if order > self.tap_order:
            self.tap, self.tap_order = query_id, order

    def batches(self) -> Iterator[list[int]]:
        """Her held message ids, newest first, at most BATCH to a list."""
        ids = [i for first, last in reversed(self.runs) for i in range(last, first - 1, -1)]
        for start in range(0, len(ids), BATCH):
            yield ids[start : start + BATCH]


class FloodGuard:
    """`limit` updates in `window` seconds, or `words_limit` when the update is something she
    wrote or sent: a phone back online sends all she wrote at once, and in a conversation with
    a volunteer each word counts; the relay's own line (bot/relay/posting.py) holds fewer than
    that, and tells her more plainly what was not passed on."""

    def __init__(
        self,
        limit: int = 20,
        window: float = 10.0,
        pause: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        words_limit: int = 40,
    ) -> None:
        self.limit, self.window, self.pause = limit, window, pause
        self.words_limit = words_limit
        self._clock = clock
        self._chats: dict[int, _Chat] = {}
        self._held: dict[int, Held] = {}
        self._next_prune = 0.0

    def check(self, chat_id: int, *, may_warn: bool = True, words: bool = False) -> Verdict:
        """`may_warn` False for an update that may not answer (one shed out of turn): the
        "please wait" then falls to the chat's next update that may. `words` for what she
        wrote or sent, counted with the rest against `words_limit`."""
        now = self._clock()
        self._prune(now)
        chat = self._chats.setdefault(chat_id, _Chat())
        if now < chat.paused_until:
            if may_warn and not chat.warned:
                chat.warned = True
                return Verdict.WARN
            return Verdict.IGNORE
        chat.times.append(now)
        while chat.times and chat.times[0] <= now - self.window:
            chat.times.popleft()
        if len(chat.times) > (self.words_limit if words else self.limit):
            chat.times.clear()
            chat.paused_until = now + self.pause
            chat.warned = may_warn
            return Verdict.WARN if may_warn else Verdict.IGNORE
        return Verdict.ALLOW

    def hold_message(self, chat_id: int, message_id: int) -> bool:
        """Hold her message for deletion; True if nothing was held for this chat yet (so a
        tidy-up is due)."""
        first = chat_id not in self._held
        self._held.setdefault(chat_id, Held()).add_message(message_id)
        return first

    def hold_tap(self, chat_id: int, query_id: str, order: int) -> bool:
        """Hold her tap to be answered (the newest by `order` only); True as for messages."""
        first = chat_id not in self._held
        self._held.setdefault(chat_id, Held()).add_tap(query_id, order)
        return first

    def take_held(self, chat_id: int) -> Held | None:
        return self._held.pop(chat_id, None)

    def deleted(self, chat_id: int, low: int, high: int) -> None:
        """Message ids from `low` to `high` were deleted: no need to delete them again."""
        held = self._held.get(chat_id)
        if held is None:
            return
        held.drop_messages(low, high)
        if not held.runs and held.tap is None:
            del self._held[chat_id]

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
