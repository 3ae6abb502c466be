"""Fault injection: a failing Bot API, a database that goes away, a process killed mid-change."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db import database
from bot.db.models import DailyCount
from bot.directory import file_format, queries
from bot.stats import counting
from tests import databases
from tests.directory_data import as_yaml, entry, standard_entries
from tests.harness import Harness
from tests.processes import PROJECT
from tests.test_webhook import directory_is_consistent, open_proposals


def outcomes(harness: Harness, method: str) -> list[tuple[float, str]]:
    return [(at, outcome) for at, name, outcome in harness.fake.timeline if name == method]


async def test_a_failing_bot_api_is_waited_out_and_retried_where_safe(bot: Harness) -> None:
    fake = bot.fake
    her = bot.person("en")
    await her.send("/start")

    # A tap whose answer meets 429, then a 502 and a response that is not JSON; whose screen
    # edit meets a 500 and a dropped connection. Then a tap whose edit times out once.
    fake.faults = {
        "answerCallbackQuery": ["429", "502", "malformed"],
        "editMessageText": ["500", "reset"],
    }
    await her.tap("In China")
    assert "What do you need?" in her.screen.text  # the screen changed in the end
    assert her.answer is not None  # and the tap was answered
    answers = outcomes(bot, "answerCallbackQuery")
    assert [o for _at, o in answers] == ["429", "502", "malformed", "ok"]
    assert answers[1][0] - answers[0][0] >= 1.0  # Telegram said: retry after 1 second
    assert [o for _at, o in outcomes(bot, "editMessageText")] == ["500", "reset", "ok"]
    await her.tap("A place to stay")
    fake.faults = {"editMessageText": ["timeout"]}
    await her.tap("A safe place to stay")
    assert "Bravo Shelter" in " ".join(her.labels())
    assert [o for _at, o in outcomes(bot, "editMessageText")][-2:] == ["timeout", "ok"]

    # A new message is never sent twice: after a 502 it is given up, and she is told calmly.
    fake.faults = {"sendMessage": ["502"]}
    sends_before = len(outcomes(bot, "sendMessage"))
    await her.send("/help")
    sends = outcomes(bot, "sendMessage")[sends_before:]
    assert sends[0][1] == "502" and all(o == "ok" for _at, o in sends[1:])
    assert len(sends) <= 2  # at most the calm line after the failed one

    # Deletions are repeated: her typed text goes even through a 500.
    fake.faults = {"deleteMessage": ["500"]}
    typed = await her.send("my words")
    assert typed["message"]["message_id"] not in fake.api.messages[her.chat_id]

    # And with Telegram well again, new updates are served as usual.
    someone = bot.person("ko")
    await someone.send("/start")
    await someone.tap("중국에")
    assert someone.screen.buttons()


async def test_polling_goes_on_after_telegram_fails_it(bot: Harness) -> None:
    bot.fake.faults = {"getUpdates": ["502", "malformed", "500"]}
    her = bot.person("en")
    update = her.api.user_sends(her.user, "/start")
    await bot.fake.notify()
    await bot.fake.wait_for(
        lambda: bot.fake.api.last_bot_message(her.chat_id) is not None, within=30
    )
    assert update["update_id"]
    assert "Where are you now?" in her.screen.text


def _lock(path: Path) -> sqlite3.Connection:
    lock = sqlite3.connect(path, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    return lock


async def test_when_the_database_goes_away_she_is_asked_to_try_again_soon(
    bot: Harness,
) -> None:
    assert bot.app is not None
    core = bot.core
    her = bot.person("en")
    await her.send("/start")
    if databases.on_postgres():
        name = databases.run(databases.block_connections(bot.db_url))
    else:
        lock = _lock(Path(bot.db_url.split("///", 1)[1]))
    try:
        await her.tap("In China")
        await her.tap("A place to stay")
        await her.tap("A safe place to stay")  # the list needs the database
        assert her.answer is not None
        assert her.answer["text"] == "This service is busy right now. Please try again in a moment."
        with pytest.raises(Exception):  # noqa: B017 - the counts cannot be saved now...
            await counting.flush(core.counter, core.sessions, everything=True)  # as at shutdown
    finally:
        if databases.on_postgres():
            databases.run(databases.allow_connections(bot.db_url, name))
        else:
            lock.execute("ROLLBACK")
            lock.close()
    await her.tap("A safe place to stay")  # ...and it all works again, without a restart
    assert "Bravo Shelter" in " ".join(her.labels())
    await counting.flush(core.counter, core.sessions, everything=True)
    engine = database.make_engine(bot.db_url)
    try:
        async with engine.connect() as connection:
            needs = await connection.scalar(
                select(func.sum(DailyCount.count)).where(
                    DailyCount.metric == "need", DailyCount.key == "shelter"
                )
            )
    finally:
        await engine.dispose()
    assert needs == 2  # the choice made while the database was away was not lost


def big_directory(size: int, name: str) -> str:
    return as_yaml([entry(f"bulk-{i}", name={"en": f"{name} {i}"}) for i in range(size)])


# Put on PYTHONPATH as `sitecustomize`, Python loads it in the import's process before the
# command runs: it counts the statements that write, and at the chosen one stops there (as a
# power cut would) after saying so. Nothing of it is in the application.
WRITE_WATCH = """
import os, sys, time
from sqlalchemy import event
from sqlalchemy.engine import Engine

