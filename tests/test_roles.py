"""The sender's role as the staff handlers read it: a member of staff is staff in her private
chat with the bot only. In a group (the relay group included) the same person is nobody, so
that no staff screen, command or button ever answers where others can read it."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Chat, Message, Update, User

from bot.db import database
from bot.desk import staff
from bot.desk.staff import StaffIds
from handlers.roles import role_of
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry
from tests.harness import load_directory

ANNA = 5_000_201
GROUP = -1_001_234_567_890


@pytest.fixture
async def context(tmp_path: Path) -> AsyncIterator[Any]:
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml([entry("cn-shelter")]))
    engine = database.make_engine(url)
    sessions: async_sessionmaker[AsyncSession] = database.make_sessionmaker(engine)
    await staff.add(sessions, ANNA, "admin", TODAY)
    try:
        yield SimpleNamespace(core=SimpleNamespace(staff_ids=StaffIds(sessions), sessions=sessions))
    finally:
        await engine.dispose()


def message_from_anna(chat: Chat, *, signed: bool = True) -> Update:
    sender = User(ANNA, "Anna", is_bot=False) if signed else None
    sent = Message(7, dt.datetime(2026, 12, 1, tzinfo=dt.UTC), chat=chat, from_user=sender)
    return Update(1, message=sent)


async def test_staff_are_staff_in_their_private_chat_only(context: Any) -> None:
    assert await role_of(message_from_anna(Chat(ANNA, Chat.PRIVATE)), context) == "admin"
    for kind in (Chat.GROUP, Chat.SUPERGROUP, Chat.CHANNEL):
        assert await role_of(message_from_anna(Chat(GROUP, kind)), context) is None, kind


async def test_an_update_with_no_chat_or_no_sender_is_nobody_s(context: Any) -> None:
    unsigned = message_from_anna(Chat(ANNA, Chat.PRIVATE), signed=False)  # as a channel post
    assert await role_of(unsigned, context) is None
    assert await role_of(Update(2), context) is None  # nothing in it at all


async def test_nobody_without_an_id_may_be_staff_and_no_query_asks() -> None:
    def no_session() -> Any:
        raise AssertionError("a query made for nobody")

    assert await StaffIds(no_session).may_be(None) is False  # type: ignore[arg-type]


async def test_who_may_be_staff_is_read_again_once_its_time_is_up(context: Any) -> None:
    """A member added outside the bot (`helpline staff add`) is seen at the next reading,
    REFRESH_SECONDS after the last, and not before; `forget` reads again at once."""
    bora = ANNA + 1
    clock = [100.0]
    ids = StaffIds(context.core.sessions, clock=lambda: clock[0])
    assert await ids.may_be(ANNA) and not await ids.may_be(bora)
    await staff.add(context.core.sessions, bora, "volunteer", TODAY)
    clock[0] += staff.REFRESH_SECONDS - 0.5
    assert not await ids.may_be(bora)  # read at 100: not yet again
    clock[0] += 0.5
    assert await ids.may_be(bora)  # read again, this very moment
    await staff.remove(context.core.sessions, bora)
    ids.forget()
    assert not await ids.may_be(bora)
