"""Published periods: fixed, not overlapping, never unfinished, and never changed."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from bot.db import database
from bot.db.models import DailyCount, PublishedCell, WeeklyNeedPlace
from bot.stats import counting, publish, suppression
from bot.stats.periods import (
    GRACE,
    Kind,
    Period,
    latest_over,
    month,
    month_of,
    over_since,
    parse,
    previous,
    week_of,
    weeks_of,
)
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES
from tests import databases

days = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2099, 12, 31))


@given(days)
def test_every_day_is_in_one_week_and_one_month_of_whole_weeks(day: dt.date) -> None:
    week, its_month = week_of(day), month_of(day)
    assert week.first <= day <= week.last and week.first.weekday() == 0
    assert its_month.first <= day <= its_month.last
    assert week in weeks_of(its_month)
    assert (its_month.last - its_month.first).days + 1 in (28, 35)
    # The month is the one holding the week's Thursday, and the next month starts right after.
    thursday = week.first + dt.timedelta(days=3)
    assert its_month.label == f"{thursday.year}-{thursday.month:02d}"
    following = month_of(its_month.last + dt.timedelta(days=1))
    assert following.first == its_month.last + dt.timedelta(days=1)
    assert parse(week.label) == week and parse(its_month.label) == its_month


@given(days, st.integers(min_value=0, max_value=24 * 60 - 1))
def test_nothing_unfinished_is_ever_due(day: dt.date, minute: int) -> None:
    now = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(minutes=minute)
    due = over_since(day - dt.timedelta(days=120), now)
    for period in due:
        end = dt.datetime.combine(period.last + dt.timedelta(days=1), dt.time(), dt.UTC)
        assert end + GRACE <= now
    weeks = [p for p in due if p.kind is Kind.WEEK]
    for a, b in itertools.pairwise(weeks):
        assert b.first == a.last + dt.timedelta(days=1)  # none skipped, none overlapping
    assert weeks and (now - dt.datetime.combine(weeks[-1].last, dt.time(), dt.UTC)).days < 9


def test_a_week_is_due_an_hour_after_it_ends() -> None:
    sunday = dt.date(2026, 11, 29)
    just_before = dt.datetime(2026, 11, 30, 0, 59, tzinfo=dt.UTC)
    assert week_of(sunday) not in over_since(dt.date(2026, 11, 1), just_before)
    assert week_of(sunday) in over_since(
        dt.date(2026, 11, 1), just_before + dt.timedelta(minutes=1)
    )
    assert month(2026, 11) in over_since(dt.date(2026, 11, 1), just_before + dt.timedelta(hours=1))


async def test_a_published_week_never_changes(tmp_path: Path) -> None:
    """Counts that arrive after a week was published (a process that could not reach the
    database for hours) change nothing anyone sees, nor its month."""
    url = databases.url_for(tmp_path)
    engine = database.make_engine(url)
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    november = month(2026, 11)

    async def count(day: dt.date, people: int) -> None:
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        counter = counting.UsageCounter(clock=lambda: noon, min_users=10)
        for person in range(people):
            counter.add("sessions", by=person)
            counter.add_need_in_place("shelter", "CN", by=person)
        await counting.flush(counter, sessions, everything=True)

    async def cells() -> dict[tuple[str, str], tuple[int, bool]]:
        async with sessions() as session:
            rows = await session.execute(
                select(
                    PublishedCell.period,
                    PublishedCell.cell,
                    PublishedCell.count,
                    PublishedCell.hidden,
                )
            )
            return {(p, c): (n, h) for p, c, n, h in rows}

    try:
        for week in weeks_of(november):
            await count(week.first + dt.timedelta(days=1), 12)
        first_week = weeks_of(november)[0]
        after_it = dt.datetime.combine(first_week.last, dt.time(), dt.UTC) + dt.timedelta(days=2)
        assert await publish.publish_due(sessions, after_it, 10, 730) == [first_week.label]
        before = await cells()
        assert before[(first_week.label, "need:shelter")] == (12, False)
        await count(first_week.first, 5)  # late
        after_month = dt.datetime.combine(november.last, dt.time(2), dt.UTC) + dt.timedelta(days=1)
        published = await publish.publish_due(sessions, after_month, 10, 730)
        assert published == [w.label for w in weeks_of(november)[1:]] + [november.label]
        again = await cells()
        assert {k: v for k, v in again.items() if k[0] == first_week.label} == {
            k: v for k, v in before.items()
        }
        # The month is the sum of its weeks as published, not of the late counts.
        assert again[(november.label, "need:shelter")] == (48, False)
        assert await publish.publish_due(sessions, after_month, 10, 730) == []
        async with sessions() as session:
            total = await session.scalar(select(func.count()).select_from(PublishedCell))
        assert total == len(again)
    finally:
        await engine.dispose()


async def test_published_periods_are_read_by_kind_and_dates_and_go_with_their_retention(
    tmp_path: Path,
) -> None:
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    november, weeks = month(2026, 11), weeks_of(month(2026, 11))
    try:
        for week in weeks:
            noon = dt.datetime.combine(week.first, dt.time(12), tzinfo=dt.UTC)
            counter = counting.UsageCounter(clock=lambda noon=noon: noon, min_users=10)  # type: ignore[misc]
            for person in range(12):
                counter.add("sessions", by=person)
                counter.add_need_in_place("shelter", "CN", by=person)
            await counting.flush(counter, sessions, everything=True)
        after = dt.datetime.combine(november.last, dt.time(2), dt.UTC) + dt.timedelta(days=1)
        await publish.publish(sessions, weeks[2], 10)  # one published ahead of its turn
        await publish.publish_due(sessions, after, 10, 730)

        async with sessions() as session:
            inside = await publish.published(
                session, Kind.WEEK, weeks[1].first, weeks[-1].last - dt.timedelta(days=1)
            )
            months = await publish.published(session, Kind.MONTH, november.first, after.date())
        # Only the weeks lying wholly in the dates, oldest first; no month among them.
        assert [p.period for p in inside] == weeks[1:-1]
        assert [p.period for p in months] == [november]
        assert all(p.min_count == 10 for p in [*inside, *months])
        assert inside[0].shown(("need", "shelter")) == 12
        assert inside[0].shown(("day", weeks[1].first.isoformat())) == 12
        assert months[0].shown(("need", "shelter")) == 12 * len(weeks)
        # A month is published by its totals and groups; its days are its weeks' to show.
        assert not [name for name in months[0].cells if name[0] == "day"]

        await publish.delete_published_before(sessions, weeks[1].last)
        async with sessions() as session:
            kept = await publish.published(session, Kind.WEEK, november.first, november.last)
            cells = await session.scalar(
                select(func.count())
                .select_from(PublishedCell)
                .where(PublishedCell.period == weeks[0].label)
            )
        assert [p.period for p in kept] == weeks[1:]  # the one ending that day stays
        assert cells == 0  # a period's numbers go with it
    finally:
        await engine.dispose()


async def test_daily_counts_are_kept_for_the_retention_and_weekly_ones_by_their_week(
    tmp_path: Path,
) -> None:
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    today = dt.date(2026, 11, 30)
    oldest = today - dt.timedelta(days=30)  # a Saturday, in week 2026-W44
    try:
        async with sessions() as session, session.begin():
            for day in (oldest - dt.timedelta(days=1), oldest, today):
                session.add(DailyCount(day=day, metric="sessions", key="", count=11))
            for week in ("2026-W43", "2026-W44", "2026-W49"):
                session.add(WeeklyNeedPlace(week=week, need="shelter", place="CN", count=11))
        await counting.delete_older_than(sessions, today, 30)
        async with sessions() as session:
            days = list(await session.scalars(select(DailyCount.day).order_by(DailyCount.day)))
            weeks = list(
                await session.scalars(select(WeeklyNeedPlace.week).order_by(WeeklyNeedPlace.week))
            )
        assert days == [oldest, today]
        assert weeks == ["2026-W44", "2026-W49"]  # a week goes once all of it is too old
    finally:
        await engine.dispose()


async def test_a_week_is_published_with_every_number_it_has_named_once(tmp_path: Path) -> None:
    """Every total, language, place, need, need x place, day and relay count, zero or not; a
    number the week never had (a contact nobody opened) reads as hidden, like a small one."""
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    week = week_of(dt.date(2026, 11, 18))
    wednesday = dt.datetime.combine(dt.date(2026, 11, 18), dt.time(12), tzinfo=dt.UTC)
    try:
        counter = counting.UsageCounter(clock=lambda: wednesday, min_users=10)
        for person in range(12):
            counter.add("sessions", by=person)
            counter.add_need_in_place("shelter", "CN", by=person)
        await counting.flush(counter, sessions, everything=True)
        assert await publish.publish(sessions, week, 10)
        async with sessions() as session:
            (published,) = (await publish.published_labels(session, [week.label])).values()
    finally:
        await engine.dispose()
    expected = {
        *(("total", name) for name in ("sessions", "unique_users", "erases")),
        *(("language", lang) for lang in USER_LANGUAGES),
        *(("place", place) for place in PLACES),
        *(("need", need) for need in NEEDS),
        *(("need_place", need, place) for need in NEEDS for place in PLACES),
        *(("day", day.isoformat()) for day in week.days()),
        *((group, lang) for group in ("relay_opened", "relay_answered") for lang in USER_LANGUAGES),
        *(("relay_first_answer", band) for band in ("15m", "1h", "4h", "later")),
    }
    assert set(published.cells) == expected
    assert published.shown(("day", "2026-11-18")) == 12
    assert published.cells[("day", "2026-11-17")] == (0, True)
    assert published.shown(("need", "shelter")) == 12
    assert published.shown(("opened", "no-such-entry")) is None


def test_a_week_comes_before_the_month_it_ends_and_the_latest_period_is_of_its_kind() -> None:
    november, last_week = month(2026, 11), week_of(dt.date(2026, 11, 29))
    assert (november.first, november.last) == (dt.date(2026, 11, 2), dt.date(2026, 11, 29))
    assert sorted([november, last_week], key=Period.order) == [last_week, november]
    assert sorted([last_week, november], key=Period.order) == [last_week, november]
    two_am = dt.datetime(2026, 11, 30, 2, tzinfo=dt.UTC)
    assert latest_over(Kind.WEEK, two_am) == last_week
    assert latest_over(Kind.MONTH, two_am) == november


async def test_a_week_s_numbers_are_the_sums_of_its_own_days_only(tmp_path: Path) -> None:
    """Each number is stored with the decision, hidden or not: here every count of the week
    2026-W47 (Monday 16 to Sunday 22 November), from rows on its days and around them."""
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    week = week_of(dt.date(2026, 11, 18))
    rows = [  # (day of November, metric, key, count)
        (15, "sessions", "", 100),  # the Sunday before
        (16, "sessions", "", 3),
        (22, "sessions", "", 4),
        (23, "sessions", "", 100),  # the Monday after
        (16, "unique_users", "", 2),
        (20, "unique_users", "", 5),
        (17, "erases", "", 1),
        (21, "erases", "", 2),
        (16, "language", "ko", 3),
        (22, "language", "ko", 2),
        (18, "language", "zh", 1),
        (18, "language", "fr", 9),  # not a language of the bot
        (16, "place", "CN", 2),
        (19, "place", "CN", 3),
        (20, "place", "KR", 1),
        (20, "need", "shelter", 99),  # needs are the sums of their need x place cells
        (16, "entry_opened", "cn-shelter", 2),
        (18, "entry_opened", "cn-shelter", 3),
        (18, "entry_opened", "kr-clinic", 0),
        (17, "not_working", "cn-shelter", 1),
        # More numbers than one statement stores (200).
        *((19, "entry_opened", f"entry-{i:03d}", 1) for i in range(130)),
    ]
    try:
        async with sessions() as session, session.begin():
            for day, metric, key, count in rows:
                session.add(
                    DailyCount(day=dt.date(2026, 11, day), metric=metric, key=key, count=count)
                )
            for label, need, place, count in (
                ("2026-W47", "shelter", "CN", 4),
                ("2026-W47", "shelter", "KR", 2),
                ("2026-W47", "health", "CN", 1),
                ("2026-W46", "shelter", "CN", 50),
            ):
                session.add(WeeklyNeedPlace(week=label, need=need, place=place, count=count))
        assert await publish.publish(sessions, week, 10)
        async with sessions() as session:
            (published,) = (await publish.published_labels(session, [week.label])).values()
    finally:
        await engine.dispose()
    counts = {name: count for name, (count, _) in published.cells.items()}
    expected: dict[tuple[str, ...], int] = {
        **{("total", name): 0 for name in ("sessions", "unique_users", "erases")},
        **{("language", lang): 0 for lang in USER_LANGUAGES},
        **{("place", place): 0 for place in PLACES},
        **{("need", need): 0 for need in NEEDS},
        **{("need_place", need, place): 0 for need in NEEDS for place in PLACES},
        **{("day", day.isoformat()): 0 for day in week.days()},
        **{
            (group, lang): 0
            for group in ("relay_opened", "relay_answered")
            for lang in USER_LANGUAGES
        },
        **{("relay_first_answer", band): 0 for band in ("15m", "1h", "4h", "later")},
    }
    expected.update(
        {
            ("day", "2026-11-16"): 3,
            ("day", "2026-11-22"): 4,
            ("total", "sessions"): 7,
            ("total", "unique_users"): 7,
            ("total", "erases"): 3,
            ("language", "ko"): 5,
            ("language", "zh"): 1,
            ("place", "CN"): 5,
            ("place", "KR"): 1,
            ("need_place", "shelter", "CN"): 4,
            ("need_place", "shelter", "KR"): 2,
            ("need_place", "health", "CN"): 1,
            ("need", "shelter"): 6,
            ("need", "health"): 1,
            ("opened", "cn-shelter"): 5,
            ("reports", "cn-shelter"): 1,
            **{("opened", f"entry-{i:03d}"): 1 for i in range(130)},
        }
    )
    assert counts == expected


async def test_a_month_waits_for_its_weeks_and_hides_what_they_hid(tmp_path: Path) -> None:
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    november, weeks = month(2026, 11), weeks_of(month(2026, 11))
    try:
        with pytest.raises(AssertionError, match=r"^2026-11: its weeks are not all published$"):
            await publish.publish(sessions, november, 10)
        async with sessions() as session, session.begin():
            for week, shelters in zip(weeks, (12, 3, 12, 12), strict=True):
                session.add(DailyCount(day=week.first, metric="sessions", key="", count=12))
                session.add(
                    WeeklyNeedPlace(week=week.label, need="shelter", place="CN", count=shelters)
                )
        for week in weeks:
            assert await publish.publish(sessions, week, 10)
        assert await publish.publish(sessions, weeks[0], 10) is False  # decided once
        async with sessions() as session, session.begin():
            # A number added to the statistics after its weeks were published.
            await session.execute(delete(PublishedCell).where(PublishedCell.cell == "total:erases"))
        assert await publish.publish(sessions, november, 10)
        async with sessions() as session:
            found = await publish.published_labels(session, [w.label for w in weeks])
            whole = (await publish.published_labels(session, [november.label]))[november.label]
    finally:
        await engine.dispose()
    cell = ("need_place", "shelter", "CN")
    assert [found[w.label].shown(cell) for w in weeks] == [12, None, 12, 12]
    # 39 in all: shown, it would give away the 3 of the second week.
    assert whole.cells[cell] == (39, True)
    assert whole.cells[("total", "erases")] == (0, True)  # still named, as a zero


@pytest.mark.parametrize(
    "label",
    ["week", "2026-11-01", "2026-W1", "0999-W01", "0999-01", "2026-W54", "2025-W53", "2026-13"],
)
def test_a_label_that_names_no_period_is_refused_by_name(label: str) -> None:
    with pytest.raises(ValueError, match=f"^not a week or month: '{label}'$"):
        parse(label)


async def test_what_is_published_is_not_decided_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = database.make_engine(databases.url_for(tmp_path))
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    week = week_of(dt.date(2026, 11, 18))
    after = dt.datetime.combine(week.last, dt.time(2), dt.UTC) + dt.timedelta(days=1)
    try:
        async with sessions() as session, session.begin():
            session.add(DailyCount(day=week.first, metric="sessions", key="", count=12))
        assert await publish.publish_due(sessions, after, 10, 730) == [week.label]

        def decided_again(*args: object) -> dict[object, bool]:
            raise AssertionError("a published period was decided again")

        monkeypatch.setattr(publish, "decide", decided_again)
        assert await publish.publish_due(sessions, after, 10, 730) == []
    finally:
        await engine.dispose()


def test_the_sums_a_week_s_reader_knows_days_needs_and_group_totals() -> None:
    week = week_of(dt.date(2026, 11, 18))
    days = [f"2026-11-{day}" for day in range(16, 23)]
    names = [("total", "sessions"), *(("day", day) for day in days)]
    known = publish.equations("2026-W47", names, week)
    assert known[0] == [
        (-1, ("2026-W47", "total", "sessions")),
        *((1, ("2026-W47", "day", day)) for day in days),
    ]
    # And that a need is the sum of its need x place cells, one for each place.
    (shelter,) = [eq for eq in known if (-1, ("2026-W47", "need", "shelter")) in eq]
    assert shelter == [
        (-1, ("2026-W47", "need", "shelter")),
        *(
            (1, ("2026-W47", "need_place", "shelter", place))
            for place in ("CN", "KR", "TRANSIT", "OTHER")
        ),
    ]
    # And that each group has a known total: the languages, the contacts opened; but one
    # entry alone among the reports is its own total, which nobody publishes.
    entries = [("opened", "cn-shelter"), ("opened", "kr-clinic"), ("reports", "cn-shelter")]
    grouped = publish.equations("2026-W47", [*names, *entries], week)
    assert [(1, ("2026-W47", "language", lang)) for lang in ("ko", "zh", "en")] in grouped
    assert [(1, ("2026-W47", *name)) for name in entries[:2]] in grouped
    assert not [eq for eq in grouped if (1, ("2026-W47", *entries[2])) in eq]
    # A month publishes no days: nothing sums them.
    month_known = publish.equations("2026-11", [("total", "sessions")], month(2026, 11))
    month_cells = [cell for equation in month_known for _, cell in equation]
    assert ("2026-11", "total", "sessions") not in month_cells


def test_a_month_is_its_weeks_in_order_and_the_period_before_is_right_before() -> None:
    """November 2026 starts on a Sunday: its month of whole weeks runs from Monday 2 November
    (the week of its first Thursday) to Sunday 29 November, ISO weeks 45 to 48. December
    holds Thursday the 31st, so it runs on to Sunday 3 January 2027: five weeks, the last
    2026-W53 (2026 starts on a Thursday, so it has 53 ISO weeks)."""
    november, december = month(2026, 11), month(2026, 12)
    assert [w.label for w in weeks_of(november)] == [f"2026-W{n}" for n in range(45, 49)]
    assert [w.label for w in weeks_of(december)] == [f"2026-W{n}" for n in range(49, 54)]
    assert weeks_of(december)[-1].last == dt.date(2027, 1, 3)
    assert weeks_of(week_of(dt.date(2026, 11, 30))) == [week_of(dt.date(2026, 12, 6))]
    assert previous(week_of(dt.date(2026, 11, 25))).label == "2026-W47"
    assert previous(week_of(dt.date(2027, 1, 1))).label == "2026-W52"
    assert previous(december) == november
    assert previous(november).label == "2026-10"


def published_weeks(
    weekly: Sequence[dict[publish.Name, int]], of: Period
) -> list[publish.Published]:
    """The weeks of `of` decided one by one, as `publish` stores them; each week's days are
    its sessions on the Monday and nothing on the other days."""
    found = []
    for week, cells in zip(weeks_of(of), weekly, strict=True):
        days = {("day", d.isoformat()): 0 for d in week.days()}
        days[("day", week.first.isoformat())] = cells[("total", "sessions")]
        values = cells | days
        hidden = publish.decide(week, values, 10)
        found.append(publish.Published(week, 10, {n: (v, hidden[n]) for n, v in values.items()}))
    return found


def test_a_month_shows_what_its_weeks_already_give_away_when_it_is_not_small() -> None:
    """The month's sessions are the sum of four weeks shown: known already, so shown. So is a
    contact opened ten times, all in one week: ten is not below ten. The erases were counted
    after the weeks were published: none of them has the number, so the month's is a known
    zero, hidden as every small count is."""
    november = month(2026, 11)
    weekly: list[dict[publish.Name, int]] = [{("total", "sessions"): 12} for _ in range(4)]
    weekly[1][("opened", "cn-shelter")] = 10
    weeks = published_weeks(weekly, november)
    assert [w.shown(("total", "sessions")) for w in weeks] == [12, 12, 12, 12]
    assert weeks[1].shown(("opened", "cn-shelter")) == 10
    values = {("total", "sessions"): 48, ("opened", "cn-shelter"): 10, ("total", "erases"): 0}
    assert publish.decide(november, values, 10, weeks) == {
        ("total", "sessions"): False,
        ("opened", "cn-shelter"): False,
        ("total", "erases"): True,
    }


def test_weeks_that_give_a_hidden_number_away_are_refused_by_the_month_s_name() -> None:
    """Stored weeks are never decided again, so a week that shows its sessions and every day
    but one (hidden, yet their difference) stops its month, which names itself."""
    november = month(2026, 11)
    weeks = published_weeks([{("total", "sessions"): 12} for _ in range(4)], november)
    first = weeks[0]
    days = [("day", d.isoformat()) for d in first.period.days()]
    cells = {("total", "sessions"): (33, False)} | {day: (5, False) for day in days}
    cells[days[0]] = (3, True)
    weeks[0] = publish.Published(first.period, 10, cells)
    with pytest.raises(
        AssertionError, match=r"^2026-11: its published weeks give a hidden number away$"
    ):
        publish.decide(november, {("total", "sessions"): 69}, 10, weeks)


def test_a_month_whose_search_for_partners_gives_up_hides_all_its_weeks_do_not_give_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The weeks hide every language (each below ten). The month's Korean is 4, its
    Chinese 28 and its English 36: with those two shown and the languages' total known,
    the 4 is a subtraction away. When no partner is found for it, every number of the month
    is hidden but the sessions, which the weeks show already."""
    november = month(2026, 11)
    languages = {("language", "ko"): 1, ("language", "zh"): 7, ("language", "en"): 9}
    weeks = published_weeks([{("total", "sessions"): 12, **languages} for _ in range(4)], november)
    assert all(w.shown(name) is None for w in weeks for name in languages)
    values = {("total", "sessions"): 48} | {name: 4 * n for name, n in languages.items()}
    assert publish.decide(november, values, 10, weeks) == {
        ("total", "sessions"): False,
        ("language", "ko"): True,
        ("language", "zh"): True,  # the partner the search finds
        ("language", "en"): False,
    }
    monkeypatch.setattr(suppression, "_partner", lambda *args: None)
    assert publish.decide(november, values, 10, weeks) == {
        ("total", "sessions"): False,
        ("language", "ko"): True,
        ("language", "zh"): True,
        ("language", "en"): True,
    }


