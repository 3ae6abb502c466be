"""One chat floods, another person starts: is she answered at once?

A modified client can send anything from one chat, as fast as it likes: here 200 forged "erase
now" taps and 200 texts, delivered at once, followed by another user's `/start`. The fake Bot
API answers every call after `delay` seconds (20 ms by default, a fair round trip to Telegram),
so that calls cost time as they do in production. Measured: how long the other user's `/start`
took, from its delivery to the answer to its last call, and how many calls the flooding chat
cost until it fell quiet.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.e2e import FakeApi, Outstanding, bot_process
from bench.workload import USER_BASE, Step, UpdateMaker, User
from bot.menus.callback import Nav, Screen, encode

FLOODER = USER_BASE - 1
OTHER = USER_BASE - 2
QUIET = 7.0  # seconds without a call for the flooding chat: its tidy-up comes 5 s after
LONGEST = 120.0  # the flood's tail is not waited for longer than this


@dataclass
class OneChatRun:
    erases: int
    texts: int
    delay: float
    start_seconds: float  # the other user's /start, from its delivery to its last call's answer
    flood_calls: int  # Bot API calls made for the flooding chat
    flood_seconds: float  # from the flood's delivery to the last call for it
    methods: dict[str, int] = field(default_factory=dict)  # the flooding chat's calls by method

    def summary(self) -> dict[str, Any]:
        return {
            "erases": self.erases,
            "texts": self.texts,
            "call_ms": round(1000 * self.delay, 1),
            "other_start_s": round(self.start_seconds, 3),
            "flood_calls": self.flood_calls,
            "flood_s": round(self.flood_seconds, 2),
            "flood_calls_by_method": self.methods,
        }


async def run(
    database: Path, workdir: Path, *, erases: int = 200, texts: int = 200, delay: float = 0.02
) -> OneChatRun:
    maker = UpdateMaker()
    api = FakeApi("helpline", maker, delay=delay)
    await api.start()
    try:
        async with bot_process("helpline", api, database=database, workdir=workdir):
            flooder = User(FLOODER, "en")
            erase = Step("tap", encode(Nav(Screen.ERASE_NOW, "en")), "erase now")
            first_update = maker.update_id + 1
            for n in range(max(erases, texts)):
                if n < erases:
                    api.push_unwatched(maker.make(flooder, erase), FLOODER)
                if n < texts:
                    text = Step("message", f"flood {n}", "typed text")
                    api.push_unwatched(maker.make(flooder, text), FLOODER)
            other = User(OTHER, "en", [Step("message", "/start", "start")])
            update = maker.make(other, other.steps[0])
            item = Outstanding(other, 0, update["update_id"])
            api.push(item, update)
            await asyncio.wait_for(item.done.wait(), LONGEST)
            began = time.perf_counter()
            while time.perf_counter() - began < LONGEST:
                calls = api.calls.get(FLOODER, [])
                if calls and time.perf_counter() - calls[-1] > QUIET:
                    break
                await asyncio.sleep(0.25)
            calls = api.calls.get(FLOODER, [])
            flood_seconds = (calls[-1] if calls else 0.0) - api.delivered[first_update]
    finally:
        await api.stop()
    return OneChatRun(
        erases,
        texts,
        delay,
        item.finished - item.delivered,
        len(calls),
        flood_seconds,
        dict(sorted(api.methods[FLOODER].items())),
    )


def lines(result: OneChatRun) -> list[str]:
    return [
        f"one chat floods ({result.erases} forged erase taps and {result.texts} texts at once;"
        f" each Bot API call {1000 * result.delay:g} ms):",
        f"  {'another user’s /start answered in':40}{result.start_seconds:>10.3f} s",
        f"  {'Bot API calls for the flooding chat':40}{result.flood_calls:>10}",
        "    " + ", ".join(f"{method} {count}" for method, count in result.methods.items()),
        f"  {'the flood’s last call after':40}{result.flood_seconds:>10.2f} s",
    ]
