"""End to end: a fake Bot API server and its simulated users here, the bot in another process.

The bot polls this server exactly as it polls Telegram. Each simulated user sends her next
update only when the bot has finished with the last one (its last API call for it has come),
so latency is measured from the moment an update is handed to the bot in a getUpdates answer
to the moment of the bot's last API call for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import statistics
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from bench.workload import Step, UpdateMaker, User

TOKEN = "123456:bench-token-for-the-local-benchmark-only"
PROJECT = str(Path(__file__).resolve().parent.parent)
LAST_UPDATE_WINDOW = 4.0  # the erase's last calls
LOST_AFTER = 30.0  # an update not finished by then is counted as lost


def final_call(bot: str, step: Step) -> str:
    """The API call that ends the bot's work on an update of this step."""
    if bot == "echo":
        return "sendMessage" if step.kind == "message" else "editMessageText"
    if step.kind == "message":
        return "deleteMessage"  # the answer first, then her message is deleted
    return "deleteMessages" if step.screen == "erase now" else "editMessageText"


@dataclass
class Outstanding:
    user: User
    index: int
    update_id: int
    delivered: float = 0.0
    finished: float = 0.0  # when the final call for it was answered
    done: asyncio.Event = field(default_factory=asyncio.Event)


class FakeApi:
    """`delay`: seconds each Bot API call takes to be answered, as Telegram's own do."""

    def __init__(self, bot: str, maker: UpdateMaker, delay: float = 0.0) -> None:
        self.bot = bot
        self.maker = maker
        self.delay = delay
        self.pending: deque[dict[str, Any]] = deque()
        self.wakeup = asyncio.Event()
        self.outstanding: dict[int, Outstanding] = {}  # by chat id
        self.calls: dict[int, list[float]] = defaultdict(list)  # chat id -> call times
        self.methods: dict[int, Counter[str]] = defaultdict(Counter)  # chat id -> methods called
        self.delivered: dict[int, float] = {}  # update id -> time handed to the bot
        self.chat_of_update: dict[int, int] = {}
        self.polls = 0
        self.lost = 0
        self.lost_screens: Counter[str] = Counter()
        self.runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def push(self, item: Outstanding, update: dict[str, Any]) -> None:
        self.outstanding[item.user.user_id] = item
        self.push_unwatched(update, item.user.user_id)

    def push_unwatched(self, update: dict[str, Any], chat_id: int) -> None:
        """An update no one waits for (a flood's, say)."""
        self.chat_of_update[update["update_id"]] = chat_id
        self.pending.append(update)
        self.wakeup.set()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        return {k: v for k, v in (await request.post()).items() if isinstance(v, str)}

    async def handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            return await self._get_updates(params)
        if self.delay:
            await asyncio.sleep(self.delay)
        now = time.perf_counter()
        result: Any = True
        chat_id = int(params.get("chat_id", 0) or 0)
        if method == "answerCallbackQuery":  # a query's id is its update's here (UpdateMaker)
            chat_id = self.chat_of_update.get(int(params.get("callback_query_id", 0)), 0)
        if chat_id:
            self.calls[chat_id].append(now)
            self.methods[chat_id][method] += 1
        if method == "getMe":
            result = {"id": 1, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method in ("sendMessage", "editMessageText", "sendPhoto"):
            result = {
                "message_id": int(params.get("message_id", 0))
                or self.maker.next_message_id(chat_id),
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "text": "x",
            }
        item = self.outstanding.get(chat_id)
        if item is not None and method == final_call(self.bot, item.user.steps[item.index]):
            item.finished = now
            item.done.set()
        return web.json_response({"ok": True, "result": result})

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        self.polls += 1
        timeout = float(params.get("timeout", 0) or 0)
        if not self.pending:
            self.wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wakeup.wait(), timeout)
        batch = [self.pending.popleft() for _ in range(min(100, len(self.pending)))]
        now = time.perf_counter()
        for update in batch:
            self.delivered[update["update_id"]] = now
            chat = self.chat_of_update[update["update_id"]]
            item = self.outstanding.get(chat)
            if item is not None and item.update_id == update["update_id"]:
                item.delivered = now
        return web.json_response({"ok": True, "result": batch})


@dataclass
class Run:
    bot: str
    mode: str
    updates: int
    seconds: float
    latencies: list[float]
    peak_rss_mb: float
    start_rss_mb: float = 0.0
    bot_cpu_s: float = 0.0  # CPU seconds the bot process used during the run
    own_cpu_s: float = 0.0  # and this process: the fake server and the users
    lost: int = 0
    lost_screens: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return 1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def _latencies(api: FakeApi, plan: list[tuple[int, int]]) -> list[float]:
    """Per update: from its delivery to the last call for its chat before her next update was
    delivered (or, for her last update, within LAST_UPDATE_WINDOW)."""
    by_chat: dict[int, list[int]] = defaultdict(list)
    for chat, update_id in plan:
        if update_id in api.delivered:
            by_chat[chat].append(update_id)
    out = []
    for chat, ids in by_chat.items():
        calls = sorted(api.calls.get(chat, []))
        for n, update_id in enumerate(ids):
            start = api.delivered[update_id]
            end = api.delivered[ids[n + 1]] if n + 1 < len(ids) else start + LAST_UPDATE_WINDOW
            mine = [t for t in calls if start <= t < end]
            if mine:
                out.append(mine[-1] - start)
    return out


