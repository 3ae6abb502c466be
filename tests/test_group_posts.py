"""The line of posts into the volunteers' group on its own: turns between conversations, the
cap per conversation, and telling her once."""

from __future__ import annotations

import asyncio

from bot.relay.posting import GroupPosts, Put


async def test_conversations_take_turns_and_each_keeps_its_order() -> None:
    posted: list[str] = []
    posts = GroupPosts()

    def post(name: str):  # type: ignore[no-untyped-def]
        async def run() -> None:
            posted.append(name)

        return run

    for n in range(3):
        assert posts.put("A", post(f"A{n}")) is Put.QUEUED
    assert posts.put("B", post("B0")) is Put.QUEUED
    assert posts.put("C", post("C0")) is Put.QUEUED
    assert posts.put("B", post("B1")) is Put.QUEUED
    posts.start()
    await asyncio.wait_for(posts.join(), 5)
    await posts.stop()
    assert posted == ["A0", "B0", "C0", "A1", "B1", "A2"]


async def test_a_full_line_refuses_and_says_so_first_once_until_it_has_drained() -> None:
    posts = GroupPosts(per_conversation=2)

    async def nothing() -> None:
        return None

    assert [posts.put("A", nothing) for _ in range(2)] == [Put.QUEUED] * 2
    assert posts.put("A", nothing) is Put.REFUSED_FIRST
    assert posts.put("A", nothing) is Put.REFUSED
    assert posts.put("B", nothing) is Put.QUEUED  # another conversation has room
    assert posts.waiting("A") == 2 and len(posts) == 3
    posts.start()
    await asyncio.wait_for(posts.join(), 5)
    assert posts.waiting("A") == 0 and len(posts) == 0
    assert [posts.put("A", nothing) for _ in range(3)] == [
        Put.QUEUED,
        Put.QUEUED,
        Put.REFUSED_FIRST,
    ]
    await posts.stop()


async def test_every_line_together_is_bounded() -> None:
    posts = GroupPosts(per_conversation=5, max_waiting=3)

    async def nothing() -> None:
        return None

    assert [posts.put(str(n), nothing) for n in range(3)] == [Put.QUEUED] * 3
    assert posts.put("another", nothing) is Put.REFUSED_FIRST


async def test_a_failing_post_does_not_stop_the_others() -> None:
    posted: list[str] = []
    posts = GroupPosts()

    async def fails() -> None:
        raise RuntimeError("the group is gone")

    async def works() -> None:
        posted.append("ok")

    posts.put("A", fails)
    posts.put("A", works)
    posts.start()
    await asyncio.wait_for(posts.join(), 5)
    await posts.stop()
    assert posted == ["ok"]
