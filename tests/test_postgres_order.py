"""What only PostgreSQL shows, run there whatever database the rest of the suite uses.

SQLite gives rows back in the order of their ids (the id is the row's own key) and lets one
writer in at a time. PostgreSQL gives rows back in the order they lie in the table, which an
update changes, and lets transactions run side by side, each waiting only for the rows
another has locked. So an order by id, a row lock, and the choice of PostgreSQL's own insert
can only be seen here. Each test needs a PostgreSQL server (tests/conftest.py, `postgres`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import AuditRecord, DailyCount, Entry, Proposal, WeeklyNeedPlace
from bot.desk import proposals
from bot.directory import audit, file_format, queries, replace
from bot.stats import counting, publish
from bot.stats.periods import Kind, month, weeks_of
from tests import databases
from tests.directory_data import RECENT, TODAY, as_yaml, entry
from tests.harness import load_directory

Sessions = async_sessionmaker[AsyncSession]
ANNA, BORA = 5_000_301, 5_000_302


@pytest.fixture
async def sessions(postgres: str) -> AsyncIterator[Sessions]:
    url = databases.database_on(postgres, "order")
    await load_directory(url, as_yaml([entry("cn-shelter"), entry("kr-clinic", regions=["KR"])]))
    engine = database.make_engine(url)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def by_table_order(session: AsyncSession) -> None:
    """Have PostgreSQL read the table itself rather than an index, for this transaction: the
    plan it picks for a bigger table, where rows come in the order they lie."""
    for setting in ("enable_indexscan", "enable_bitmapscan", "enable_indexonlyscan"):
        await session.execute(text(f"SET LOCAL {setting} = off"))


async def upload(sessions: Sessions, entries: list[dict[str, Any]]) -> list[Proposal]:
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(entries)))
        await proposals.submit(session, ANNA, made.proposals[0].batch)
        return made.proposals


async def test_a_re_check_that_lands_while_a_change_is_approved_is_kept(
    sessions: Sessions,
) -> None:
    """The approval reads the entry under its row lock: it waits for the re-check to commit
    and keeps its date, instead of writing back the date it read before."""
    older = RECENT - dt.timedelta(days=10)
    (sent,) = await upload(
        sessions, [entry("cn-shelter", verified_on=older, name={"en": "Renamed Shelter"})]
    )
    async with sessions() as checking:
        await checking.begin()
        row = await checking.scalar(select(Entry).where(Entry.id == "cn-shelter").with_for_update())
        assert row is not None
        await queries.mark_verified(checking, row, TODAY)
        await checking.flush()

        async def approve() -> proposals.Outcome:
            async with sessions() as session, session.begin():
                return await proposals.approve(session, sent.id, BORA, second_review=True)

        approving = asyncio.create_task(approve())
        await asyncio.sleep(0.5)
        assert not approving.done()  # it waits for the row
        await checking.commit()
    assert await approving is proposals.Outcome.APPLIED
    async with sessions() as session:
        stored = await proposals.current(session, "cn-shelter")
        assert stored is not None
        after = queries.to_model(stored)
    assert after.name == {"en": "Renamed Shelter"} and after.verified_on == TODAY


async def test_proposals_sent_at_the_same_moment_are_reviewed_in_the_order_they_were_made(
    sessions: Sessions, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with sessions() as session, session.begin():
        first = await proposals.start_change(session, ANNA, "cn-shelter", TODAY)
        second = await proposals.start_change(session, ANNA, "kr-clinic", TODAY)
        assert first is not None and second is not None
        made = [(first.id, first.batch), (second.id, second.batch)]
    moment = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    monkeypatch.setattr(proposals, "utc_now", lambda: moment)
    for _, batch in reversed(made):  # the later one is sent first, at the same moment
        async with sessions() as session, session.begin():
            await proposals.submit(session, ANNA, batch)
    async with sessions() as session, session.begin():
        await by_table_order(session)
        queue = await proposals.review_queue(session, BORA, second_review=True)
    assert [(p.id, p.created_at) for p in queue] == [(made[0][0], moment), (made[1][0], moment)]


async def test_an_entry_s_history_is_in_the_order_it_was_written(sessions: Sessions) -> None:
    """Two approvals may take their ids in one order and write their records in the other."""
    at = dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC)
    async with sessions() as session, session.begin():
        for record_id, new in ((2002, "second"), (2001, "first")):
            session.add(
                AuditRecord(
                    id=record_id,
                    at=at,
                    actor="cli",
                    entry_id="cn-shelter",
                    action="updated",
                    field="internal_note",
                    lang="",
                    old="",
                    new=new,
                    approved_by="",
                )
            )
    async with sessions() as session, session.begin():
        await by_table_order(session)
        records = await audit.history(session, "cn-shelter")
        every = await audit.everything(session)  # as `directory export --format hsds` reads it
    assert [(r.id, r.new) for r in records if r.id > 2000] == [(2001, "first"), (2002, "second")]
    assert [r.id for r in every] == sorted(r.id for r in every)
    assert [r.new for r in every if r.id > 2000] == ["first", "second"]


async def test_statistics_are_published_on_postgresql_and_read_oldest_first(
    sessions: Sessions,
) -> None:
    november = month(2026, 11)
    weeks = weeks_of(november)
    async with sessions() as session, session.begin():
        for week in weeks:
            session.add(DailyCount(day=week.first, metric="sessions", key="", count=12))
    for week in [weeks[2], weeks[0], weeks[3], weeks[1]]:  # out of order
        assert await publish.publish(sessions, week, 10)
    assert await publish.publish(sessions, weeks[0], 10) is False  # decided once
    async with sessions() as session:
        found = await publish.published(session, Kind.WEEK, november.first, november.last)
    assert [p.period for p in found] == weeks
    assert [p.shown(("total", "sessions")) for p in found] == [12] * len(weeks)


async def test_entries_of_the_same_name_are_paged_by_id_each_once(
    postgres: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The list statements are built once, at import: built again, as tests/test_directory_
    # queries.py does, so that a change to how they are built is seen.
    pages, total = queries._page_queries()
    monkeypatch.setattr(queries, "_PAGE_OF", pages)
    monkeypatch.setattr(queries, "_TOTAL_OF", total)
    ids = [f"cn-twin-{letter}" for letter in "gfedcba"]  # written last id first
    url = databases.database_on(postgres, "twins")
    await load_directory(url, as_yaml([entry(i, name={"en": "Twin Shelter"}) for i in ids]))
    engine = database.make_engine(url)
    try:
        listed = []
        for number in (0, 1):
            async with database.make_sessionmaker(engine)() as session, session.begin():
                await by_table_order(session)
                page = await queries.list_for_need(
                    session,
                    need="shelter",
                    place="CN",
                    lang="en",
                    page=number,
                    today=TODAY,
                    max_age_days=180,
                )
            listed.append([e.id for e in page.entries])
    finally:
        await engine.dispose()
    assert listed == [[f"cn-twin-{letter}" for letter in part] for part in ("abcde", "fg")]


async def test_a_directory_of_one_entry_is_copied_in(postgres: str) -> None:
    """An import writes each table with COPY; a table of one row is a COPY of one record."""
    url = databases.database_on(postgres, "single")
    await load_directory(url, as_yaml([entry("cn-only-one")]))
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            found = await queries.visible_entry(
                session, "cn-only-one", today=TODAY, max_age_days=180
            )
            rows = (await session.execute(select(Entry.id))).scalars().all()
    finally:
        await engine.dispose()
    assert found is not None and found.id == "cn-only-one"
    assert rows == ["cn-only-one"]


async def test_an_import_on_postgresql_loads_its_rows_by_copy(postgres: str) -> None:
    """On PostgreSQL an import loads each table with COPY, not INSERT statements: several
    times faster for the 250,000 rows of a large directory (docs/PERFORMANCE.md). COPY goes
    through asyncpg itself, so SQLAlchemy sees only the reading and the deleting."""
    url = databases.database_on(postgres, "copied")
    engine = database.make_engine(url)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    try:
        await database.upgrade(engine)
        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        text_ = as_yaml([entry("cn-shelter"), entry("kr-clinic", regions=["KR"])])
        async with database.make_sessionmaker(engine)() as session, session.begin():
            await replace.replace_all(session, file_format.parse(text_))
        async with database.make_sessionmaker(engine)() as session:
            ids = (await session.execute(select(Entry.id).order_by(Entry.id))).scalars().all()
    finally:
        await engine.dispose()
    assert ids == ["cn-shelter", "kr-clinic"]
    assert any(s.lstrip().upper().startswith("SELECT") for s in statements)
    assert not [s for s in statements if s.lstrip().upper().startswith("INSERT")]


async def test_copy_outside_a_transaction_fails_loudly(sessions: Sessions) -> None:
    """COPY on a connection with no transaction open would be committed row by row as it
    went: an import cut short would leave half a directory. The import's one transaction is
    the promise, so COPY refuses to run without it."""
    engine = sessions.kw["bind"]
    async with engine.connect() as connection:
        with pytest.raises(AssertionError, match="COPY outside the transaction"):
            await replace._copy(connection, Entry, [{"id": "x"}])


async def test_her_drafts_and_a_batch_are_in_the_order_they_were_made(sessions: Sessions) -> None:
    """A draft edited since is a new row version, last in the table: lists are by id."""
    uploaded = [entry("cn-shelter", name={"en": "One"}), entry("new-one"), entry("new-two")]
    async with sessions() as session, session.begin():
        made = await proposals.from_file(session, ANNA, file_format.parse(as_yaml(uploaded)))
    ids = [p.id for p in made.proposals]
    async with sessions() as session, session.begin():
        first = await session.get(Proposal, ids[0])
        assert first is not None
        first.proposed += "\n"  # edited in the editor
    async with sessions() as session, session.begin():
        await by_table_order(session)
        in_table = list(await session.scalars(select(Proposal.id)))
        drafts = [p.id for p in await proposals.drafts_of(session, ANNA)]
        batch = [p.id for p in await proposals.batch(session, ANNA, ids[0])]
    assert in_table != ids  # the table's own order differs, or this proves nothing
    assert drafts == ids and batch == ids


async def test_usage_counts_written_twice_add_up_on_postgresql(sessions: Sessions) -> None:
    """A write adds to the counts already there (INSERT ... ON CONFLICT on the table's key);
    PostgreSQL, unlike SQLite, takes that only with the key named and the column as it is."""
    noon = dt.datetime(2026, 11, 18, 12, tzinfo=dt.UTC)
    counter = counting.UsageCounter(clock=lambda: noon, min_users=1)
    for visits in (2, 3):
        for person in range(visits):
            counter.add_need_in_place("shelter", "CN", by=person)
        await counting.flush(counter, sessions)
    async with sessions() as session:
        daily = (await session.scalars(select(DailyCount))).all()
        weekly = (await session.scalars(select(WeeklyNeedPlace))).all()
        assert [(d.metric, d.key, d.count) for d in daily] == [("need", "shelter", 5)]
        assert [(w.week, w.need, w.place, w.count) for w in weekly] == [
            ("2026-W47", "shelter", "CN", 5)
        ]
