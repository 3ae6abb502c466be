"""What goes into the volunteers' group waits here, not in her turn, and conversations take
turns.

Telegram lets a bot post only about 20 messages a minute into one group. Were a copy of her
message to wait for that inside her update's turn, her chat's line would fill while she went
on writing, and what came past its end would be shed as a flood: deleted, never passed on.
So her update only puts the copy here and is done; one task posts them at whatever pace
Telegram allows.

Each conversation has a line of its own, and the task takes one post from each line in turn:
a conversation that sends forty messages at once delays its own, not the first message of
every other conversation. A line holds at most PER_CONVERSATION posts, about a minute of the
group's pace; past that, `put` refuses, and the caller tells her once. Kept in memory only: a
copy still waiting when the process stops is not posted (her message is deleted with the
rest at the conversation's end).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Post = Callable[[], Awaitable[None]]
PER_CONVERSATION = 20  # one conversation's posts waiting: about a minute of the group's pace
MAX_WAITING = 1000  # every line together, far past a minute's worth for any group


class Put(enum.Enum):
    QUEUED = "queued"
    REFUSED = "refused"  # her line is full: not passed on
    REFUSED_FIRST = "refused first"  # the same, and the first since her line last took one


class GroupPosts:
    """Lines of posts into the group, one per conversation, served in turn by one task."""

    def __init__(
        self, *, per_conversation: int = PER_CONVERSATION, max_waiting: int = MAX_WAITING
    ) -> None:
        self.per_conversation, self.max_waiting = per_conversation, max_waiting
        self._lines: OrderedDict[str, deque[Post]] = OrderedDict()  # the next turn first
        self._refused: set[str] = set()  # lines refused since they last took a post
        self._waiting = 0
        self._unfinished = 0  # waiting, or being posted
        self._ready = asyncio.Event()  # something is waiting
        self._done = asyncio.Event()  # nothing is unfinished
        self._done.set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="group-posts")

    def put(self, line: str, post: Post) -> Put:
        """`line` names her conversation (its case code). Refused when her line or every
        line together is full; REFUSED_FIRST the first time since her line last took one,
        so that she is told once, not for every message."""
        waiting = self._lines.get(line)
        if (waiting is not None and len(waiting) >= self.per_conversation) or (
            self._waiting >= self.max_waiting
        ):
            if line in self._refused:
                return Put.REFUSED
            self._refused.add(line)
            return Put.REFUSED_FIRST
        self._refused.discard(line)
        self._lines.setdefault(line, deque()).append(post)
        self._waiting += 1
        self._unfinished += 1
        self._done.clear()
        self._ready.set()
        return Put.QUEUED

    def waiting(self, line: str) -> int:
        return len(self._lines.get(line, ()))

    def __len__(self) -> int:
        return self._waiting

    async def join(self) -> None:
        """Until every post put so far is done (tests, and a graceful stop)."""
        await self._done.wait()

    async def stop(self, within: float = 10.0) -> None:
        """What is waiting gets `within` seconds to go out; then the task ends."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.join(), within)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    def _next(self) -> Post:
        """The first post of the line whose turn it is; that line goes to the back."""
        line, posts = next(iter(self._lines.items()))
        post = posts.popleft()
        if posts:
            self._lines.move_to_end(line)
        else:
            del self._lines[line]
            self._refused.discard(line)  # nothing of hers waits: a new burst is told anew
        self._waiting -= 1
        if not self._lines:
            self._ready.clear()
        return post

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            post = self._next()
            try:
                await post()
            except Exception as exc:  # a post is on its own; the lines go on
                log.warning("a post into the volunteers' group failed (%s)", type(exc).__name__)
            finally:
                self._unfinished -= 1
                if self._unfinished == 0:
                    self._done.set()
