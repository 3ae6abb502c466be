"""The relay's store on a real database, SQLite and PostgreSQL alike: one row per open
conversation, found by her chat or by its topic, changed by two processes at once without
losing anything, gone when it ends; blocks; and nothing of her in the clear in any byte."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, inspect, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import RelayBlock, RelayConversation
from bot.desk import staff
from bot.relay import conversations as store
from bot.relay import duty, topic
from bot.relay.keys import RelayKeys
from bot.relay.route import Route
from tests import databases
from tests.test_relay_route import OTHER_SECRET, SECRET

Sessions = async_sessionmaker[AsyncSession]
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
HER = 987_654_321_987  # a canary chat id
ANOTHER = 5_550_001


@pytest.fixture(params=["sqlite", "postgresql"])
async def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'relay.db'}"
    server = request.getfixturevalue("postgres")
    return databases.database_on(server, "relay")


@pytest.fixture
async def sessions(url: str) -> AsyncIterator[Sessions]:
    engine = database.make_engine(url)
    await database.upgrade(engine)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
def keys() -> RelayKeys:
    return RelayKeys.from_secret(SECRET)


def her_route(chat_id: int = HER, **changes: object) -> Route:
    values: dict[str, object] = {"chat_id": chat_id, "lang": "zh", "place": "TRANSIT"}
    values.update({"need": "trafficking", **changes})
    return Route(**values)  # type: ignore[arg-type]


async def rows(sessions: Sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(RelayConversation)) or 0)


async def test_one_conversation_per_chat(sessions: Sessions, keys: RelayKeys) -> None:
    first, new = await store.open_conversation(sessions, keys, her_route(), NOW)
    assert new and topic.is_code(first.code) and first.topic_id is None
    assert (first.opened_at, first.last_activity, first.answered_at) == (NOW, NOW, None)
    later = NOW + dt.timedelta(minutes=5)
    again, new_again = await store.open_conversation(sessions, keys, her_route(need="x"), later)
    assert not new_again and again.code == first.code
    assert again.route == her_route() and again.opened_at == NOW
    other, other_new = await store.open_conversation(sessions, keys, her_route(ANOTHER), NOW)
    assert other_new and other.code != first.code
    assert await rows(sessions) == 2


async def test_found_by_chat_and_by_topic(sessions: Sessions, keys: RelayKeys) -> None:
    opened, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    assert await store.by_topic(sessions, keys, 41) is None
    await store.set_topic(sessions, opened.code, 41)
    by_topic = await store.by_topic(sessions, keys, 41)
    by_chat = await store.by_chat(sessions, keys, HER)
    assert by_topic is not None and by_chat is not None
    assert by_topic == by_chat and by_chat.topic_id == 41 and by_chat.route == her_route()
    assert await store.by_chat(sessions, keys, ANOTHER) is None
    # Another RELAY_KEY finds nothing: her chat's tag is another one, and the row is sealed.
    other = RelayKeys.from_secret(OTHER_SECRET)
    assert await store.by_chat(sessions, other, HER) is None
    assert await store.by_topic(sessions, other, 41) is None


async def test_ids_and_activity_are_noted(sessions: Sessions, keys: RelayKeys) -> None:
    opened, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    await store.note_hers(sessions, keys, opened.code, [10, 11], NOW + dt.timedelta(minutes=1))
    waited = await store.note_answer(
        sessions, keys, opened.code, [12, 11], NOW + dt.timedelta(minutes=20)
    )
    assert waited == dt.timedelta(minutes=20)
    again = await store.note_answer(sessions, keys, opened.code, [13], NOW + dt.timedelta(hours=2))
    assert again is None
    await store.note_hers(sessions, keys, opened.code, [14], NOW + dt.timedelta(hours=1))
    found = await store.by_chat(sessions, keys, HER)
    assert found is not None
    assert found.route.her_message_ids == [10, 11, 12, 13, 14]
    assert found.answered_at == NOW + dt.timedelta(minutes=20)
    assert found.last_activity == NOW + dt.timedelta(hours=2)  # never moved back
    assert not found.route.keep_her_side
    await store.keep_her_side(sessions, keys, opened.code)
    kept = await store.by_chat(sessions, keys, HER)
    assert kept is not None and kept.route.keep_her_side
    assert kept.route.her_message_ids == [10, 11, 12, 13, 14]


async def test_noting_an_ended_conversation_changes_nothing(
    sessions: Sessions, keys: RelayKeys
) -> None:
    await store.note_hers(sessions, keys, "K7F3", [1], NOW)
    assert await store.note_answer(sessions, keys, "K7F3", [1], NOW) is None
    await store.keep_her_side(sessions, keys, "K7F3")
    assert await rows(sessions) == 0


async def test_end_deletes_the_row_once(sessions: Sessions, keys: RelayKeys) -> None:
    opened, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    await store.set_topic(sessions, opened.code, 77)
    await store.note_hers(sessions, keys, opened.code, [3], NOW)
    ended = await store.end(sessions, keys, opened.code)
    assert ended is not None and ended.topic_id == 77
    assert ended.route == her_route(her_message_ids=[3])
    assert await store.end(sessions, keys, opened.code) is None
    assert await store.by_chat(sessions, keys, HER) is None
    assert await rows(sessions) == 0
    reopened, new = await store.open_conversation(sessions, keys, her_route(), NOW)
    assert new and reopened.route.her_message_ids == []


async def test_two_ends_at_once_one_wins(sessions: Sessions, keys: RelayKeys) -> None:
    opened, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    results = await asyncio.gather(*(store.end(sessions, keys, opened.code) for _ in range(4)))
    assert sum(result is not None for result in results) == 1


async def test_idle_conversations(sessions: Sessions, keys: RelayKeys) -> None:
    old, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    fresh, _ = await store.open_conversation(sessions, keys, her_route(ANOTHER), NOW)
    later = NOW + dt.timedelta(hours=24)
    await store.note_hers(sessions, keys, fresh.code, [1], NOW + dt.timedelta(minutes=1))
    assert await store.idle(sessions, later - dt.timedelta(seconds=1), 24) == []
    assert await store.idle(sessions, later, 24) == [old.code]
    assert await store.idle(sessions, later + dt.timedelta(minutes=1), 24) == [old.code, fresh.code]


async def test_a_taken_code_is_drawn_again(
    sessions: Sessions, keys: RelayKeys, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn = iter(["K7F3", "K7F3", "K7F3", "M4RS"])
    monkeypatch.setattr(store, "new_code", lambda: next(drawn))
    first, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    second, _ = await store.open_conversation(sessions, keys, her_route(ANOTHER), NOW)
    assert (first.code, second.code) == ("K7F3", "M4RS")
    assert (await store.by_chat(sessions, keys, ANOTHER)) == second


async def test_blocks(sessions: Sessions, keys: RelayKeys) -> None:
    until = NOW + dt.timedelta(days=7)
    await store.block(sessions, keys, HER, until)
    await store.block(sessions, keys, HER, NOW + dt.timedelta(days=1))  # the later one stays
    assert await store.blocked(sessions, keys, HER, NOW)
    assert not await store.blocked(sessions, keys, ANOTHER, NOW)
    assert not await store.blocked(sessions, RelayKeys.from_secret(OTHER_SECRET), HER, NOW)
    with pytest.raises(store.Blocked):
        await store.open_conversation(sessions, keys, her_route(), NOW + dt.timedelta(days=6))
    assert await rows(sessions) == 0
    assert await store.purge_blocks(sessions, until - dt.timedelta(seconds=1)) == 0
    opened, new = await store.open_conversation(sessions, keys, her_route(), until)
    assert new and opened.route.chat_id == HER
    assert await store.purge_blocks(sessions, until) == 1
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(RelayBlock)) == 0


async def test_rows_of_an_earlier_key_are_purged(sessions: Sessions, keys: RelayKeys) -> None:
    """Rotating RELAY_KEY ends the open conversations: their rows no longer open, and are
    deleted, their topics handed back for the group's side to delete."""
    old = RelayKeys.from_secret(OTHER_SECRET)
    stale, _ = await store.open_conversation(sessions, old, her_route(), NOW)
    await store.set_topic(sessions, stale.code, 5)
    untopiced, _ = await store.open_conversation(sessions, old, her_route(ANOTHER), NOW)
    current, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    await store.set_topic(sessions, current.code, 6)
    assert await store.by_topic(sessions, keys, 5) is None
    assert await store.purge_unreadable(sessions, keys) == [5]
    assert await rows(sessions) == 1
    assert await store.by_topic(sessions, keys, 6) == await store.by_chat(sessions, keys, HER)
    assert await store.end(sessions, keys, untopiced.code) is None


