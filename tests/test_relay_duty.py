"""Who is on duty, and the first name a volunteer signs her answers with."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.desk import staff
from bot.relay import duty
from tests import databases

Sessions = async_sessionmaker[AsyncSession]
MINA, JUN, ADMIN, NOBODY = 7_000_001, 7_000_002, 7_000_003, 7_000_009


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    made = database.make_sessionmaker(engine)
    for user_id, role in ((JUN, "volunteer"), (ADMIN, "admin"), (MINA, "volunteer")):
        await staff.add(made, user_id, role, dt.date(2026, 11, 30))
    try:
        yield made
    finally:
        await engine.dispose()


async def test_nobody_is_on_duty_at_first(sessions: Sessions) -> None:
    assert await duty.on_duty(sessions) == []
    assert not await duty.is_on_duty(sessions, MINA)


async def test_duty_on_and_off(sessions: Sessions) -> None:
    await duty.set_duty(sessions, MINA, True)
    await duty.set_duty(sessions, ADMIN, True)
    await duty.set_duty(sessions, NOBODY, True)  # not staff: nothing is written
    assert await duty.on_duty(sessions) == [(MINA, "en"), (ADMIN, "en")]
    assert await duty.is_on_duty(sessions, MINA) and not await duty.is_on_duty(sessions, NOBODY)
    await duty.set_duty(sessions, MINA, False)
    assert await duty.on_duty(sessions) == [(ADMIN, "en")]


async def test_a_removed_volunteer_is_no_longer_on_duty(sessions: Sessions) -> None:
    await duty.set_duty(sessions, JUN, True)
    await staff.remove(sessions, JUN)
    assert await duty.on_duty(sessions) == []


async def test_signature_set_and_cleared(sessions: Sessions) -> None:
    assert await duty.signature_of(sessions, MINA) is None
    await duty.set_signature(sessions, MINA, "  Mina ")
    assert await duty.signature_of(sessions, MINA) == "Mina"
    await duty.set_signature(sessions, JUN, "민아")
    assert await duty.signature_of(sessions, JUN) == "민아"
    await duty.set_signature(sessions, MINA, None)
    assert await duty.signature_of(sessions, MINA) is None
    with pytest.raises(duty.BadSignature):
        await duty.set_signature(sessions, JUN, "@jun_kim")
    assert await duty.signature_of(sessions, JUN) == "민아"  # a refused name changes nothing


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("Mina", "Mina"),
        ("민아", "민아"),
        ("美娜", "美娜"),
        ("Mary-Ann", "Mary-Ann"),
        ("N'Golo", "N'Golo"),
        ("José", "José"),
        ("Jose\u0301", "José"),  # decomposed: kept composed
        ("A" * 32, "A" * 32),
    ],
)
def test_first_names_pass(given: str, kept: str) -> None:
    assert duty.checked_signature(given) == kept


@pytest.mark.parametrize(
    "given",
    [
        "",
        "   ",
        "A" * 33,
        "Mina Kim",  # a first name only
        "@mina",
        "mina_kim",
        "Mina2",
        "٣",  # a digit of another script
        "<b>Mina</b>",
        "Mina&amp;",
        "https://t.me/x",
        "-Mina",
        "Mina-",
        "Mi--na",
        "Mi\nna",
        "Mina\u200b",  # a zero-width space
        "\u0301Mina",  # a mark with no letter before it
        "Mina🙂",
    ],
)
def test_anything_else_is_refused(given: str) -> None:
    with pytest.raises(duty.BadSignature):
        duty.checked_signature(given)
