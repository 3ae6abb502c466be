"""Typed answers go only to the question the desk really asked. The question waits in the staff
row, so whatever that column holds is read as strictly as a button's data: a value the desk
never writes (left by hand, by a damaged row, or forged by someone with the database) gets the
calm "no longer open" answer, ends the wait, and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bot.clock import utc_now
from bot.db.models import Proposal, Staff
from bot.desk import staff
from tests import telegram_html
from tests.directory_data import TODAY, as_yaml, standard_entries
from tests.harness import Harness, Person

ADMIN = 620001
GONE = "This draft is no longer open."


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    started = Harness(tmp_path, admin_ids=str(ADMIN))
    await started.start(as_yaml(standard_entries()))
    try:
        yield started
    finally:
        await started.stop()


async def _new_draft(admin: Person, entry_id: str) -> Proposal:
    await admin.send("/volunteer")
    await admin.tap("New entry")
    await admin.send(entry_id)
    async with admin.harness.core.sessions() as session:
        found = await session.scalar(select(Proposal).where(Proposal.entry_id == entry_id))
    assert found is not None and found.state == "draft"
    return found


async def _leave_in_row(harness: Harness, user_id: int, waiting: str) -> None:
    async with harness.core.sessions() as session, session.begin():
        await session.execute(
            update(Staff)
            .where(Staff.user_id == user_id)
            .values(waiting_for=waiting, waiting_since=utc_now() - dt.timedelta(minutes=1))
        )


async def _row(harness: Harness, user_id: int) -> Staff:
    async with harness.core.sessions() as session:
        member = await session.get(Staff, user_id)
    assert member is not None
    return member


def _shown(person: Person) -> str:
    return "\n".join(telegram_html.parse(person.screen.text).lines)


FORGED = [
    "note:{id}:more",
    "note:{id}:",
    "note:0{id}",
    "text:{id}:name:en:more",
    "text:{id}:name:",
    "text:{id}:status:en",
    "text:{id}:internal_note:en",
    "contact:{id}:fax",
    "contact:{id}:phone:more",
    "find:cn-stale",
    "new:cn-forged",
    "reason",
    "draft:{id}",
]


@pytest.mark.parametrize("forged", FORGED)
async def test_a_question_the_desk_never_writes_takes_no_answer(
    harness: Harness, forged: str
) -> None:
    admin = harness.person("en", user_id=ADMIN)
    made = await _new_draft(admin, "cn-typed-answers")
    await _leave_in_row(harness, ADMIN, forged.format(id=made.id))

    await admin.send("Typed words (a forged question must not take them)")

    assert _shown(admin) == GONE
    row = await _row(harness, ADMIN)
    assert row.waiting_for is None and row.waiting_since is None
    async with harness.core.sessions() as session:
        proposals = list(await session.scalars(select(Proposal)))
    assert [(p.id, p.state, p.proposed) for p in proposals] == [(made.id, "draft", made.proposed)]


async def test_the_same_answer_to_a_real_question_is_taken(harness: Harness) -> None:
    """The control for the test above: the note question the desk writes takes the words."""
    admin = harness.person("en", user_id=ADMIN)
    made = await _new_draft(admin, "cn-typed-answers")
    await _leave_in_row(harness, ADMIN, f"note:{made.id}")

    await admin.send("Typed words (a forged question must not take them)")

    assert "Typed words (a forged question must not take them)" in _shown(admin)
    async with harness.core.sessions() as session:
        kept = await session.get(Proposal, made.id)
    assert kept is not None
    assert "Typed words (a forged question must not take them)" in kept.proposed


async def test_a_user_id_typed_after_losing_the_admin_role_adds_no_one(harness: Harness) -> None:
    admin = harness.person("en", user_id=ADMIN)
    await admin.send("/volunteer")
    await admin.tap("Volunteers")
    await admin.tap("Add a volunteer")
    assert (await _row(harness, ADMIN)).waiting_for == "add"
    await staff.add(harness.core.sessions, ADMIN, "volunteer", TODAY)
    harness.core.staff_ids.forget()

    await admin.send("620099")

    assert _shown(admin) == GONE
    assert admin.labels() == ["🏠 Volunteer desk"]
    async with harness.core.sessions() as session:
        assert await session.get(Staff, 620099) is None
    assert (await _row(harness, ADMIN)).waiting_for is None