async def test_two_processes_noting_at_once_lose_nothing(url: str, keys: RelayKeys) -> None:
    """Her messages and the answers arrive through two processes (two engines on one
    database): every id each of them noted is in the route afterwards."""
    engines = [database.make_engine(url) for _ in range(2)]
    try:
        await database.upgrade(engines[0])
        first, second = (database.make_sessionmaker(engine) for engine in engines)
        opened, _ = await store.open_conversation(first, keys, her_route(), NOW)

        async def noting(sessions: Sessions, start: int) -> None:
            for n in range(start, start + 40, 2):
                if n % 4:
                    await store.note_hers(sessions, keys, opened.code, [n], NOW)
                else:
                    await store.note_answer(sessions, keys, opened.code, [n], NOW)

        await asyncio.gather(*(noting(s, start) for s in (first, second) for start in (0, 1)))
        found = await store.by_chat(second, keys, HER)
    finally:
        for engine in engines:
            await engine.dispose()
    assert found is not None
    assert sorted(found.route.her_message_ids) == list(range(41))[:40]


async def test_no_byte_of_her_in_the_clear(url: str, sessions: Sessions, keys: RelayKeys) -> None:
    """The row holds her chat id, language, place and need only sealed; after the end no
    trace of the row is left, in the tables or (SQLite) anywhere in the file."""
    opened, _ = await store.open_conversation(sessions, keys, her_route(), NOW)
    await store.set_topic(sessions, opened.code, 4242)
    await store.note_hers(sessions, keys, opened.code, [HER - 1], NOW)
    await store.block(sessions, keys, HER, NOW + dt.timedelta(days=7))
    dumped = "\n".join(await databases.snapshot(url))
    assert opened.code in dumped and "4242" in dumped  # the snapshot does see the row
    for clear in (str(HER), str(HER - 1), '"l":"zh"', "TRANSIT", "trafficking"):
        assert clear not in dumped
    file = Path(url.removeprefix("sqlite+aiosqlite:///")) if url.startswith("sqlite") else None
    if file is not None:
        raw = file.read_bytes()
        for clear in (str(HER).encode(), HER.to_bytes(8, "big"), HER.to_bytes(8, "little")):
            assert clear not in raw
        tag = keys.chat_tag(HER)
        assert tag in raw
    await store.end(sessions, keys, opened.code)
    assert opened.code not in "\n".join(await databases.snapshot(url))
    if file is not None:
        assert keys.chat_tag(HER) not in file.read_bytes()  # secure_delete: not left in a page


