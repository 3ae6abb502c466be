"""Two `helpline run` processes in webhook mode behind one address, sharing one PostgreSQL."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, select

from bot.db import database
from bot.db.models import AuditRecord, DailyCount, RelayConversation
from bot.desk.callback import Act, Tap, encode
from bot.menus.callback import Screen
from bot.menus.callback import decode as nav_of
from tests import databases
from tests.directory_data import as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.harness import load_directory
from tests.processes import BotProcess, start_bot
from tests.test_webhook import AUTHOR, directory_is_consistent, open_proposals

ADMINS = (650001, 650002)


def person(number: int, lang: str = "en") -> dict[str, Any]:
    return {"id": 6_600_000 + number, "is_bot": False, "first_name": "P", "language_code": lang}


async def sums(db_url: str) -> dict[str, int]:
    engine = database.make_engine(db_url)
    try:
        async with engine.connect() as connection:
            query = select(DailyCount.metric, func.sum(DailyCount.count)).group_by(
                DailyCount.metric
            )
            return {metric: int(total) for metric, total in await connection.execute(query)}
    finally:
        await engine.dispose()


async def test_two_processes_share_the_work_and_the_numbers(tmp_path: Path, postgres: str) -> None:
    db_url = databases.database_on(postgres, "instances")
    await load_directory(db_url, as_yaml(standard_entries()))
    ids = await open_proposals(db_url, 6)
    fake = FakeTelegram()
    await fake.start()
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "ADMIN_IDS": ",".join(map(str, ADMINS)),
    }
    bots: list[BotProcess] = []
    try:
        for name in ("first", "second"):
            bots.append(await start_bot(tmp_path, name, env))
        await asyncio.gather(*(bot.wait_healthy() for bot in bots))
        rng = random.Random(7)
        people = [person(n, rng.choice(["ko", "zh", "en"])) for n in range(60)]
        refused = accepted_starts = 0
        async with aiohttp.ClientSession() as session:
            # Round one: /start to either process, a quarter with a wrong or missing secret.
            sends = []
            for index, someone in enumerate(people):
                update = fake.api.user_sends(someone, "/start")
                good = index % 4 != 0  # else no secret header, or a wrong one
                secret = None if index % 8 == 0 else "wrong"
                sends.append((bots[index % 2], update, good, secret))
            statuses = await asyncio.gather(
                *(
                    bot.post(session, update) if good else bot.post(session, update, secret)
                    for bot, update, good, secret in sends
                )
            )
            for (_bot, _update, good, _secret), status in zip(sends, statuses, strict=True):
                assert status == (200 if good else 403)
                refused += not good
                accepted_starts += good

            def greeted(someone: dict[str, Any]) -> bool:
                return fake.api.last_bot_message(someone["id"]) is not None

            welcome = [p for i, p in enumerate(people) if i % 4 != 0]
            await fake.wait_for(lambda: all(greeted(p) for p in welcome), within=30)
            assert not any(greeted(p) for i, p in enumerate(people) if i % 4 == 0)

            # Round two: each tap goes to the process that did not draw the screen.
            taps = []
            for index, someone in enumerate(people):
                if index % 4 == 0:
                    continue
                screen = fake.api.last_bot_message(someone["id"])
                assert screen is not None
                # A place: the first button under Urgent help, which asks for one.
                data = next(
                    d
                    for row in screen.buttons()
                    for _, d in row
                    if nav_of(d).screen is Screen.NEEDS
                )
                taps.append((bots[(index + 1) % 2], fake.api.user_taps(someone, screen, data)))
            # ...and both admins approve every proposal, on both processes at once.
            for pid in ids:
                for n, admin_id in enumerate(ADMINS):
                    admin = {"id": admin_id, "is_bot": False, "first_name": "A"}
                    desk = fake.api.call("sendMessage", {"chat_id": admin_id, "text": "desk"})
                    message = fake.api.messages[admin_id][desk["message_id"]]
                    data = encode(Tap(Act.APPROVE, "en", pid))
                    taps.append((bots[n], fake.api.user_taps(admin, message, data)))
            rng.shuffle(taps)
            statuses = await asyncio.gather(*(bot.post(session, tap) for bot, tap in taps))
            assert set(statuses) == {200}
            query_ids = {tap["callback_query"]["id"] for _bot, tap in taps}
            await fake.wait_for(lambda: query_ids <= set(fake.api.answered_queries), within=30)

        for index, someone in enumerate(people):  # the menus went on, whichever process drew
            if index % 4:
                screen = fake.api.last_bot_message(someone["id"])
                assert screen is not None and screen.edits == 1, someone["id"]

        results = await asyncio.gather(*(bot.terminate() for bot in bots))
        assert all(code == 0 and took < 10 for code, took in results), results
    finally:
        for bot in bots:
            await bot.kill()
        await fake.close()

    outcome = await directory_is_consistent(db_url, ids)
    assert outcome == {"approved": len(ids), "open": 0}  # each applied once, by one of them
    engine = database.make_engine(db_url)
    try:
        async with engine.connect() as connection:
            approvers = list(
                (
                    await connection.execute(
                        select(AuditRecord.approved_by).where(
                            AuditRecord.actor == str(AUTHOR), AuditRecord.field == "name"
                        )
                    )
                ).scalars()
            )
    finally:
        await engine.dispose()
    assert len(approvers) == len(ids) and set(approvers) <= {str(a) for a in ADMINS}
    counts = await sums(db_url)
    assert counts["sessions"] == accepted_starts == len(people) - refused
    assert counts["place"] == accepted_starts  # one place chosen per person, on either process
    for bot in bots:
        assert "Traceback" not in bot.log.read_text()


async def test_two_processes_seeding_the_same_admin_both_start(tmp_path: Path) -> None:
    """ADMIN_IDS is written by every process at start; the second writer must not fail."""
    from bot.desk import staff
    from tests.directory_data import TODAY

    url = databases.url_for(tmp_path, "seed")
    await load_directory(url, as_yaml(standard_entries()))
    engines = [database.make_engine(url) for _ in range(2)]
    try:
        for _round in range(5):
            user_id = 670000 + _round
            await asyncio.gather(
                *(
                    staff.seed_admins(database.make_sessionmaker(e), (user_id,), TODAY)
                    for e in engines
                )
            )
            assert await staff.role_of(database.make_sessionmaker(engines[0]), user_id) == "admin"
    finally:
        for engine in engines:
            await engine.dispose()


async def test_a_conversation_with_a_volunteer_runs_across_two_processes(
    tmp_path: Path, postgres: str
) -> None:
    """Talk to a person with two `helpline run` processes on one PostgreSQL, each update going
    to the other process than the one before: she opens on one, writes through the other; the
    volunteer's answer and End arrive at whichever process, and every step finds the
    conversation through its sealed row."""
    from bot.desk import staff
    from bot.menus.callback import Screen, decode
    from bot.relay import duty
    from tests.directory_data import TODAY
    from tests.harness import RELAY_CHAT_ID
    from tests.relay_helpers import RELAY_KEY, VOLUNTEER

    db_url = databases.database_on(postgres, "relay_instances")
    await load_directory(db_url, as_yaml(standard_entries()))
    engine = database.make_engine(db_url)
    try:
        sessions = database.make_sessionmaker(engine)
        await staff.add(sessions, VOLUNTEER, "volunteer", TODAY)
        await duty.set_duty(sessions, VOLUNTEER, True)
    finally:
        await engine.dispose()
    fake = FakeTelegram()
    await fake.start()
    fake.api.topics[RELAY_CHAT_ID] = {}  # the volunteers' group is a forum
    env = {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": db_url,
        "RELAY_CHAT_ID": str(RELAY_CHAT_ID),
        "RELAY_KEY": RELAY_KEY,
    }
    her = person(90, "ko")
    volunteer = {"id": VOLUNTEER, "is_bot": False, "first_name": "V"}
    bots: list[BotProcess] = []
    try:
        for name in ("first", "second"):
            bots.append(await start_bot(tmp_path, name, env))
        await asyncio.gather(*(bot.wait_healthy() for bot in bots))
        first, second = bots
        async with aiohttp.ClientSession() as session:

            def last_screen() -> Any:
                return fake.api.last_bot_message(her["id"])

            assert await first.post(session, fake.api.user_sends(her, "/talk")) == 200
            await fake.wait_for(lambda: last_screen() is not None, within=30)
            consent = last_screen()
            start = next(
                d
                for row in consent.buttons()
                for _, d in row
                if decode(d).screen is Screen.TALK_START
            )
            assert await second.post(session, fake.api.user_taps(her, consent, start)) == 200
            # She writes once her screen says she can: by then the topic is made and noted.
            await fake.wait_for(
                lambda: "이제 글을 쓰실 수 있습니다" in last_screen().text, within=30
            )
            (topic,) = fake.api.topics[RELAY_CHAT_ID]

            words = "아이와 함께 지낼 곳이 필요합니다"
            assert await first.post(session, fake.api.user_sends(her, words)) == 200
            await fake.wait_for(
                lambda: any(m.text == words for m in in_topic_of(fake, topic)), within=30
            )
            answer = fake.api.user_sends(
                volunteer, "함께 찾아보겠습니다", chat_id=RELAY_CHAT_ID, thread_id=topic
            )
            assert await second.post(session, answer) == 200
            await fake.wait_for(
                lambda: any(
                    "함께 찾아보겠습니다" in m.text
                    for m in fake.api.messages.get(her["id"], {}).values()
                ),
                within=30,
            )
            opening = min(in_topic_of(fake, topic), key=lambda m: m.message_id)
            end = opening.buttons()[0][0][1]
            assert await first.post(session, fake.api.user_taps(volunteer, opening, end)) == 200
            await fake.wait_for(lambda: topic not in fake.api.topics[RELAY_CHAT_ID], within=30)
            await fake.wait_for(
                lambda: (
                    not any(
                        words in m.text or "함께 찾아보겠습니다" in m.text
                        for m in fake.api.messages.get(her["id"], {}).values()
                    )
                ),
                within=30,
            )
        results = await asyncio.gather(*(bot.terminate() for bot in bots))
        assert all(code == 0 for code, _took in results), results
    finally:
        for bot in bots:
            await bot.kill()
        await fake.close()
    for bot in bots:
        assert "Traceback" not in bot.log.read_text()
    engine = database.make_engine(db_url)
    try:
        async with engine.connect() as connection:
            left = await connection.execute(select(func.count()).select_from(RelayConversation))
            assert left.scalar_one() == 0  # ended: no row remains
    finally:
        await engine.dispose()


def in_topic_of(fake: FakeTelegram, topic: int) -> list[Any]:
    from tests.harness import RELAY_CHAT_ID

    chat = fake.api.messages.get(RELAY_CHAT_ID, {})
    return [chat[i] for i in sorted(chat) if chat[i].thread_id == topic]