def cpu_seconds(pid: int) -> float:
    """User plus system time of a process so far, from /proc (0 where there is none)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


@contextlib.asynccontextmanager
async def bot_process(
    bot: str,
    api: FakeApi,
    *,
    database: Path | None,
    workdir: Path,
    echo_transport: str = "httpx",
) -> AsyncIterator[asyncio.subprocess.Process]:
    """The bot in its own process, polling `api`; yields once it has begun polling, and stops
    it (SIGTERM, then SIGKILL after 15 s) on the way out."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(workdir),
        "PYTHONPATH": PROJECT,
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{api.port}",
        "LOG_LEVEL": "WARNING",
        "BENCH_ECHO_TRANSPORT": echo_transport,
    }
    if bot == "helpline":
        assert database is not None
        copy = workdir / f"run-{bot}-{int(time.time() * 1000)}.db"
        shutil.copy(database, copy)
        env["DATABASE_URL"] = f"sqlite+aiosqlite:///{copy}"
        args = [sys.executable, "-m", "bot", "run"]
    else:
        args = [sys.executable, "-m", "bench.echo"]
    log = (workdir / f"{bot}.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        *args, cwd=workdir, env=env, stdout=log, stderr=log
    )
    try:
        while api.polls == 0:
            if process.returncode is not None:
                raise RuntimeError(f"the {bot} process exited; see {workdir / (bot + '.log')}")
            await asyncio.sleep(0.05)
        yield process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        log.close()


async def run(
    bot: str,
    users: list[User],
    *,
    database: Path | None,
    rate: float | None,
    duration: float,
    workdir: Path,
    echo_transport: str = "httpx",
) -> Run:
    """One run: `bot` is "helpline" or "echo"; `rate` None for the maximum rate;
    `echo_transport` "httpx" (PTB's default) or "aiohttp" (the helpline's)."""
    maker = UpdateMaker()
    api = FakeApi(bot, maker)
    await api.start()
    try:
        async with bot_process(
            bot, api, database=database, workdir=workdir, echo_transport=echo_transport
        ) as process:
            start_rss = peak_rss_mb(process.pid)  # ready and polling, before any user
            plan: list[tuple[int, int]] = []
            bot_cpu, own_cpu = cpu_seconds(process.pid), time.process_time()
            started = time.perf_counter()
            if rate is None:
                await asyncio.gather(*(_walk(api, maker, user, plan) for user in users))
            else:
                await _at_rate(api, maker, users, plan, rate, duration)
            seconds = time.perf_counter() - started
            bot_cpu, own_cpu = cpu_seconds(process.pid) - bot_cpu, time.process_time() - own_cpu
            await asyncio.sleep(0.5)
            rss = peak_rss_mb(process.pid)
    finally:
        await api.stop()
    return Run(bot, "max" if rate is None else f"{rate:g}/s", len(plan), seconds,
               _latencies(api, plan), rss, start_rss, bot_cpu, own_cpu, api.lost,
               dict(api.lost_screens))  # fmt: skip


async def _one(api: FakeApi, maker: UpdateMaker, user: User, index: int, plan: list[Any]) -> None:
    update = maker.make(user, user.steps[index])
    item = Outstanding(user, index, update["update_id"])
    plan.append((user.user_id, update["update_id"]))
    api.push(item, update)
    try:
        await asyncio.wait_for(item.done.wait(), LOST_AFTER)
    except TimeoutError:  # counted, and she goes on, as a person would tap again
        api.lost += 1
        api.lost_screens[user.steps[index].screen] += 1


async def _walk(api: FakeApi, maker: UpdateMaker, user: User, plan: list[Any]) -> None:
    for index in range(len(user.steps)):
        await _one(api, maker, user, index, plan)


async def _at_rate(
    api: FakeApi,
    maker: UpdateMaker,
    users: list[User],
    plan: list[Any],
    rate: float,
    duration: float,
) -> None:
    """Open loop: one update every 1/rate seconds, from a user who is not waiting."""
    idle: deque[tuple[User, int]] = deque((user, 0) for user in users)
    running: set[asyncio.Task[None]] = set()
    interval = 1 / rate
    began = time.perf_counter()
    sent = 0
    while time.perf_counter() - began < duration:
        due = began + sent * interval
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if not idle:
            continue
        user, index = idle.popleft()

        async def step(user: User = user, index: int = index) -> None:
            await _one(api, maker, user, index, plan)
            if index + 1 < len(user.steps):
                idle.append((user, index + 1))

        task = asyncio.create_task(step())
        running.add(task)
        task.add_done_callback(running.discard)
        sent += 1
    await asyncio.gather(*running)


def summary(run_: Run) -> dict[str, Any]:
    return {
        "bot": run_.bot,
        "mode": run_.mode,
        "updates": run_.updates,
        "updates_per_s": round(run_.rate, 1),
        "p50_ms": round(run_.percentile(50), 2),
        "p95_ms": round(run_.percentile(95), 2),
        "p99_ms": round(run_.percentile(99), 2),
        "mean_ms": round(1000 * statistics.fmean(run_.latencies), 2) if run_.latencies else 0,
        "peak_rss_mb": round(run_.peak_rss_mb, 1),
        "start_rss_mb": round(run_.start_rss_mb, 1),
        "bot_cpu_ms_per_update": round(1000 * run_.bot_cpu_s / max(1, run_.updates), 3),
        "server_cpu_ms_per_update": round(1000 * run_.own_cpu_s / max(1, run_.updates), 3),
        "lost": run_.lost,
        "lost_by_screen": run_.lost_screens,
    }


def dumps(runs: list[Run]) -> str:
    return json.dumps([summary(r) for r in runs], indent=2)
