"""Usage counts through the real bot: exact, aggregated, suppressed, and kept across restarts."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db.models import DailyCount
from bot.menus.callback import Screen, decode
from bot.stats import counting
from bot.stats.counting import iso_week
from bot.stats.periods import week_of
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES
from tests import databases
from tests.harness import Harness, Person, standard_directory
from tests.menu_paths import open_need
from tests.test_cli import helpline
from tests.test_suppression import recoverable

# Only weeks that are over are published, so the tests count as if it all happened on the
# Wednesday of the week before last (over, and past its grace time, at any hour).
_REAL_TODAY = dt.datetime.now(dt.UTC).date()
WEEK = week_of(_REAL_TODAY - dt.timedelta(days=14))
TODAY = WEEK.first + dt.timedelta(days=2)
AFTER = dt.datetime.combine(WEEK.last + dt.timedelta(days=1), dt.time(2), tzinfo=dt.UTC)


def backdate(harness: Harness) -> None:
    """Count as on TODAY, and show statistics as just after its week."""
    assert harness.app is not None
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    core = harness.core
    core.counter = counting.UsageCounter(
        clock=lambda: noon, min_users=core.settings.stats_min_count
    )
    core.now = lambda: AFTER


def button(her: Person, test: Any) -> str:
    return next(d for row in her.screen.buttons() for _, d in row if test(decode(d)))


async def journey(her: Person, place: str, need: str | None, *, open_card: bool = False) -> None:
    await her.send("/start")
    await her.press(button(her, lambda n: n.screen is Screen.NEEDS and n.place == place))
    if need is None:
        return
    await open_need(her, need)
    if open_card:
        await her.press(button(her, lambda n: n.screen is Screen.CARD))
        await her.press(button(her, lambda n: n.screen is Screen.LIST))  # Back: not a choice
        await her.press(button(her, lambda n: n.screen is Screen.NEEDS))  # Home: not a choice


async def flush(harness: Harness) -> None:
    assert harness.app is not None
    core = harness.core
    await counting.flush(core.counter, core.sessions)


def report(tmp_path: Path, *args: str) -> dict[str, Any]:
    """The week's report as `helpline stats --format json` gives it."""
    result = helpline(
        "stats",
        "--format",
        "json",
        "--from",
        str(WEEK.first),
        "--to",
        str(WEEK.last),
        *args,
        cwd=tmp_path,
        env={"DATABASE_URL": databases.url_for(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    periods = json.loads(result.stdout)["periods"]
    assert [p["period"] for p in periods] == [WEEK.label]
    return dict(periods[0])


async def drive(harness: Harness) -> None:
    """37 in Korean, 12 in Chinese, 4 in English, with known places and needs."""
    for i in range(37):
        her = harness.person("ko")
        if i < 20:
            await journey(her, "CN", "shelter", open_card=i < 11)
            if i < 3:  # the first card she opened did not work for her
                await open_need(her, "shelter")
                await her.press(button(her, lambda n: n.screen is Screen.CARD))
                await her.press(button(her, lambda n: n.screen is Screen.REPORT_ASK))
                await her.press(button(her, lambda n: n.screen is Screen.REPORT))
                assert "Thank you" in her.screen.text or "고맙습니다" in her.screen.text
        elif i < 25:
            await journey(her, "CN", "emergency")
        else:
            await journey(her, "KR", "settlement")
        if i == 0:
            await her.send("/start")  # the same woman twice in a day
        if i in (5, 6):
            await her.send("/erase")
            await her.press(her.screen.buttons()[0][0][1])
    for _ in range(12):
        await journey(harness.person("zh"), "CN", "health")
    for _ in range(4):
        await journey(harness.person("en"), "TRANSIT", "legal")


def truth_of_drive() -> dict[Any, int]:
    """What `drive` did, counted by hand, in the week's cells."""
    truth: dict[Any, int] = {
        ("total", "sessions"): 54,
        ("total", "unique_users"): 53,
        ("total", "erases"): 2,
        ("language", "ko"): 38,
        ("language", "zh"): 12,
        ("language", "en"): 4,
        ("place", "CN"): 37,
        ("place", "KR"): 12,
        ("place", "TRANSIT"): 4,
        ("place", "OTHER"): 0,
        ("opened", "cn-shelter-ko"): 11 + 3,
        ("reports", "cn-shelter-ko"): 3,
    }
    # Shelter: 20 chose it, and 3 of them chose it again to report a contact.
    needs = {"shelter": 23, "emergency": 5, "settlement": 12, "health": 12, "legal": 4}
    in_place = {
        "shelter": "CN",
        "emergency": "CN",
        "settlement": "KR",
        "health": "CN",
        "legal": "TRANSIT",
    }
    for need in NEEDS:
        truth[("need", need)] = needs.get(need, 0)
        for place in PLACES:
            truth[("need_place", need, place)] = needs[need] if in_place.get(need) == place else 0
    for day in WEEK.days():
        truth[("day", day)] = 54 if day == TODAY else 0
    return truth


def cells_of(report: dict[str, Any]) -> dict[Any, Any]:
    """The report's JSON as cells named like the truth's."""
    cells: dict[Any, Any] = {
        ("total", "sessions"): report["totals"]["sessions"],
        ("total", "unique_users"): report["totals"]["unique_users_at_most"],
        ("total", "erases"): report["totals"]["erases"],
    }
    for section, metric in (
        ("by_language", "language"),
        ("by_place", "place"),
        ("by_need", "need"),
    ):
        cells |= {(metric, key): value for key, value in report[section].items()}
    for cell in report["need_by_place"]:
        cells[("need_place", cell["need"], cell["place"])] = cell["count"]
    cells |= {("opened", e["id"]): e["opened"] for e in report["top_entries"]}
    cells |= {("reports", e["id"]): e["reports"] for e in report["not_working"]}
    cells |= {("day", dt.date.fromisoformat(d["date"])): d["sessions"] for d in report["days"]}
    return cells


def equations_of(cells: dict[Any, Any]) -> list[list[tuple[int, Any]]]:
    """Every sum a reader of a week can know or guess, written here independently of the
    code under test: the days add up to the sessions, a need to its need x place cells, and
    each group has a known total (every entry with a count included, listed or not)."""
    days = sorted(c for c in cells if c[0] == "day")
    equations = [[(-1, ("total", "sessions")), *((1, d) for d in days)]]
    for metric, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("need", NEEDS)):
        equations.append([(1, (metric, key)) for key in keys])
    for need in NEEDS:
        equations.append([(-1, ("need", need)), *((1, ("need_place", need, p)) for p in PLACES)])
    for kind in ("opened", "reports"):
        members = sorted(c for c in cells if c[0] == kind)
        if len(members) > 1:
            equations.append([(1, m) for m in members])
    return equations


def check_against_truth(report: dict[str, Any], truth: dict[Any, int]) -> None:
    """Every visible number is the true one, every small one is hidden, and no hidden one
    can be worked out from the rest."""
    small = f"<{report['min_count']}"
    cells = cells_of(report)
    for key in truth:  # an entry not listed is hidden
        cells.setdefault(key, small if key[0] in ("opened", "reports") else None)
    assert None not in cells.values(), [k for k, v in cells.items() if v is None]
    for key, value in cells.items():
        true = truth.get(key, 0)
        if value == small:
            continue
        assert value == true, key
        assert true >= report["min_count"], key
    for key, true in truth.items():
        if true < report["min_count"]:
            assert cells[key] == small, key
    hidden = {k for k, v in cells.items() if v == small}
    values = {k: truth.get(k, 0) for k in cells}
    assert not recoverable(values, equations_of(cells), hidden)


async def test_counts_are_exact_and_small_ones_hidden(tmp_path: Path) -> None:
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        backdate(harness)
        await drive(harness)
        await flush(harness)
    data = report(tmp_path)
    assert data["min_count"] == 10 and data["to"] == WEEK.last.isoformat()
    assert data["totals"] == {"sessions": 54, "unique_users_at_most": 53, "erases": "<10"}
    assert data["by_need"]["shelter"] == 23 and data["by_place"]["CN"] == 37
    assert data["top_entries"] == [{"id": "cn-shelter-ko", "opened": 14}]
    assert data["not_working"] == []  # three reports: not listed at all
    check_against_truth(data, truth_of_drive())
    table = helpline(
        "stats",
        "--from",
        str(WEEK.first),
        cwd=tmp_path,
        env={"DATABASE_URL": databases.url_for(tmp_path)},
    ).stdout
    assert f"== {WEEK.label}" in table and "sessions" in table and "54" in table


async def test_a_restart_keeps_what_was_counted(tmp_path: Path) -> None:
    async with Harness(tmp_path, directory=standard_directory()) as first:
        backdate(first)
        for _ in range(12):
            await journey(first.person("ko"), "KR", None)
    # The first bot has stopped, and wrote at shutdown what it held.
    async with Harness(tmp_path) as second:
        backdate(second)
        for _ in range(11):
            await journey(second.person("ko"), "KR", None)
        await flush(second)
    data = report(tmp_path)
    assert data["totals"]["sessions"] == 23
    assert data["by_place"]["KR"] == 23
    assert data["by_language"]["ko"] == 23


def test_stats_refuses_a_backwards_range(tmp_path: Path) -> None:
    result = helpline("stats", "--from", "2026-02-01", "--to", "2026-01-01", cwd=tmp_path)
    assert result.returncode == 2 and "--from is after --to" in result.stderr


Cell = tuple[str, str, str, str]  # period, section, key, detail


def csv_cells(text: str) -> dict[Cell, str]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["period", "section", "key", "detail", "value"]
    cells = {(p, s, k, d): v for p, s, k, d, v in rows[1:]}
    assert len(cells) == len(rows) - 1  # no cell twice
    return cells


def table_cells(text: str) -> tuple[dict[Cell, str], dict[str, str]]:
    """The table read back: its cells, and per period what its one line for the need x place
    cells it does not list says."""
    cells: dict[Cell, str] = {}
    others: dict[str, str] = {}
    period = section = ""
    for line in text.splitlines():
        if line.startswith("== "):
            period, section = line.split()[1], ""
        elif period and line and not line.startswith(" "):
            section = line
        elif period and section and line.startswith("  "):
            label, value = line.strip().rsplit(None, 1)
            if label == "(every other cell)":
                others[period] = value
                continue
            key, _, detail = label.partition(" ")
            assert (period, section, key, detail) not in cells, line
            cells[(period, section, key, detail)] = value
    return cells, others


async def test_table_and_csv_show_the_same_suppressed_numbers(tmp_path: Path) -> None:
    """Cell by cell: every number the CSV gives, the table gives the same, and every number
    the CSV hides the table hides (the need x place cells it hides are summed up in one
    line, never listed); the table shows nothing the CSV does not."""
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        backdate(harness)
        for _ in range(11):
            await journey(harness.person("zh"), "CN", "health")
        for _ in range(3):
            await journey(harness.person("en"), "KR", "legal")
        await flush(harness)
    env = {"DATABASE_URL": databases.url_for(tmp_path)}
    outputs = {}
    for fmt in ("table", "csv"):
        out = helpline("stats", "--format", fmt, "--from", str(WEEK.first), cwd=tmp_path, env=env)
        assert out.returncode == 0, out.stderr
        outputs[fmt] = out.stdout
    in_csv = csv_cells(outputs["csv"])
    in_table, others = table_cells(outputs["table"])
    label = WEEK.label
    # What the journeys did, counted by hand: shown from 10 on, hidden below.
    known = {
        ("totals", "sessions", ""): "14",
        ("by_language", "zh", ""): "11",
        ("by_language", "en", ""): "<10",
        ("by_place", "CN", ""): "11",
        ("by_place", "KR", ""): "<10",
        ("by_need", "health", ""): "11",
        ("by_need", "legal", ""): "<10",
        ("need_by_place", "health", "CN"): "11",
        ("need_by_place", "legal", "KR"): "<10",
    }
    for (section, key, detail), value in known.items():
        assert in_csv[(label, section, key, detail)] == value, (section, key, detail)
    assert "3" not in in_csv.values() and "3" not in in_table.values()
    hidden_grid = {
        cell for cell, value in in_csv.items() if cell[1] == "need_by_place" and value == "<10"
    }
    assert len([c for c in hidden_grid if c[0] == label]) == len(NEEDS) * len(PLACES) - 1
    periods = {cell[0] for cell in in_csv}  # the week after it too, once it is published
    assert label in periods and {cell[0] for cell in in_table} == periods
    assert others == {period: "<10" for period in {cell[0] for cell in hidden_grid}}
    assert set(in_table) == set(in_csv) - hidden_grid
    for cell, value in in_table.items():
        assert value == in_csv[cell], cell


def test_no_hidden_number_of_a_week_or_its_month_can_be_worked_out() -> None:
    """Decide four weeks, then their month around them, from known counts; then try to
    recover every hidden cell from every visible one with exact arithmetic (independent of
    the suppression code), weeks and month together, the month being the sum of its weeks."""
    import random

    from bot.stats.periods import month, weeks_of
    from bot.stats.publish import Published, decide

    rng = random.Random(5)
    november = month(2026, 11)
    published: list[Published] = []
    values: dict[Any, int] = {}
    hidden: set[Any] = set()
    equations: list[list[tuple[int, Any]]] = []

    def week_values() -> dict[tuple[str, ...], int]:
        cells: dict[tuple[str, ...], int] = {}
        for key in USER_LANGUAGES:
            cells[("language", key)] = rng.choice([2, 9, 14, 40])
        for key in PLACES:
            cells[("place", key)] = rng.choice([0, 3, 12, 30])
        for need in NEEDS:
            for place in PLACES:
                cells[("need_place", need, place)] = rng.choice([0, 0, 1, 4, 11, 15])
            cells[("need", need)] = sum(cells[("need_place", need, p)] for p in PLACES)
        for entry in ("a", "b", "c"):
            if rng.random() < 0.8:
                cells[("opened", entry)] = rng.choice([2, 6, 12, 25])
        cells[("total", "unique_users")] = rng.choice([8, 30])
        cells[("total", "erases")] = rng.choice([1, 12])
        return cells

    for week in weeks_of(november):
        cells = week_values()
        days = {("day", d.isoformat()): rng.choice([3, 11, 25]) for d in week.days()}
        cells |= days
        cells[("total", "sessions")] = sum(days.values())
        decided = decide(week, cells, 10)
        published.append(Published(week, 10, {n: (v, decided[n]) for n, v in cells.items()}))
    month_cells: dict[tuple[str, ...], int] = {}
    for week in published:
        for name, (count, _) in week.cells.items():
            if name[0] != "day":
                month_cells[name] = month_cells.get(name, 0) + count
    decided_month = decide(november, month_cells, 10, published)

    def relations(label: str, names: set[tuple[str, ...]]) -> list[list[tuple[int, Any]]]:
        found: list[list[tuple[int, Any]]] = []
        days = sorted(n for n in names if n[0] == "day")
        if days:
            found.append([(-1, (label, "total", "sessions")), *((1, (label, *d)) for d in days)])
        groups = [[n for n in names if n[0] == g] for g in ("language", "place", "need", "opened")]
        found += [[(1, (label, *n)) for n in group] for group in groups if len(group) > 1]
        for need in NEEDS:
            found.append(
                [
                    (-1, (label, "need", need)),
                    *((1, (label, "need_place", need, p)) for p in PLACES),
                ]
            )
        return found

    for week in published:
        for name, (count, was_hidden) in week.cells.items():
            values[(week.period.label, *name)] = count
            if was_hidden:
                hidden.add((week.period.label, *name))
        equations += relations(week.period.label, set(week.cells))
    for name, count in month_cells.items():
        values[(november.label, *name)] = count
        if decided_month[name]:
            hidden.add((november.label, *name))
        # An entry a week has no count for adds nothing (a reader may even know it is 0).
        parts = [(1, (w.period.label, *name)) for w in published if name in w.cells]
        equations.append([(-1, (november.label, *name)), *parts])
    equations += relations(november.label, set(month_cells))
    assert {cell for cell, value in values.items() if value < 10} <= hidden
    assert len(values) - len(hidden) > 50  # much is still shown
    assert not recoverable(values, equations, hidden)


ADMIN = 424242


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_admins_see_numbers_and_a_chart(tmp_path: Path, lang: str) -> None:
    async with Harness(tmp_path, admin_ids=(ADMIN,), directory=standard_directory()) as harness:
        backdate(harness)
        for _ in range(12):
            await journey(harness.person("zh"), "CN", "health")
        await flush(harness)
        admin = harness.person(lang, user_id=ADMIN)
        await admin.send("/stats")
        photos = harness.sent("sendPhoto")
        assert len(photos) == 1
        width, height = png_size(photos[0]["photo"])
        assert 400 <= width <= 2000 and 300 <= height <= 2000
        text = next(m.text for m in harness.fake.api.messages[ADMIN].values() if m.photo is None)
        assert "<b>12</b>" in text and "<b><10</b>" not in text  # HTML-escaped, as sent
        assert "&lt;10" in text
        assert WEEK.label in text and str(WEEK.first) in text
        screen = next(m for m in harness.fake.api.messages[ADMIN].values() if m.buttons())
        assert "✓" in screen.buttons()[0][0][0]  # the latest complete week by default
        assert len(screen.buttons()) == 2  # no earlier week to go to, no later one
        await admin.press(screen.buttons()[0][1][1], message=screen)  # months
        months = harness.fake.api.messages[ADMIN][screen.message_id]
        assert "✓" in months.buttons()[0][1][0]
        assert "<b>12</b>" not in months.text  # its month is not over
        assert len(harness.sent("sendPhoto")) == 1


async def test_to_everyone_else_stats_does_not_exist(tmp_path: Path) -> None:
    async with Harness(tmp_path, admin_ids=(ADMIN,), directory=standard_directory()) as harness:
        backdate(harness)
        her = harness.person("en")
        await her.send("/stats")
        unknown_text = her.screen.text
        await her.send("hello")
        assert her.screen.text == unknown_text  # exactly what any unknown text gets
        for days in (7, 30, 90, 5):
            await her.press(f"2.z.en.-.-.{days}.0.-.-")
            assert her.answer is not None and "old" in her.answer["text"]
        assert not harness.sent("sendPhoto")
        assert "Usage" not in her.screen.text


def test_unique_users_once_a_day_with_a_new_key_each_day() -> None:
    now = [dt.datetime(2026, 11, 29, 23, 59, tzinfo=dt.UTC)]
    counter = counting.UsageCounter(clock=lambda: now[0], min_users=10)
    counter.see_user(7001)
    counter.see_user(7001)
    counter.see_user(7002)
    first_key = counter._key
    now[0] += dt.timedelta(minutes=2)  # past midnight UTC
    counter.see_user(7001)
    assert counter._key != first_key
    over = counter.take()  # yesterday is over: written whatever its size
    assert dict(over.daily) == {(dt.date(2026, 11, 29), "unique_users", ""): 2}
    today = counter.take(everything=True)  # one person today: only at shutdown
    assert dict(today.daily) == {(dt.date(2026, 11, 30), "unique_users", ""): 1}


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of its own, migrated, for the tests that write counts."""
    from bot.db import database

    engine = database.make_engine(databases.url_for(tmp_path, "counts"))
    await database.upgrade(engine)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_retention_deletes_old_counts(engine: AsyncEngine) -> None:
    from bot.db import database
    from bot.db.models import DailyCount, WeeklyNeedPlace

    sessions = database.make_sessionmaker(engine)
    today = dt.date(2026, 11, 29)
    old, recent = today - dt.timedelta(days=731), today - dt.timedelta(days=729)
    counter = counting.UsageCounter(
        clock=lambda: dt.datetime(2026, 11, 29, tzinfo=dt.UTC), min_users=10
    )
    batch = counter.take()
    batch.daily[(old, "sessions", "")] = 12
    batch.daily[(recent, "sessions", "")] = 13
    batch.need_place[(old, "shelter", "CN")] = 14
    batch.need_place[(recent, "shelter", "CN")] = 15
    counter.put_back(batch)
    await counting.flush(counter, sessions, everything=True)
    await counting.delete_older_than(sessions, today, 730)
    async with sessions() as session:
        days = {d.day: d.count for d in (await session.scalars(select(DailyCount))).all()}
        weeks = {w.week for w in (await session.scalars(select(WeeklyNeedPlace))).all()}
    assert days == {recent: 13}
    assert weeks == {iso_week(recent)}


async def test_a_large_write_goes_in_statements_of_200_rows_each_row_once(
    engine: AsyncEngine,
) -> None:
    """Each statement stays well under the bound parameters a database takes (SQLite's limit
    is the smallest); every row lands once, and the next write adds to it."""
    from bot.db import database

    inserts: list[str] = []

    def said(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO DAILY_COUNTS"):
            inserts.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", said)
    sessions = database.make_sessionmaker(engine)
    noon = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
    counter = counting.UsageCounter(clock=lambda: noon, min_users=10)
    entries = [f"entry-{n:03d}" for n in range(401)]
    for _ in range(2):
        for person, entry_id in enumerate(entries):
            counter.add("entry_opened", entry_id, by=person)
        assert await counting.flush(counter, sessions) == len(entries)
    async with sessions() as session:
        rows = (await session.scalars(select(DailyCount))).all()
        stored = {(r.day, r.metric, r.key, r.count) for r in rows}
    assert stored == {(noon.date(), "entry_opened", e, 2) for e in entries}
    assert len(inserts) == 2 * 3  # 200, 200 and 1 rows, at each of the two writes


async def test_a_write_waits_for_enough_people_but_the_last_one_takes_all(
    engine: AsyncEngine,
) -> None:
    from bot.db import database

    sessions = database.make_sessionmaker(engine)
    counter = counting.UsageCounter(min_users=10)
    for person in range(3):
        counter.add("sessions", by=person)
    assert await counting.flush(counter, sessions) == 0  # three people: it waits
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(DailyCount)) == 0
    assert await counting.flush(counter, sessions, everything=True) == 1  # at shutdown
    async with sessions() as session:
        assert await session.scalar(select(func.sum(DailyCount.count))) == 3


async def test_days_of_one_week_are_added_into_the_week_s_need_and_place(
    engine: AsyncEngine,
) -> None:
    """Need x place is kept per week only: the days a write holds (the day's and those over,
    waiting) are added up into their weeks."""
    from bot.db import database
    from bot.db.models import WeeklyNeedPlace

    sessions = database.make_sessionmaker(engine)
    monday, tuesday, next_monday = (
        dt.date(2026, 11, 16),
        dt.date(2026, 11, 17),
        dt.date(2026, 11, 23),
    )
    counter = counting.UsageCounter(min_users=10)
    batch = counter.take()
    batch.need_place[(monday, "shelter", "CN")] = 4
    batch.need_place[(tuesday, "shelter", "CN")] = 7
    batch.need_place[(next_monday, "shelter", "CN")] = 2
    counter.put_back(batch)
    assert await counting.flush(counter, sessions, everything=True) == 2  # rows: two weeks'
    async with sessions() as session:
        rows = (await session.scalars(select(WeeklyNeedPlace))).all()
        weeks = {(w.week, w.need, w.place): w.count for w in rows}
    assert weeks == {("2026-W47", "shelter", "CN"): 11, ("2026-W48", "shelter", "CN"): 2}


async def test_flush_adds_up_and_keeps_counts_when_the_database_fails(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    from bot.db import database

    sessions = database.make_sessionmaker(engine)
    counter = counting.UsageCounter(min_users=3)
    for person in range(3):
        counter.add("sessions", by=person)
    await counting.flush(counter, sessions)
    for person in range(4):
        counter.add("sessions", by=person)
    broken = database.make_sessionmaker(
        database.make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir.db")
    )
    with pytest.raises(Exception):  # noqa: B017 - any database error
        await counting.flush(counter, broken)
    await counting.flush(counter, sessions)  # the four were kept and arrive now
    async with sessions() as session:
        total = await session.scalar(select(func.sum(DailyCount.count)))
    assert total == 7


async def test_counts_committed_before_a_failure_are_never_added_twice(engine: AsyncEngine) -> None:
    """The connection can fail as the session closes, after the counts were committed: they
    are in, and are not kept to be written again."""
    from bot.db import database

    sessions = database.make_sessionmaker(engine)

    @contextlib.asynccontextmanager
    async def closing_fails() -> AsyncIterator[AsyncSession]:
        async with sessions() as session:
            yield session
        raise OSError("the connection dropped as the session closed")

    counter = counting.UsageCounter(min_users=3)
    for person in range(3):
        counter.add("sessions", by=person)
    with pytest.raises(OSError):
        await counting.flush(counter, closing_fails)  # type: ignore[arg-type]
    assert not counter.take(everything=True)  # nothing held to be written again
    async with sessions() as session:
        assert await session.scalar(select(func.sum(DailyCount.count))) == 3


async def test_this_week_is_never_reported(tmp_path: Path) -> None:
    """Counts of today, this week and this month are in the database; the command line
    publishes and shows only what is over."""
    url = databases.url_for(tmp_path, "cli")
    assert helpline("db", "upgrade", cwd=tmp_path).returncode == 0
    from bot.db import database

    engine = database.make_engine(url)
    now = dt.datetime.now(dt.UTC)
    counter = counting.UsageCounter(clock=lambda: now, min_users=10)
    for person in range(12):
        counter.add("sessions", by=person)
    await counting.flush(counter, database.make_sessionmaker(engine))
    await engine.dispose()
    for period in ("week", "month"):
        out = helpline("stats", "--period", period, "--format", "json", cwd=tmp_path)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout) == {"periods": []}
        assert "has been published yet" in out.stderr


def test_a_report_counts_once_per_person_and_day() -> None:
    counter = counting.UsageCounter(
        clock=lambda: dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC), min_users=10
    )
    for _ in range(10):
        counter.add_once(7001, "not_working", "some-entry")
    counter.add_once(7002, "not_working", "some-entry")
    counter.add_once(7001, "not_working", "other-entry")
    daily = counter.take(everything=True).daily
    assert daily[(dt.date(2026, 11, 28), "not_working", "some-entry")] == 2
    assert daily[(dt.date(2026, 11, 28), "not_working", "other-entry")] == 1


async def test_an_admin_added_on_the_server_sees_stats_and_a_volunteer_does_not(
    tmp_path: Path,
) -> None:
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        assert harness.app is not None
        core = harness.core
        from bot.desk import staff

        await harness.add_staff("admin", 515151)
        await harness.add_staff("volunteer", 525252)
        admin = harness.person("en", user_id=515151)
        await admin.send("/stats")
        assert "No complete period has been published yet." in admin.screen.text
        volunteer = harness.person("en", user_id=525252)
        await volunteer.send("/stats")
        assert "No person reads what you send here" in volunteer.screen.text
        await staff.remove(core.sessions, 515151)  # still remembered: checked in the database
        await admin.send("/stats")  # checked again on every update
        assert "No person reads what you send here" in admin.screen.text
