"""`python -m bench`: the helpline against a bare echo bot, end to end and in process.

    python -m bench                 # 10,000 entries, 2,000 users
    python -m bench --large         # and list/card query times at 100,000 entries
    python -m bench --users 500     # a quicker run
    python -m bench --one-chat      # only: one chat floods while another user starts
    python -m bench --relay         # only: twenty conversations with volunteers at once
    python -m bench --import        # only: directory imports of 2,500, 5,000 and 10,000 entries
    python -m bench --import --database-url postgresql+asyncpg://...   # the same on PostgreSQL

Prints one table; targets that hold are marked "yes". Not part of the test suite: figures on
a shared machine vary, and a timed test would flake.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import e2e, imports, inprocess, one_chat, relay, setup, workload
from bot.db import database
from bot.directory import queries
from bot.settings import load_settings


def _queries(url: str, count: int = 300) -> dict[str, float]:
    """Mean time of the list and card queries, in ms, over a spread of needs, places, pages."""

    async def measure() -> dict[str, float]:
        from bot.taxonomy import NEEDS, PLACES

        engine = database.make_engine(url)
        sessions = database.make_sessionmaker(engine)
        today = dt.date.today()
        try:
            async with sessions() as session:
                for _ in range(20):  # warm the connection and the statement cache
                    await queries.visible_entry(
                        session, "bench-000001", today=today, max_age_days=180
                    )
                began = time.perf_counter()
                for n in range(count):
                    await queries.list_for_need(
                        session,
                        need=NEEDS[n % len(NEEDS)],
                        place=PLACES[n % len(PLACES)],
                        lang=("ko", "zh", "en")[n % 3],
                        page=n % 7,
                        today=today,
                        max_age_days=180,
                    )
                listed = (time.perf_counter() - began) / count
                began = time.perf_counter()
                for n in range(count):
                    await queries.visible_entry(
                        session, f"bench-{n * 37 % 10000:06d}", today=today, max_age_days=180
                    )
                card = (time.perf_counter() - began) / count
        finally:
            await engine.dispose()
        return {"list_ms": 1000 * listed, "card_ms": 1000 * card}

    return asyncio.run(measure())


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--large", action="store_true", help="also time queries at 100,000")
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds at the fixed rate")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--one-chat",
        action="store_true",
        help="only the flood scenario: one chat floods while another user sends /start",
    )
    parser.add_argument(
        "--relay",
        action="store_true",
        help="only the relay scenario: twenty conversations write at once, one of them a burst",
    )
    parser.add_argument(
        "--import",
        dest="imports",
        action="store_true",
        help="only: directory imports at three sizes (SQLite, or --database-url)",
    )
    parser.add_argument(
        "--database-url",
        help="with --import: a PostgreSQL database of its own, emptied before each size",
    )
    args = parser.parse_args()
    if args.imports:
        folder = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "helpline-bench"))
        folder.mkdir(parents=True, exist_ok=True)
        print("directory imports ...", flush=True)
        timed = imports.run(folder, args.database_url)
        name = "PostgreSQL" if args.database_url else "SQLite"
        print("\n".join(imports.lines(timed, name)))
        if args.json:
            args.json.write_text(json.dumps({"imports": [vars(r) for r in timed]}, indent=2))
        return 0
    if args.relay:
        print("twenty conversations write at once ...", flush=True)
        together = asyncio.run(relay.run())
        print("\n".join(relay.lines(together)))
        if args.json:
            args.json.write_text(json.dumps({"relay": together.summary()}, indent=2))
        return 0

    folder = Path(os.environ.get("BENCH_DIR", Path(tempfile.gettempdir()) / "helpline-bench"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"preparing {args.entries:,} entries in {folder} ...", flush=True)
    url, items, _took = setup.prepare(folder, args.entries)
    db_path = Path(url.split("///", 1)[1])
    if args.one_chat:
        print("one chat floods ...", flush=True)
        flood = asyncio.run(one_chat.run(db_path, folder))
        print("\n".join(one_chat.lines(flood)))
        if args.json:
            args.json.write_text(json.dumps({"one_chat": flood.summary()}, indent=2))
        return 0
    users = workload.users(args.users, items)
    settings = load_settings(database_url=url, telegram_api_url="https://bench.invalid")

    print("in process ...", flush=True)
    inproc = inprocess.run(settings, users)
    queries = {args.entries: _queries(url)}
    if args.large:
        print("preparing 100,000 entries ...", flush=True)
        large_url, _large, _t = setup.prepare(folder, 100_000)
        queries[100_000] = _queries(large_url)

    runs = []
    for bot in ("helpline", "echo"):
        print(f"end to end, {bot}, maximum rate ...", flush=True)
        runs.append(
            asyncio.run(
                e2e.run(bot, users, database=db_path, rate=None, duration=0, workdir=folder)
            )
        )
    print("end to end, echo on the helpline's transport, maximum rate ...", flush=True)
    same_transport = asyncio.run(
        e2e.run(
            "echo",
            users,
            database=None,
            rate=None,
            duration=0,
            workdir=folder,
            echo_transport="aiohttp",
        )
    )
    for bot in ("helpline", "echo"):
        print(f"end to end, {bot}, {args.rate:g} updates/s ...", flush=True)
        runs.append(
            asyncio.run(
                e2e.run(
                    bot,
                    workload.users(args.users, items, seed=3),
                    database=db_path,
                    rate=args.rate,
                    duration=args.duration,
                    workdir=folder,
                )
            )
        )
    print("one chat floods ...", flush=True)
    flood = asyncio.run(one_chat.run(db_path, folder))
    report = _report(args, inproc, queries, runs, same_transport, flood)
    print(report["table"])
    if args.json:
        args.json.write_text(
            json.dumps({k: v for k, v in report.items() if k != "table"}, indent=2)
        )
    return 0


def _report(
    args: argparse.Namespace,
    inproc: dict[str, Any],
    queries: dict[int, dict[str, float]],
    runs: list[e2e.Run],
    same_transport: e2e.Run,
    flood: one_chat.OneChatRun,
) -> dict[str, Any]:
    helpline_max, echo_max, helpline_rate, echo_rate = runs

    def cpu(run_: e2e.Run) -> float:
        return 1000 * run_.bot_cpu_s / max(1, run_.updates)

    def server_cpu(run_: e2e.Run) -> float:
        return 1000 * run_.own_cpu_s / max(1, run_.updates)

    ratio = helpline_max.rate / echo_max.rate if echo_max.rate else 0.0
    cost = inproc["helpline_per_update_ms"] / inproc["echo_per_update_ms"]
    worst_screen = max(inproc["statements"].values())
    lines = [
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"directory: {args.entries:,} entries; {args.users:,} users; "
        f"{helpline_max.updates:,} updates a run at the maximum rate",
        "",
        f"{'':34}{'helpline':>12}{'echo':>12}{'ratio':>9}",
        f"{'updates/s, maximum rate':34}{helpline_max.rate:>12.1f}{echo_max.rate:>12.1f}"
        f"{ratio:>9.2f}",
        f"{'  echo on aiohttp, as the helpline':34}{'':>12}{same_transport.rate:>12.1f}"
        f"{helpline_max.rate / max(same_transport.rate, 1e-9):>9.2f}",
    ]
    for name, run_h, run_e in (
        ("maximum rate", helpline_max, echo_max),
        (f"{args.rate:g} updates/s", helpline_rate, echo_rate),
    ):
        for p in (50, 95, 99):
            lines.append(
                f"{f'p{p} ms, {name}':34}{run_h.percentile(p):>12.2f}{run_e.percentile(p):>12.2f}"
            )
    lines += [
        f"{'updates/s achieved, fixed rate':34}{helpline_rate.rate:>12.1f}{echo_rate.rate:>12.1f}",
        f"{'updates lost (30 s without an end)':34}{helpline_max.lost + helpline_rate.lost:>12}"
        f"{echo_max.lost + echo_rate.lost:>12}",
        f"{'peak RSS MB (maximum rate run)':34}{helpline_max.peak_rss_mb:>12.1f}"
        f"{echo_max.peak_rss_mb:>12.1f}",
        f"{'peak RSS MB, ready before any user':34}{helpline_max.start_rss_mb:>12.1f}"
        f"{echo_max.start_rss_mb:>12.1f}",
        f"{'bot CPU ms per update, max rate':34}{cpu(helpline_max):>12.3f}{cpu(echo_max):>12.3f}"
        f"{cpu(helpline_max) / max(cpu(echo_max), 1e-9):>9.2f}",
        f"{'  echo on aiohttp, as the helpline':34}{'':>12}{cpu(same_transport):>12.3f}"
        f"{cpu(helpline_max) / max(cpu(same_transport), 1e-9):>9.2f}",
        f"{'server CPU ms per update, max rate':34}{server_cpu(helpline_max):>12.3f}"
        f"{server_cpu(echo_max):>12.3f}",
        f"{'in process, ms per update':34}{inproc['helpline_per_update_ms']:>12.3f}"
        f"{inproc['echo_per_update_ms']:>12.3f}{cost:>9.2f}",
        "",
        "database statements per update, by screen (most / mean):",
    ]
    for screen, most in inproc["statements"].items():
        lines.append(f"  {screen:22}{most:>4}  {inproc['statements_mean'][screen]:>6.2f}")
    lines.append("")
    for size, timing in queries.items():
        lines.append(
            f"queries at {size:>7,} entries: list {timing['list_ms']:.2f} ms, "
            f"card {timing['card_ms']:.2f} ms (mean, including the driver)"
        )
    lines += ["", *one_chat.lines(flood)]
    largest = queries[max(queries)]
    targets = [
        ("throughput >= 0.9 x echo", ratio >= 0.9, f"{ratio:.2f}"),
        ("in-process cost <= 2 x echo", cost <= 2, f"{cost:.1f} x"),
        (
            f"p99 < 50 ms at {args.rate:g}/s",
            helpline_rate.percentile(99) < 50,
            f"{helpline_rate.percentile(99):.1f} ms",
        ),
        ("peak RSS < 150 MB", helpline_max.peak_rss_mb < 150, f"{helpline_max.peak_rss_mb:.0f} MB"),
        ("<= 2 queries for any user screen", worst_screen <= 2, str(worst_screen)),
        (
            f"list and card < 2 ms at {max(queries):,}",
            largest["list_ms"] < 2 and largest["card_ms"] < 2,
            f"{largest['list_ms']:.2f} / {largest['card_ms']:.2f} ms",
        ),
        (
            "other /start < 1 s, one chat flooding",
            flood.start_seconds < 1,
            f"{flood.start_seconds:.3f} s",
        ),
    ]
    lines += ["", "targets:"]
    lines += [f"  {'yes' if ok else 'NO ':4} {name:38} {value}" for name, ok, value in targets]
    return {
        "table": "\n".join(lines),
        "inprocess": inproc,
        "queries": {str(k): v for k, v in queries.items()},
        "runs": [e2e.summary(r) for r in runs],
        "echo_on_aiohttp": e2e.summary(same_transport),
        "one_chat": flood.summary(),
        "targets": {name: {"holds": ok, "value": value} for name, ok, value in targets},
    }


if __name__ == "__main__":
    raise SystemExit(main())
