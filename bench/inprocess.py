"""The in-process cost: updates through `Application.process_update` with a stub request.

No HTTP and no other process: what remains is the framework's own work plus, for the helpline,
its handlers and database. The same updates go through a bare echo bot built the same way.
Database statements are counted per screen with SQLAlchemy's events.
"""

from __future__ import annotations

import asyncio
import collections
import time
from typing import Any

from sqlalchemy import event
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler
from telegram.ext import filters as tg_filters
from telegram.request import BaseRequest

from bench.echo import on_button, on_message
from bench.workload import UpdateMaker, User
from bot.menus.flood import FloodGuard
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.demo import LocalRequest

TOKEN = "123456:bench-token-for-the-local-benchmark-only"
BOT = {"id": 1, "is_bot": True, "first_name": "Helpline", "username": "bench_bot"}


class StubApi:
    """Answers every Bot API call at once with a plausible success, keeping nothing; put
    behind the demo's request hook (`LocalRequest`) in place of the in-memory chat."""

    def __init__(self, maker: UpdateMaker) -> None:
        self.maker = maker  # the chats' message ids, shared with the updates
        self.files: dict[str, bytes] = {}

    def call(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "editMessageText", "sendPhoto"):
            chat_id = int(params.get("chat_id", 1))
            return {
                "message_id": int(params.get("message_id", 0))
                or self.maker.next_message_id(chat_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "x",
            }
        return True


def stub_request(maker: UpdateMaker) -> BaseRequest:
    return LocalRequest(StubApi(maker))  # type: ignore[arg-type]


def echo_application(request: BaseRequest) -> Application:  # type: ignore[type-arg]
    """The floor, with the handlers of `bench.echo`, on the stub request."""
    application = (
        ApplicationBuilder().token(TOKEN).request(request).get_updates_request(request).build()
    )
    application.add_handler(MessageHandler(tg_filters.ALL, on_message))
    application.add_handler(CallbackQueryHandler(on_button))
    return application


async def _run(
    application: Application,  # type: ignore[type-arg]
    maker: UpdateMaker,
    users: list[User],
    engine: Any = None,
) -> tuple[float, int, dict[str, list[int]], dict[str, list[float]]]:
    plan = [(step, maker.make(user, step)) for user in users for step in user.steps]
    statements: dict[str, list[int]] = collections.defaultdict(list)
    timings: dict[str, list[float]] = collections.defaultdict(list)
    counter = [0]

    def count(*_args: Any) -> None:
        counter[0] += 1

    if engine is not None:
        event.listen(engine.sync_engine, "before_cursor_execute", count)
    started = time.perf_counter()
    for step, data in plan:
        before = counter[0]
        began = time.perf_counter()
        await application.process_update(Update.de_json(data, application.bot))
        timings[step.screen].append(time.perf_counter() - began)
        statements[step.screen].append(counter[0] - before)
    elapsed = time.perf_counter() - started
    if engine is not None:
        event.remove(engine.sync_engine, "before_cursor_execute", count)
    return elapsed, len(plan), statements, timings


async def measure(settings: Settings, users: list[User]) -> dict[str, Any]:
    """Per-update time for the helpline and for echo, and statements per helpline screen."""
    maker = UpdateMaker()
    helpline = build_application(settings, token=TOKEN, request=stub_request(maker))
    await helpline.initialize()
    assert helpline.post_init is not None
    await helpline.post_init(helpline)
    core = helpline.bot_data["core"]
    core.flood = FloodGuard(limit=10**9, words_limit=10**9)
    engine = helpline.bot_data["engine"]
    await _run(helpline, maker, users[:50], engine)  # warm caches and the connection pool
    elapsed, count, statements, timings = await _run(helpline, maker, users, engine)
    assert helpline.post_shutdown is not None
    await helpline.post_shutdown(helpline)
    await helpline.shutdown()

    maker = UpdateMaker()
    echo = echo_application(stub_request(maker))
    await echo.initialize()
    await _run(echo, maker, users[:50])
    echo_elapsed, echo_count, _, _ = await _run(echo, maker, users)
    await echo.shutdown()
    return {
        "helpline_per_update_ms": 1000 * elapsed / count,
        "echo_per_update_ms": 1000 * echo_elapsed / echo_count,
        "updates": count,
        "statements": {screen: max(values) for screen, values in statements.items()},
        "screen_ms": {
            screen: 1000 * sum(values) / len(values) for screen, values in timings.items()
        },
        "statements_mean": {
            screen: sum(values) / len(values) for screen, values in statements.items()
        },
    }


def run(settings: Settings, users: list[User]) -> dict[str, Any]:
    return asyncio.run(measure(settings, users))