def _tables_and_staff_columns(connection: Any) -> tuple[set[str], set[str]]:
    found = inspect(connection)
    return set(found.get_table_names()), {c["name"] for c in found.get_columns("staff")}


async def test_migration_0012_down_and_up(url: str, keys: RelayKeys) -> None:
    """Down to 0011 takes the relay's tables and the staff's two columns away and keeps the
    staff; up again brings them back empty and off duty."""
    config = database.alembic_config(url)
    await asyncio.to_thread(command.upgrade, config, "head")
    engine = database.make_engine(url)
    try:
        sessions = database.make_sessionmaker(engine)
        await staff.add(sessions, 640001, "volunteer", NOW.date())
        await duty.set_duty(sessions, 640001, True)
        await duty.set_signature(sessions, 640001, "Mina")
        await store.open_conversation(sessions, keys, her_route(), NOW)
        await engine.dispose()
        await asyncio.to_thread(command.downgrade, config, "0011")
        async with engine.connect() as connection:
            tables, columns = await connection.run_sync(_tables_and_staff_columns)
            kept = (await connection.execute(text("SELECT user_id FROM staff"))).scalars().all()
        assert not {"relay_conversations", "relay_blocks"} & tables
        assert not {"on_duty", "signature"} & columns and list(kept) == [640001]
        await engine.dispose()
        await asyncio.to_thread(command.upgrade, config, "head")
        assert await duty.on_duty(sessions) == []
        assert await duty.signature_of(sessions, 640001) is None
        assert await rows(sessions) == 0
    finally:
        await engine.dispose()
