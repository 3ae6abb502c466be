"""Webhook mode and graceful shutdown, with real `helpline run` processes."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.db import database
from bot.db.models import AuditRecord, DailyCount, Entry, EntryText, Proposal
from bot.desk import draft, proposals, staff
from bot.desk.callback import Act, Tap, encode
from bot.telegram.app import ALLOWED_UPDATES
from tests import databases
from tests.directory_data import TODAY, as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import load_directory
from tests.processes import HOOK_PATH, SECRET, BotProcess, start_bot

ADMIN, AUTHOR = 640001, 640002


def user(number: int) -> dict[str, Any]:
    return {"id": 6_500_000 + number, "is_bot": False, "first_name": "Hook", "language_code": "en"}


def answers(fake: FakeTelegram, chat_id: int) -> list[dict[str, Any]]:
    return [p for m, p in fake.api.calls if m == "sendMessage" and int(p["chat_id"]) == chat_id]


def answered(fake: FakeTelegram, chat_id: int) -> bool:
    return bool(answers(fake, chat_id))


async def counted(url: str, metric: str) -> int:
    engine = database.make_engine(url)
    try:
        async with engine.connect() as connection:
            query = select(func.coalesce(func.sum(DailyCount.count), 0)).where(
                DailyCount.metric == metric
            )
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def running(
    tmp_path: Path, fake: FakeTelegram, db_url: str, name: str, **env: str
) -> BotProcess:
    bot = await start_bot(
        tmp_path,
        name,
        {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "DATABASE_URL": db_url, **env},
    )
    await bot.wait_healthy()
    return bot


async def test_only_telegram_with_the_secret_gets_in(tmp_path: Path) -> None:
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    bot = await running(tmp_path, fake, db_url, "hook")
    try:
        hook = fake.api.webhook
        assert hook is not None and hook["url"] == f"https://helpline.example.org{HOOK_PATH}"
        assert hook["secret_token"] == SECRET
        assert sorted(hook["allowed_updates"]) == sorted(ALLOWED_UPDATES)
        assert fake.offsets == []  # no long polling beside the webhook
        her = user(1)
        async with aiohttp.ClientSession() as session:
            for secret in (None, "", "wrong", SECRET[:-1], SECRET + "x", SECRET.upper()):
                forged = fake.api.user_sends(her, "/start")
                assert await bot.post(session, forged, secret) == 403
            await asyncio.sleep(0.5)
            assert not answered(fake, her["id"])  # refused updates are not processed

            real = fake.api.user_sends(her, "/start")
            assert await bot.post(session, real) == 200
            await fake.wait_for(lambda: answered(fake, her["id"]))

            broken = b'{"update_id": 5, "message": {"text": "WEBHOOK-BODY-CANARY"'
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with session.post(bot.base + HOOK_PATH, data=broken, headers=headers) as reply:
                assert reply.status == 400
            healthy = {"ok": True, "database": True, "bot_api": True}
            assert await bot.healthy(session) == (200, healthy)
        code, took = await bot.terminate()
        assert code == 0 and took < 10
        # Stopped, so every update it took is done: one answer, to the one real /start.
        assert len(answers(fake, her["id"])) == 1
    finally:
        await bot.kill()
        await fake.close()
    logged = bot.log.read_text()
    assert "WEBHOOK-BODY-CANARY" not in logged and SECRET not in logged and TOKEN not in logged
    assert str(her["id"]) not in logged


async def test_health_says_when_the_database_is_gone_and_back(tmp_path: Path) -> None:
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    bot = await running(tmp_path, fake, db_url, "health")
    try:
        async with aiohttp.ClientSession() as session:
            assert (await bot.healthy(session))[0] == 200
            if databases.on_postgres():  # the server refuses the database
                gone = databases.run(databases.block_connections(db_url))
            else:  # another process holds the file locked
                lock = sqlite3.connect(tmp_path / "helpline.db", isolation_level=None)
                lock.execute("BEGIN EXCLUSIVE")
            status, body = await bot.healthy(session)
            assert (status, body) == (503, {"ok": False, "database": False, "bot_api": True})
            if databases.on_postgres():
                databases.run(databases.allow_connections(db_url, gone))
            else:
                lock.execute("ROLLBACK")
                lock.close()
            healthy = {"ok": True, "database": True, "bot_api": True}
            assert await bot.healthy(session) == (200, healthy)  # no restart needed
        assert (await bot.terminate())[0] == 0
    finally:
        await bot.kill()
        await fake.close()


async def open_proposals(db_url: str, count: int) -> list[int]:
    """Proposals by AUTHOR renaming entries, open for review."""
    engine = database.make_engine(db_url)
    sessions = database.make_sessionmaker(engine)
    made = []
    try:
        async with sessions() as session, session.begin():
            for i in range(count):
                entry_id = f"transit-legal-{i}"
                proposal = await proposals.start_change(session, AUTHOR, entry_id, TODAY)
                assert proposal is not None
                data = draft.set_text(draft.load(proposal.proposed), "name", "en", f"Renamed {i}")
                proposals.save(proposal, data)
                await proposals.submit(session, AUTHOR, proposal.batch)
                made.append(proposal.id)
        await staff.add(sessions, AUTHOR, "volunteer", TODAY)
    finally:
        await engine.dispose()
    return made


async def directory_is_consistent(
    db_url: str, ids: list[int], entries: int | None = None
) -> dict[str, int]:
    """Every proposal is either applied with its audit records, or open with nothing applied."""
    engine = database.make_engine(db_url)
    outcome = {"approved": 0, "open": 0}
    try:
        async with database.make_sessionmaker(engine)() as session:
            for pid in ids:
                proposal = await session.get(Proposal, pid)
                assert proposal is not None
                name = await session.scalar(
                    select(EntryText.text).where(
                        EntryText.entry_id == proposal.entry_id,
                        EntryText.field == "name",
                        EntryText.lang == "en",
                    )
                )
                records = await session.scalar(
                    select(func.count())
                    .select_from(AuditRecord)
                    .where(AuditRecord.entry_id == proposal.entry_id, AuditRecord.field == "name")
                )
                if proposal.state == "approved":
                    assert name == draft.load(proposal.proposed)["name"]["en"] and records == 1
                else:
                    assert proposal.state == "open" and records == 0
                    assert name is not None and name.startswith("Legal Aid")
                outcome[proposal.state] += 1
            expected = entries if entries is not None else len(standard_entries())
            assert await session.scalar(select(func.count()).select_from(Entry)) == expected
    finally:
        await engine.dispose()
    return outcome


async def test_sigterm_during_a_load_leaves_nothing_half_done(tmp_path: Path) -> None:
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    ids = await open_proposals(db_url, 7)
    fake = FakeTelegram()
    await fake.start()
    bot = await running(tmp_path, fake, db_url, "load", ADMIN_IDS=str(ADMIN))
    admin = {"id": ADMIN, "is_bot": False, "first_name": "Admin", "language_code": "en"}
    desk = fake.api.call("sendMessage", {"chat_id": ADMIN, "text": "desk"})
    desk_message = fake.api.messages[ADMIN][desk["message_id"]]
    statuses: dict[int, int] = {}
    try:
        async with aiohttp.ClientSession() as session:

            async def send(index: int, update: dict[str, Any]) -> None:
                try:
                    statuses[index] = await bot.post(session, update)
                except aiohttp.ClientError:
                    statuses[index] = 0  # the server had closed: Telegram would send it again

            starts = [fake.api.user_sends(user(n), "/start") for n in range(120)]
            approvals = [
                fake.api.user_taps(admin, desk_message, encode(Tap(Act.APPROVE, "en", pid)))
                for pid in ids
            ]
            load = [*starts[:60], *approvals, *starts[60:]]
            tasks = [asyncio.create_task(send(i, update)) for i, update in enumerate(load)]
            while len(statuses) < 40:  # noqa: ASYNC110 - polling a plain dict is the point
                await asyncio.sleep(0.005)
            code, took = await bot.terminate()
            await asyncio.gather(*tasks)
        assert code == 0 and took < 10, (code, took)
    finally:
        await bot.kill()
        await fake.close()

    accepted = [update for i, update in enumerate(load) if statuses[i] == 200]
    assert len(accepted) >= 40
    taken_starts = [u for u in accepted if "message" in u]
    for update in taken_starts:  # everything taken was finished: answered and counted
        chat = update["message"]["chat"]["id"]
        assert any(m == "sendMessage" and int(p["chat_id"]) == chat for m, p in fake.api.calls)
    assert await counted(db_url, "sessions") == len(taken_starts)
    outcome = await directory_is_consistent(db_url, ids)
    assert sum(outcome.values()) == len(ids)
    assert "Traceback" not in bot.log.read_text()


async def test_sigterm_stops_long_polling_within_ten_seconds(tmp_path: Path) -> None:
    db_url = databases.url_for(tmp_path)
    await load_directory(db_url, as_yaml(standard_entries()))
    fake = FakeTelegram()
    await fake.start()
    bot = await start_bot(
        tmp_path,
        "poll",
        {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "DATABASE_URL": db_url},
        webhook=False,
    )
    try:
        await fake.wait_for(lambda: fake.offsets, within=60)
        her = user(2)
        fake.api.user_sends(her, "/start")
        await fake.notify()
        await fake.wait_for(lambda: answered(fake, her["id"]), within=20)
        await fake.wait_for(lambda: len(fake.offsets) >= 2)  # a long poll is waiting now
        code, took = await bot.terminate()  # the poll is not released for it
        assert code == 0 and took < 10, (code, took)
    finally:
        await bot.kill()
        await fake.close()
    assert await counted(db_url, "sessions") == 1  # flushed on the way out
