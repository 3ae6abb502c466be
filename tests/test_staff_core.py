"""Staff and proposals in the core, on a real database: whose drafts go with whom, who may
take an entry id, and what a rejection or a discard touches.

Through the bot the same rules are driven in tests/test_volunteer_e2e.py; here each is pinned
with the other members' proposals lying next to the ones acted on.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import Proposal, Staff
from bot.desk import draft, proposals, staff
from bot.directory import file_format, replace
from bot.directory.file_format import FileError
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry
from tests.harness import load_directory

Sessions = async_sessionmaker[AsyncSession]
ANNA, BORA, CHOI = 5_000_101, 5_000_102, 5_000_103


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml([entry("cn-shelter"), entry("kr-clinic", regions=["KR"])]))
    engine = database.make_engine(url)
    made = database.make_sessionmaker(engine)
    # Added out of order, so that the listing's order is its own doing (on PostgreSQL).
    for user_id, role in ((BORA, "volunteer"), (CHOI, "admin"), (ANNA, "volunteer")):
        await staff.add(made, user_id, role, TODAY)
    try:
        yield made
    finally:
        await engine.dispose()


async def states(sessions: Sessions) -> dict[int, tuple[int, str, str]]:
    """Every proposal: id -> (author, state, entry id)."""
    async with sessions() as session:
        rows = await session.scalars(select(Proposal))
        return {p.id: (p.author, p.state, p.entry_id) for p in rows}


async def change(sessions: Sessions, author: int, entry_id: str, *, submit: bool) -> int:
    async with sessions() as session, session.begin():
        draft = await proposals.start_change(session, author, entry_id, TODAY)
        assert draft is not None
        if submit:
            sent = await proposals.submit(session, author, draft.batch)
            assert [p.id for p in sent if isinstance(p, Proposal)] == [draft.id]
        return draft.id


async def test_staff_are_listed_by_role_then_id_and_removed_with_their_drafts_only(
    sessions: Sessions,
) -> None:
    assert [(m.user_id, m.role) for m in await staff.members(sessions)] == [
        (CHOI, "admin"),
        (ANNA, "volunteer"),
        (BORA, "volunteer"),
    ]
    anna_draft = await change(sessions, ANNA, "cn-shelter", submit=False)
    anna_open = await change(sessions, ANNA, "kr-clinic", submit=True)
    bora_draft = await change(sessions, BORA, "cn-shelter", submit=False)

    assert await staff.remove(sessions, ANNA) is True
    assert await staff.remove(sessions, ANNA) is False  # nobody left to remove
    left = await states(sessions)
    assert anna_draft not in left  # her unfinished work goes with her
    assert left[anna_open] == (ANNA, proposals.OPEN, "kr-clinic")  # what she sent stays
    assert left[bora_draft] == (BORA, proposals.DRAFT, "cn-shelter")  # another's is untouched
    assert [m.user_id for m in await staff.members(sessions)] == [CHOI, BORA]


async def test_a_new_entry_id_is_hers_unless_an_entry_or_another_s_live_draft_has_it(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        assert await proposals.start_new(session, ANNA, "cn-shelter", TODAY) is None  # an entry
        first = await proposals.start_new(session, ANNA, "new-clinic", TODAY)
        assert first is not None and first.kind == proposals.NEW
        again = await proposals.start_new(session, ANNA, "new-clinic", TODAY)
        assert again is not None and again.id == first.id  # her own draft, not a second one
        assert await proposals.start_new(session, BORA, "new-clinic", TODAY) is None  # hers
        rejected = await proposals.start_new(session, BORA, "old-idea", TODAY)
        assert rejected is not None
        rejected.state = proposals.REJECTED
        # A rejected proposal holds no id, and a change to an entry since removed is no
        # claim on its id either.
        session.add(
            Proposal(
                batch=0,
                author=BORA,
                state=proposals.DRAFT,
                kind=proposals.CHANGE,
                entry_id="gone-entry",
                base="id: gone-entry\n",
                proposed="id: gone-entry\n",
                created_at=first.created_at,
                reason="",
            )
        )
        await session.flush()
        for entry_id in ("old-idea", "gone-entry"):
            mine = await proposals.start_new(session, ANNA, entry_id, TODAY)
            assert mine is not None and mine.author == ANNA and mine.kind == proposals.NEW
    authors_of_new = {
        (author, entry_id)
        for author, state, entry_id in (await states(sessions)).values()
        if state == proposals.DRAFT
    }
    assert (ANNA, "new-clinic") in authors_of_new and (BORA, "new-clinic") not in authors_of_new


async def test_a_discard_or_a_rejection_touches_that_one_batch_or_proposal_only(
    sessions: Sessions,
) -> None:
    anna = await change(sessions, ANNA, "cn-shelter", submit=False)
    async with sessions() as session:
        batch_of_anna = (await proposals.get(session, anna)).batch  # type: ignore[union-attr]
    async with sessions() as session, session.begin():
        assert await proposals.discard(session, BORA, batch_of_anna) == 0  # not hers to drop
    assert (await states(sessions))[anna] == (ANNA, proposals.DRAFT, "cn-shelter")
    async with sessions() as session, session.begin():
        assert await proposals.discard(session, ANNA, batch_of_anna) == 1
    assert anna not in await states(sessions)
    sent = await change(sessions, ANNA, "cn-shelter", submit=True)
    async with sessions() as session:
        batch_sent = (await proposals.get(session, sent)).batch  # type: ignore[union-attr]
    async with sessions() as session, session.begin():
        assert await proposals.discard(session, ANNA, batch_sent) == 0  # sent: not a draft
    assert (await states(sessions))[sent] == (ANNA, proposals.OPEN, "cn-shelter")
    async with sessions() as session, session.begin():
        assert await proposals.reject(session, sent, BORA, "later", second_review=True)

    first = await change(sessions, ANNA, "cn-shelter", submit=True)
    second = await change(sessions, ANNA, "kr-clinic", submit=True)
    async with sessions() as session, session.begin():
        assert (
            await proposals.reject(session, first, ANNA, "own", second_review=True)
        ) is None  # her own, where a second member of staff must review
        rejected = await proposals.reject(session, first, BORA, "outdated", second_review=True)
        assert rejected is not None and rejected.id == first
    async with sessions() as session:
        done = await proposals.get(session, first)
        other = await proposals.get(session, second)
    assert done is not None and other is not None
    assert (done.state, done.reviewer, done.reason) == (proposals.REJECTED, BORA, "outdated")
    assert done.reviewed_at is not None
    assert (other.state, other.reviewer, other.reason) == (proposals.OPEN, None, "")
    async with sessions() as session, session.begin():
        assert await proposals.reject(session, first, CHOI, "again", second_review=True) is None
    async with sessions() as session:
        done = await proposals.get(session, first)
    assert done is not None and (done.reviewer, done.reason) == (BORA, "outdated")  # decided once


async def test_an_entry_s_waiting_re_check_is_its_own_open_one_only(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        shelter = await proposals.current(session, "cn-shelter")
        clinic = await proposals.current(session, "kr-clinic")
        assert shelter is not None and clinic is not None
        done = await proposals.start_recheck(session, ANNA, clinic, TODAY)
        done.state = proposals.REJECTED  # reviewed already: no longer waiting
    await change(sessions, BORA, "kr-clinic", submit=True)  # open, but a change
    async with sessions() as session:
        assert await proposals.open_recheck(session, "kr-clinic") is None
    async with sessions() as session, session.begin():
        shelter = await proposals.current(session, "cn-shelter")
        assert shelter is not None
        waiting = await proposals.start_recheck(session, ANNA, shelter, TODAY)
    async with sessions() as session:
        found = await proposals.open_recheck(session, "cn-shelter")
        assert found is not None and found.id == waiting.id
        assert await proposals.open_recheck(session, "kr-clinic") is None


async def test_the_review_queue_is_oldest_sent_first_and_never_her_own(sessions: Sessions) -> None:
    async with sessions() as session, session.begin():
        shelter = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
        clinic = await proposals.start_change(session, ANNA, "kr-clinic", TODAY)
        assert shelter is not None and clinic is not None
        ids = (shelter.id, clinic.id)
    for proposal_id in reversed(ids):  # the later draft is sent first
        async with sessions() as session, session.begin():
            batch = (await proposals.get(session, proposal_id)).batch  # type: ignore[union-attr]
            await proposals.submit(session, ANNA, batch)
    bora_own = await change(sessions, BORA, "cn-shelter", submit=True)
    async with sessions() as session:
        for_bora = await proposals.review_queue(session, BORA, second_review=True)
        for_anna = await proposals.review_queue(session, ANNA, second_review=True)
        for_anyone = await proposals.review_queue(session, ANNA, second_review=False)
        waiting = await proposals.waiting_count(session, BORA, second_review=True)
    assert [p.id for p in for_bora] == [ids[1], ids[0]] and waiting == 2
    assert [p.id for p in for_anna] == [bora_own]
    assert [p.id for p in for_anyone] == [ids[1], ids[0], bora_own]


async def test_an_uploaded_file_keeps_notes_it_says_nothing_of_and_drafts_only_changes(
    sessions: Sessions,
) -> None:
    noted = [entry("cn-shelter", internal_note="n1"), entry("kr-clinic", regions=["KR"])]
    async with sessions() as session, session.begin():
        await replace.replace_all(session, file_format.parse(as_yaml(noted)))
    same = [entry("cn-shelter"), entry("kr-clinic", regions=["KR"])]  # no notes in the file
    renoted = [entry("cn-shelter", internal_note="n2"), entry("kr-clinic", regions=["KR"])]
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(same)))
        assert made.proposals == [] and made.unchanged == ["cn-shelter", "kr-clinic"]
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(renoted)))
        assert [p.entry_id for p in made.proposals] == ["cn-shelter"]
        assert "n2" in made.proposals[0].proposed and "n1" in made.proposals[0].base
        assert made.unchanged == ["kr-clinic"]


async def test_a_draft_is_hers_to_edit_only_while_it_is_a_draft(sessions: Sessions) -> None:
    mine = await change(sessions, ANNA, "cn-shelter", submit=False)
    sent = await change(sessions, ANNA, "kr-clinic", submit=True)
    async with sessions() as session:
        found = await proposals.own(session, ANNA, mine)
        assert found is not None and found.id == mine
        assert await proposals.own(session, BORA, mine) is None  # another's draft
        assert await proposals.own(session, ANNA, sent) is None  # sent for review
        assert await proposals.own(session, ANNA, 999_999) is None  # never there


async def test_a_change_she_has_begun_is_taken_up_again_not_begun_twice(
    sessions: Sessions,
) -> None:
    async with sessions() as session, session.begin():
        first = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
        bora = await proposals.start_change(session, BORA, "cn-shelter", TODAY)
        other_entry = await proposals.start_change(session, ANNA, "kr-clinic", TODAY)
        again = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
    assert first is not None and bora is not None and other_entry is not None
    assert again is not None and again.id == first.id  # her unfinished draft, as she left it
    assert len({first.id, bora.id, other_entry.id}) == 3  # another's, or another entry's, is not
    drafts = {p.id: (p.author, p.entry_id) for p in await drafts_of(sessions, ANNA)}
    assert drafts == {first.id: (ANNA, "cn-shelter"), other_entry.id: (ANNA, "kr-clinic")}


async def drafts_of(sessions: Sessions, author: int) -> list[Proposal]:
    async with sessions() as session:
        return await proposals.drafts_of(session, author)


async def batches(sessions: Sessions, author: int) -> dict[int, list[int]]:
    """Her drafts by batch: batch -> the ids in it."""
    found: dict[int, list[int]] = {}
    for mine in await drafts_of(sessions, author):
        found.setdefault(mine.batch, []).append(mine.id)
    return found


async def test_a_draft_opened_from_an_uploaded_file_leaves_the_rest_of_the_file_together(
    sessions: Sessions,
) -> None:
    """Opening one draft of a file in the editor takes it out of the file's batch, so that
    submitting or discarding it touches it alone; the rest stay one batch, and nobody else's
    batch is touched."""
    upload = [
        entry("cn-shelter", name={"en": "Renamed shelter"}),
        entry("kr-clinic", regions=["KR"], name={"en": "Renamed clinic"}),
        entry("kr-legal", regions=["KR"]),
    ]
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(upload)))
        shelter, clinic, legal = (p.id for p in made.proposals)
    bora_file = await change(sessions, BORA, "kr-clinic", submit=False)
    assert await batches(sessions, ANNA) == {shelter: [shelter, clinic, legal]}

    async with sessions() as session, session.begin():
        await proposals.on_its_own(session, await proposals.get(session, clinic))  # type: ignore[arg-type]
    assert await batches(sessions, ANNA) == {shelter: [shelter, legal], clinic: [clinic]}

    # The first one leaves: the batch was named by it, so the rest take the next one's id.
    async with sessions() as session, session.begin():
        await proposals.on_its_own(session, await proposals.get(session, shelter))  # type: ignore[arg-type]
    assert await batches(sessions, ANNA) == {shelter: [shelter], clinic: [clinic], legal: [legal]}
    assert await batches(sessions, BORA) == {bora_file: [bora_file]}

    async with sessions() as session, session.begin():
        assert await proposals.discard(session, ANNA, clinic) == 1
    assert await batches(sessions, ANNA) == {shelter: [shelter], legal: [legal]}


async def test_a_batch_with_an_invalid_draft_is_sent_not_at_all_and_every_error_is_said(
    sessions: Sessions,
) -> None:
    upload = [
        entry("cn-shelter", name={"en": "Renamed"}),
        entry("kr-clinic", regions=["KR"], hours={"en": "Weekdays"}),
        entry("kr-legal", regions=["KR"]),
    ]
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(upload)))
        shelter, clinic, legal = made.proposals
        # In the editor she empties the name of one and the contacts of another.
        proposals.save(shelter, draft.set_text(draft.load(shelter.proposed), "name", "en", None))
        proposals.save(clinic, draft.remove_contact(draft.load(clinic.proposed), 0))
        found = await proposals.submit(session, ANNA, shelter.batch)
    assert all(isinstance(error, FileError) for error in found)
    said = sorted((error.where.split("'")[1], error.field) for error in found)  # type: ignore[union-attr]
    assert said == [("cn-shelter", "name"), ("kr-clinic", "contacts")]
    left = await states(sessions)
    assert {left[p.id][1] for p in (shelter, clinic, legal)} == {proposals.DRAFT}  # none sent


async def test_adding_staff_says_whether_anything_changed(sessions: Sessions) -> None:
    """`helpline staff add` reports "added", "changed" or "already so" from this answer."""
    dara = 5_000_104
    assert await staff.add(sessions, dara, "volunteer", TODAY) is True  # new
    assert await staff.add(sessions, dara, "volunteer", TODAY) is False  # already so
    assert await staff.add(sessions, dara, "admin", TODAY) is True  # promoted
    assert await staff.add(sessions, dara, "admin", TODAY) is False
    with pytest.raises(ValueError, match="volunteer"):
        await staff.add(sessions, dara, "owner", TODAY)
    assert (dara, "admin") in [(m.user_id, m.role) for m in await staff.members(sessions)]


EVE = 5_000_105


def clash_on_insert(sessions: Sessions, times: int) -> list[int]:
    """Make the next `times` inserts into staff clash with a row written just before them, in
    their own transaction, as when a second process seeds ADMIN_IDS at the same moment. The
    clashing row goes with the failed transaction, as the other process's would be found by
    a second try. Returns the list of clashes so far."""
    engine = sessions.kw["bind"]
    clashes: list[int] = []

    def before(conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        if not statement.lstrip().upper().startswith("INSERT INTO STAFF"):
            return
        if conn.info.pop("clashing", False) or len(clashes) == times:
            return  # the clashing row itself, or no more clashes wanted
        clashes.append(1)
        conn.info["clashing"] = True
        conn.execute(insert(Staff).values(user_id=EVE, role="volunteer", added_on=TODAY))

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    return clashes


async def test_a_clash_with_another_process_adding_the_same_member_is_tried_once_again(
    sessions: Sessions,
) -> None:
    clashes = clash_on_insert(sessions, times=1)
    assert await staff.add(sessions, EVE, "volunteer", TODAY) is True
    assert clashes == [1]
    assert [m.user_id for m in await staff.members(sessions)].count(EVE) == 1


async def test_a_second_clash_is_not_hidden(sessions: Sessions) -> None:
    clashes = clash_on_insert(sessions, times=5)
    with pytest.raises(IntegrityError):
        await staff.add(sessions, EVE, "volunteer", TODAY)
    assert clashes == [1, 1]  # two tries, no third
    assert EVE not in [m.user_id for m in await staff.members(sessions)]


async def test_a_batch_is_hers_and_holds_only_drafts(sessions: Sessions) -> None:
    """The desk's buttons carry a batch's number: one forged to name another's batch finds
    nothing to send, and a batch that was sent has nothing left to send again."""
    anna = await change(sessions, ANNA, "cn-shelter", submit=False)
    bora = await change(sessions, BORA, "kr-clinic", submit=False)
    async with sessions() as session, session.begin():
        assert [p.id for p in await proposals.batch(session, ANNA, anna)] == [anna]
        assert await proposals.batch(session, ANNA, bora) == []
        assert await proposals.submit(session, ANNA, bora) == []
    assert (await states(sessions))[bora] == (BORA, proposals.DRAFT, "kr-clinic")
    async with sessions() as session, session.begin():
        sent = await proposals.submit(session, ANNA, anna)
        assert [p.id for p in sent if isinstance(p, Proposal)] == [anna]
    async with sessions() as session:
        assert await proposals.batch(session, ANNA, anna) == []
        assert await proposals.drafts_of(session, ANNA) == []  # sent: no longer a draft


async def test_of_two_drafts_of_one_entry_the_newest_is_taken_up(sessions: Sessions) -> None:
    """A file she uploads makes a draft of an entry she had begun to change in the editor:
    the change she takes up again is the newer one, the file's."""
    older = await change(sessions, ANNA, "cn-shelter", submit=False)
    uploaded = file_format.parse(as_yaml([entry("cn-shelter", name={"en": "From the file"})]))
    async with sessions() as session, session.begin():
        (newer,) = (await proposals.from_file(session, ANNA, uploaded)).proposals
    async with sessions() as session, session.begin():
        again = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
    assert again is not None and again.id == newer.id and again.id != older