def test_a_month_whose_search_gives_up_still_hides_the_small_numbers_its_weeks_give_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Weeks published before conversations with volunteers were counted have no such
    numbers, so the month's are known zeros: hidden, as every small count is, also when the
    search for partners gives up and the rest of the month is hidden with them."""
    november = month(2026, 11)
    languages = {("language", "ko"): 1, ("language", "zh"): 7, ("language", "en"): 9}
    weeks = published_weeks([{("total", "sessions"): 12, **languages} for _ in range(4)], november)
    opened = {("relay_opened", lang): 0 for lang in USER_LANGUAGES}
    values = {("total", "sessions"): 48, **opened} | {n: 4 * c for n, c in languages.items()}
    monkeypatch.setattr(suppression, "_partner", lambda *args: None)
    assert publish.decide(november, values, 10, weeks) == {
        ("total", "sessions"): False,
        **dict.fromkeys(opened, True),
        **dict.fromkeys(languages, True),
    }


def test_a_month_is_published_when_its_weeks_each_had_one_entry_reported() -> None:
    """A week with one entry reported publishes no total of its reports: one entry is its own
    total. So a month whose weeks each had one (3 reports in the first week, hidden; 12 in the
    second, shown) knows no total of its reports either: it is published, the 3 still hidden
    and the 12, given away by its week already and not small, shown."""
    november = month(2026, 11)
    weekly: list[dict[publish.Name, int]] = [{("total", "sessions"): 12} for _ in range(4)]
    weekly[0][("reports", "cn-shelter")] = 3
    weekly[1][("reports", "kr-clinic")] = 12
    weeks = published_weeks(weekly, november)
    assert weeks[0].shown(("reports", "cn-shelter")) is None
    assert weeks[1].shown(("reports", "kr-clinic")) == 12
    values = {("total", "sessions"): 48, ("reports", "cn-shelter"): 3}
    values[("reports", "kr-clinic")] = 12
    assert publish.decide(november, values, 10, weeks) == {
        ("total", "sessions"): False,
        ("reports", "cn-shelter"): True,
        ("reports", "kr-clinic"): False,
    }
