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

from bot import database, stats
from bot.models import AuditRecord, DailyCount, Entry, EntryText
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
    core = bot.app.bot_data["core"]
    her = bot.person("en")
    await her.send("/start")
    if databases.on_postgres():
        name = databases.run(databases.block_connections(bot.db_url))
    else:
        lock = _lock(Path(bot.db_url.split("///", 1)[1]))
    try:
        await her.tap("In China")
        await her.tap("A safe place to stay")  # the list needs the database
        assert her.answer is not None
        assert her.answer["text"] == "This service is busy right now. Please try again in a moment."
        with pytest.raises(Exception):  # noqa: B017 - the counts cannot be saved now...
            await stats.flush(core.counter, core.sessions, everything=True)  # as at shutdown
    finally:
        if databases.on_postgres():
            databases.run(databases.allow_connections(bot.db_url, name))
        else:
            lock.execute("ROLLBACK")
            lock.close()
    await her.tap("A safe place to stay")  # ...and it all works again, without a restart
    assert "Bravo Shelter" in " ".join(her.labels())
    await stats.flush(core.counter, core.sessions, everything=True)
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


async def names_and_audit(url: str) -> tuple[set[str], int, int]:
    engine = database.make_engine(url)
    try:
        async with engine.connect() as connection:
            names = set(
                (
                    await connection.execute(
                        select(EntryText.text).where(EntryText.field == "name")
                    )
                ).scalars()
            )
            entries = await connection.scalar(select(func.count()).select_from(Entry))
            records = await connection.scalar(select(func.count()).select_from(AuditRecord))
    finally:
        await engine.dispose()
    return names, int(entries or 0), int(records or 0)


async def test_an_import_killed_midway_changes_nothing(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path)
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_text(big_directory(1500, "Old"))
    new.write_text(big_directory(1500, "New"))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": url,
    }

    async def helpline(*args: str) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", *args, cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    first = await helpline("directory", "import", str(old))
    assert await first.wait() == 0
    before = await names_and_audit(url)
    assert before[1] == 1500 and before[2] == 1500
    killed = 0
    for delay in (0.6, 0.9, 1.2, 1.5, 1.8, 2.2):
        process = await helpline("directory", "import", str(new))
        await asyncio.sleep(delay)
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        code = await process.wait()
        now = await names_and_audit(url)
        if code == 0:  # it finished first: the whole of the new file, and its records
            assert now[0] == {f"New {i}" for i in range(1500)} and now[2] == 3000
            break
        assert now == before, f"killed after {delay} s, the directory or its audit changed"
    assert killed >= 1


APPROVER = """
import asyncio, sys
from bot import database, proposals

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