STOP_AT = int(os.environ["WRITE_WATCH_STOP_AT"])
writes = 0

def wrote():
    global writes
    writes += 1
    print(f"write {writes}", flush=True)
    if writes == STOP_AT:
        print("stopped", flush=True)
        time.sleep(600)

@event.listens_for(Engine, "after_cursor_execute")
def after(connection, cursor, statement, parameters, context, executemany):
    if statement.split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
        wrote()

try:  # on PostgreSQL an import loads its rows with COPY, past the statement events
    from asyncpg.connection import Connection
except ImportError:
    pass
else:
    copy = Connection.copy_records_to_table

    async def copy_and_count(self, *args, **kwargs):
        done = await copy(self, *args, **kwargs)
        wrote()
        return done

    Connection.copy_records_to_table = copy_and_count
"""


async def directory_state(url: str) -> tuple[str, list[str]]:
    """The directory as `helpline directory export --include-internal` writes it, and every
    row of every table (the audit trail included)."""
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            exported = file_format.dump(await queries.all_entries(session), internal=True)
    finally:
        await engine.dispose()
    return exported, await databases.snapshot(url)


async def test_an_import_killed_while_it_writes_changes_nothing(tmp_path: Path) -> None:
    """The import is stopped at its first write, halfway through its writes and at its last
    one (only the commit left), and killed there: the directory is the old one every time."""
    size = 200
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(big_directory(size, "Old"))
    new.write_text(big_directory(size, "New"))
    watch = tmp_path / "watch"
    watch.mkdir()
    (watch / "sitecustomize.py").write_text(WRITE_WATCH)

    async def helpline(url: str, *args: str, stop_at: int = 0) -> asyncio.subprocess.Process:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(tmp_path),
            "PYTHONPATH": os.pathsep.join([str(watch), str(PROJECT)]),
            "DATABASE_URL": url,
            "WRITE_WATCH_STOP_AT": str(stop_at),
        }
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    async def finished(url: str, path: Path) -> list[str]:
        process = await helpline(url, "directory", "import", str(path))
        out, _ = await process.communicate()
        assert process.returncode == 0
        return out.decode().splitlines()

    # A run to the end, on a database of its own, counts the writes of replacing the old
    # directory with the new one.
    trial = databases.url_for(tmp_path, "trial")
    await finished(trial, old)
    lines = await finished(trial, new)
    writes = sum(1 for line in lines if line.startswith("write "))
    assert f"0 were added, {size} were updated, 0 were removed, 0 unchanged" in lines
    assert writes >= 3, lines

    url = databases.url_for(tmp_path)
    await finished(url, old)
    before = await directory_state(url)
    assert before[0].count("Old ") == size
    for stop_at in sorted({1, writes // 2, writes}):
        process = await helpline(url, "directory", "import", str(new), stop_at=stop_at)
        assert process.stdout is not None
        while (line := await process.stdout.readline()) not in (b"stopped\n", b""):
            pass
        assert line == b"stopped\n", f"the import ended before its write {stop_at}"
        process.send_signal(signal.SIGKILL)
        await process.wait()
        assert await directory_state(url) == before, f"killed at write {stop_at} of {writes}"


APPROVER = """
import asyncio, sys
from bot.db import database
from bot.desk import proposals

async def main(url, ids):
    engine = database.make_engine(url)
    sessions = database.make_sessionmaker(engine)
    for pid in ids:
        async with sessions() as session:
            outcome = await proposals.approve(session, pid, 1, second_review=True)
            if outcome is proposals.Outcome.APPLIED:
                await session.commit()
        print(pid, flush=True)
    await engine.dispose()

asyncio.run(main(sys.argv[1], [int(i) for i in sys.argv[2:]]))
"""


async def test_approvals_killed_midway_leave_each_whole_or_untouched(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path)
    more = (entry(f"transit-legal-{i}", name={"en": f"Legal Aid {i}"}) for i in range(7, 40))
    many = [*standard_entries(), *more]
    from tests.harness import load_directory

    await load_directory(url, as_yaml(many))
    ids = await open_proposals(url, 40)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", APPROVER, url, *map(str, ids),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    for _ in range(5):  # let a few land, then kill it in the middle of the next
        await process.stdout.readline()
    process.send_signal(signal.SIGKILL)
    await process.wait()
    outcome = await directory_is_consistent(url, ids, entries=len(many))
    assert outcome["approved"] >= 5 and outcome["open"] >= 1, outcome
