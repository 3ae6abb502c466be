"""Several conversations at once: does one woman's burst hold back the others?

Twenty conversations are open with the volunteers' group. One woman's phone comes back
online and sends the thirty messages she wrote meanwhile; a moment later each of nineteen other
women writes three.
Everything runs in process, through the real handlers and database, over the in-memory Bot
API; each chat's updates are handled one after another, as the update processor would, and
the chats side by side. Telegram lets a bot post about 20 messages a minute into one group:
that pace is kept (python-telegram-bot's AIORateLimiter, as in production) but run SCALE
times faster so that the run takes seconds; the times printed are scaled back to real ones.

Measured: for each conversation, how long its first message waited before it was posted in
the group; when the last one went; how many of the thirty were refused (her line holds 20);
how long her own update took (her turn, with the copy only put in line); and the most posts
that waited at once.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update

from bot.clock import utc_today
from bot.desk import staff
from bot.menus.callback import BadCallback, Screen, decode
from bot.relay import duty
from bot.settings import load_settings
from bot.telegram.app import build_application
from bot.telegram.demo import LocalRequest, load_demo_directory
from bot.telegram.local_api import LocalBotApi

TOKEN = "123456:bench-token-for-the-local-benchmark-only"
GROUP = -1001234567890
KEY = "YmVuY2gtcmVsYXkta2V5LWZvci10aGUtYmVuY2gtb25seQ"  # the bench's own, never a deployment's
SCALE = 20  # the group's pace, 20 posts a minute, run this many times faster
FIRST_USER = 9_100_000
VOLUNTEER = 9_000_001


@dataclass
class RelayRun:
    conversations: int
    each: int
    burst: int
    first_wait_s: list[float]  # real seconds, per calm conversation, until its first post
    last_wait_s: list[float]  # the same, until its last post
    burst_first_wait_s: float
    last_post_s: float
    refused: int
    turn_ms: list[float]  # her update's handling, per message
    most_waiting: int

    def summary(self) -> dict[str, Any]:
        waits = sorted(self.first_wait_s)
        return {
            "conversations": self.conversations,
            "messages_each": self.each,
            "burst": self.burst,
            "first_post_wait_s_median": round(statistics.median(waits), 1),
            "first_post_wait_s_max": round(waits[-1], 1),
            "last_post_wait_s_median": round(statistics.median(self.last_wait_s), 1),
            "last_post_wait_s_max": round(max(self.last_wait_s), 1),
            "burst_first_wait_s": round(self.burst_first_wait_s, 1),
            "last_post_s": round(self.last_post_s, 1),
            "refused": self.refused,
            "turn_ms_median": round(statistics.median(self.turn_ms), 2),
            "turn_ms_p99": round(_p99(self.turn_ms), 2),
            "most_waiting": self.most_waiting,
        }


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


async def run(conversations: int = 20, each: int = 3, burst: int = 30) -> RelayRun:
    with tempfile.TemporaryDirectory(prefix="helpline-bench-relay-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'relay.db'}"
        await load_demo_directory(url)
        settings = load_settings(
            database_url=url,
            telegram_api_url="https://bench.invalid",
            relay_chat_id=GROUP,
            relay_key=KEY,
        )
        api = LocalBotApi()
        api.topics.setdefault(GROUP, {})
        posted: list[tuple[float, int]] = []  # (when, topic) of each copy into the group
        call = api.call

        def watching(method: str, params: dict[str, Any]) -> Any:
            if method == "copyMessage" and int(params["chat_id"]) == GROUP:
                posted.append((time.perf_counter(), int(params["message_thread_id"])))
            return call(method, params)

        api.call = watching  # type: ignore[method-assign]
        application = build_application(
            settings, token=TOKEN, request=LocalRequest(api), group_period=60 / SCALE
        )
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
        try:
            return await _measure(application, api, posted, conversations, each, burst)
        finally:
            assert application.post_shutdown is not None
            await application.post_shutdown(application)
            await application.shutdown()


async def _measure(
    application: Any,
    api: LocalBotApi,
    posted: list[tuple[float, int]],
    conversations: int,
    each: int,
    burst: int,
) -> RelayRun:
    core = application.bot_data["core"]
    await staff.add(core.sessions, VOLUNTEER, "volunteer", utc_today())
    await duty.set_duty(core.sessions, VOLUNTEER, True)  # so that Start opens at once

    async def handle(update: dict[str, Any]) -> float:
        began = time.perf_counter()
        await application.process_update(Update.de_json(update, application.bot))
        return time.perf_counter() - began

    users: list[dict[str, Any]] = [
        {"id": FIRST_USER + n, "is_bot": False, "first_name": "Bench", "language_code": "en"}
        for n in range(conversations)
    ]
    topic_of: dict[int, int] = {}
    for user in users:  # each opens a conversation: its topic is the newest in the group
        await handle(api.user_sends(user, "/talk"))
        screen = api.last_bot_message(int(user["id"]))
        assert screen is not None
        start = next(d for row in screen.buttons() for _, d in row if _is_start(d))
        await handle(api.user_taps(user, screen, start))
        topic_of[int(user["id"])] = max(api.topics[GROUP])
    await core.group_posts.join()
    posted.clear()
    await asyncio.sleep(60 / SCALE)  # the group's budget refilled, as after a quiet minute

    most = 0
    turns: list[float] = []

    async def chat(user: dict[str, Any], count: int) -> None:
        nonlocal most
        updates = [api.user_sends(user, f"message {n}") for n in range(count)]
        for update in updates:  # one after another, as her chat's turn allows
            turns.append(await handle(update))
            most = max(most, len(core.group_posts))

    # Everything arrives before the group takes any of it: handling takes milliseconds and a
    # post three seconds, so this is how a busy minute looks. The posting task is paused
    # meanwhile, and the order and pace of what follows is the line's alone.
    await core.group_posts.stop()
    await chat(users[0], burst)  # her phone back online: thirty at once, a moment first
    await asyncio.gather(*(chat(user, each) for user in users[1:]))
    began = time.perf_counter()
    core.group_posts.start()
    await core.group_posts.join()
    firsts: dict[int, float] = {}  # from the moment the group takes posts, scaled
    lasts: dict[int, float] = {}
    for when, topic in posted:
        firsts.setdefault(topic, (when - began) * SCALE)
        lasts[topic] = (when - began) * SCALE
    burst_topic = topic_of[int(users[0]["id"])]
    calm = [firsts[topic_of[int(user["id"])]] for user in users[1:]]
    delivered = sum(1 for _, topic in posted if topic == burst_topic)
    return RelayRun(
        conversations=conversations,
        each=each,
        burst=burst,
        first_wait_s=calm,
        last_wait_s=[lasts[topic_of[int(user["id"])]] for user in users[1:]],
        burst_first_wait_s=firsts[burst_topic],
        last_post_s=(posted[-1][0] - began) * SCALE,
        refused=burst - delivered,
        turn_ms=[1000 * t for t in turns],
        most_waiting=most,
    )


def _is_start(data: str) -> bool:
    try:
        return decode(data).screen is Screen.TALK_START
    except BadCallback:
        return False


def lines(run_: RelayRun) -> list[str]:
    s = run_.summary()
    return [
        f"relay: {s['conversations']} conversations; {s['conversations'] - 1} write"
        f" {s['messages_each']} messages each while one sends {s['burst']} at once"
        f" (the group's pace, 20 posts a minute, run {SCALE}x faster; times are real ones)",
        "  a calm conversation's first message posted after:"
        f" median {s['first_post_wait_s_median']} s, at most {s['first_post_wait_s_max']} s;"
        f" its last: median {s['last_post_wait_s_median']} s,"
        f" at most {s['last_post_wait_s_max']} s",
        f"  the burst's first message after {s['burst_first_wait_s']} s; the last post after"
        f" {s['last_post_s']} s; {s['refused']} of the burst refused (her line holds 20)",
        f"  her update's turn: median {s['turn_ms_median']} ms, p99 {s['turn_ms_p99']} ms;"
        f" at most {s['most_waiting']} posts waiting at once",
    ]
