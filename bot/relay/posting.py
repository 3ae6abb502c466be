"""What goes into the volunteers' group waits here, not in her turn.

Telegram lets a bot post only about 20 messages a minute into one group. Were a copy of her
message to wait for that inside her update's turn, her chat's line would fill while she went
on writing, and what came past its end would be shed as a flood: deleted, never passed on.
So her update only puts the copy here and is done; one task posts them, in the order they
came, at whatever pace Telegram allows. Kept in memory only: a copy still waiting when the
process stops is not posted (her message is deleted with the rest at the conversation's end).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Post = Callable[[], Awaitable[None]]
MAX_WAITING = 1000  # far past a minute's worth for every conversation a group can hold


class GroupPosts:
    """One line of posts into the group, handled by one task, in order."""

    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self._queue: asyncio.Queue[Post] = asyncio.Queue(maxsize=max_waiting)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="group-posts")

    def put(self, post: Post) -> bool:
        """False if the line is full: the caller tells her it was not passed on."""
        try:
            self._queue.put_nowait(post)
        except asyncio.QueueFull:
            return False
        return True

    async def join(self) -> None:
        """Until every post put so far is done (tests, and a graceful stop)."""
        await self._queue.join()

    async def stop(self, within: float = 10.0) -> None:
        """What is waiting gets `within` seconds to go out; then the task ends."""
        if self._task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._queue.join(), within)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            post = await self._queue.get()
            try:
                await post()
            except Exception as exc:  # a post is on its own; the line goes on
                log.warning("a post into the volunteers' group failed (%s)", type(exc).__name__)
            finally:
                self._queue.task_done()
