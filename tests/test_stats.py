"""Usage counts through the real bot: exact, aggregated, suppressed, and kept across restarts."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import stats
from bot.callback import Screen, decode
from bot.models import DailyCount
from bot.stats import iso_week
from bot.stats_report import weeks_between
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES
from tests import databases
from tests.directory_data import as_yaml, standard_entries
from tests.harness import Harness, Person
from tests.test_cli import helpline
from tests.test_suppression import recoverable

# Reports cover complete days only, so the tests count as if it all happened yesterday.
TODAY = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)


def backdate(harness: Harness) -> None:
    assert harness.app is not None
    noon = dt.datetime.combine(TODAY, dt.time(12), tzinfo=dt.UTC)
    harness.app.bot_data["core"].counter = stats.UsageCounter(clock=lambda: noon)


def button(her: Person, test: Any) -> str:
    return next(d for row in her.screen.buttons() for _, d in row if test(decode(d)))


async def journey(her: Person, place: str, need: str | None, *, open_card: bool = False) -> None:
    await her.send("/start")
    await her.press(button(her, lambda n: n.screen is Screen.NEEDS and n.place == place))
    if need is None:
        return
    await her.press(button(her, lambda n: n.screen is Screen.LIST and n.need == need))
    if open_card:
        await her.press(button(her, lambda n: n.screen is Screen.CARD))
        await her.press(button(her, lambda n: n.screen is Screen.LIST))  # Back: not a choice
        await her.press(button(her, lambda n: n.screen is Screen.NEEDS))  # Home: not a choice


async def flush(harness: Harness) -> None:
    assert harness.app is not None
    core = harness.app.bot_data["core"]
    await stats.flush(core.counter, core.sessions)


def report(tmp_path: Path, *args: str) -> dict[str, Any]:
    result = helpline(
        "stats",
        "--format",
        "json",
        *args,
        cwd=tmp_path,
        env={"DATABASE_URL": databases.url_for(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def drive(harness: Harness) -> None:
    """37 in Korean, 12 in Chinese, 4 in English, with known places and needs."""
    for i in range(37):
        her = harness.person("ko")
        if i < 20:
            await journey(her, "CN", "shelter", open_card=i < 11)
            if i < 3:  # the first card she opened did not work for her
                await her.press(button(her, lambda n: n.need == "shelter"))
                await her.press(button(her, lambda n: n.screen is Screen.CARD))
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


def truth_of_drive(start: dt.date, end: dt.date) -> dict[Any, int]:
    """What `drive` did, counted by hand, in the report's cells."""
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
    for week in weeks_between(start, end):
        for need in NEEDS:
            for place in PLACES:
                mine = week == iso_week(TODAY) and in_place.get(need) == place
                truth[("week", week, need, place)] = needs[need] if mine else 0
    day = start
    while day <= end:
        truth[("day", day)] = 54 if day == TODAY else 0
        day += dt.timedelta(days=1)
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
    for cell in report["need_by_place_weekly"]:
        cells[("week", cell["week"], cell["need"], cell["place"])] = cell["count"]
    cells |= {("opened", e["id"]): e["opened"] for e in report["top_entries"]}
    cells |= {("reports", e["id"]): e["reports"] for e in report["not_working"]}
    cells |= {("day", dt.date.fromisoformat(d["date"])): d["sessions"] for d in report["days"]}
    return cells


def equations_of(report: dict[str, Any]) -> list[list[tuple[int, Any]]]:
    """Every sum a reader of the report can know or guess."""
    start, end = (dt.date.fromisoformat(report[k]) for k in ("from", "to"))
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    equations = [[(-1, ("total", "sessions")), *((1, ("day", d)) for d in days)]]
    for metric, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("need", NEEDS)):
        equations.append([(1, (metric, key)) for key in keys])
    # A list of one has no total but itself, which is published nowhere.
    for section, kind in (("top_entries", "opened"), ("not_working", "reports")):
        if len(report[section]) > 1:
            equations.append([(1, (kind, e["id"])) for e in report[section]])
    weeks = weeks_between(start, end)
    for need in NEEDS:
        equations.append(
            [(-1, ("need", need)), *((1, ("week", w, need, p)) for w in weeks for p in PLACES)]
        )
    return equations


def check_against_truth(report: dict[str, Any], truth: dict[Any, int]) -> None:
    """Every visible number is the true one, every small one is hidden, and no hidden one
    can be worked out from the rest."""
    cells = cells_of(report)
    small = f"<{report['min_count']}"
    assert set(cells) == {k for k in truth if k in cells} and len(cells) >= len(truth) - 0
    for key, value in cells.items():
        true = truth.get(key, 0)
        if value == small:
            continue
        assert value == true, key
        assert true >= report["min_count"], key
    for key, true in truth.items():
        if true < report["min_count"] and key in cells:
            assert cells[key] == small, key
    hidden = {k for k, v in cells.items() if v == small}
    values = {k: truth.get(k, 0) for k in cells}
    assert not recoverable(values, equations_of(report), hidden)


async def test_counts_are_exact_and_small_ones_hidden(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    await harness.start(as_yaml(standard_entries()))
    backdate(harness)
    try:
        await drive(harness)
        await flush(harness)
    finally:
        await harness.stop()
    start = TODAY - dt.timedelta(days=6)
    data = report(tmp_path, "--from", str(start), "--to", str(TODAY))
    assert data["min_count"] == 10 and data["to"] == TODAY.isoformat()
    assert data["totals"] == {"sessions": 54, "unique_users_at_most": 53, "erases": "<10"}
    assert data["by_need"]["shelter"] == 23 and data["by_place"]["CN"] == 37
    assert data["top_entries"] == [{"id": "cn-shelter-ko", "opened": 14}]
    assert data["not_working"] == [{"id": "cn-shelter-ko", "reports": "<10"}]
    check_against_truth(data, truth_of_drive(start, TODAY))
    table = helpline(
        "stats",
        "--from",
        str(start),
        "--to",
        str(TODAY),
        cwd=tmp_path,
        env={"DATABASE_URL": databases.url_for(tmp_path)},
    ).stdout
    (tmp_path / "table.txt").write_text(table)
    assert "sessions" in table and "54" in table


async def test_a_restart_keeps_what_was_counted(tmp_path: Path) -> None:
    first = Harness(tmp_path)
    await first.start(as_yaml(standard_entries()))
    backdate(first)
    try:
        for _ in range(12):
            await journey(first.person("ko"), "KR", None)
    finally:
        await first.stop()  # flushes at shutdown
    second = Harness(tmp_path)
    await second.start()
    backdate(second)
    try:
        for _ in range(11):
            await journey(second.person("ko"), "KR", None)
        await flush(second)
    finally:
        await second.stop()
    data = report(tmp_path, "--from", str(TODAY), "--to", str(TODAY))
    assert data["totals"]["sessions"] == 23
    assert data["by_place"]["KR"] == 23
    assert data["by_language"]["ko"] == 23


def test_stats_refuses_a_backwards_range(tmp_path: Path) -> None:
    result = helpline("stats", "--from", "2026-02-01", "--to", "2026-01-01", cwd=tmp_path)
    assert result.returncode == 2 and "--from is after --to" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "csv"])
async def test_table_and_csv_show_the_same_suppressed_numbers(tmp_path: Path, fmt: str) -> None:
    harness = Harness(tmp_path)
    await harness.start(as_yaml(standard_entries()))
    backdate(harness)
    try:
        for _ in range(11):
            await journey(harness.person("zh"), "CN", "health")
        for _ in range(3):
            await journey(harness.person("en"), "KR", "legal")
        await flush(harness)
    finally:
        await harness.stop()
    env = {"DATABASE_URL": databases.url_for(tmp_path)}
    out = helpline("stats", "--format", fmt, cwd=tmp_path, env=env)
    assert out.returncode == 0, out.stderr
    assert "14" in out.stdout and "<10" in out.stdout
    assert " 3\n" not in out.stdout and ",3\n" not in out.stdout


def test_no_hidden_number_can_be_worked_out_from_the_report() -> None:
    """Build a report from known counts, then try to recover every hidden cell from the
    visible ones with every relation a reader can know (exact arithmetic, independent of the
    suppression code): days add up to sessions, each group has a total, and over whole weeks
    a need's weekly cells add up to its count."""
    from bot.stats_report import RawCounts, build, weeks_between
    from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES
    from tests.test_suppression import recoverable

    monday = dt.date(2026, 11, 2)
    start, end = monday, monday + dt.timedelta(days=13)  # two whole ISO weeks
    days = {start + dt.timedelta(days=i): n for i, n in enumerate([0, 14, 3, 22, 9, 40, 1] * 2)}
    weekly = {
        (iso_week(start), "shelter", "CN"): 31,
        (iso_week(start), "shelter", "KR"): 4,
        (iso_week(start), "health", "CN"): 9,
        (iso_week(end), "shelter", "CN"): 12,
        (iso_week(end), "legal", "TRANSIT"): 2,
        (iso_week(end), "health", "KR"): 15,
    }
    daily = {("sessions", ""): sum(days.values()), ("unique_users", ""): 60, ("erases", ""): 3}
    daily |= {("language", "ko"): 70, ("language", "zh"): 8, ("language", "en"): 100}
    daily |= {("place", "CN"): 52, ("place", "KR"): 19, ("place", "TRANSIT"): 2}
    for (_, need, _), n in weekly.items():
        daily[("need", need)] = daily.get(("need", need), 0) + n
    daily |= {("entry_opened", "a"): 25, ("entry_opened", "b"): 7, ("entry_opened", "c"): 12}
    raw = RawCounts(start, end, daily, days, weekly)
    report = build(raw, 10)

    values: dict[Any, int] = {("total", "sessions"): daily[("sessions", "")]}
    shown: dict[Any, Any] = {("total", "sessions"): report["totals"]["sessions"]}
    for item in report["days"]:
        day = dt.date.fromisoformat(item["date"])
        values[("day", day)], shown[("day", day)] = days.get(day, 0), item["sessions"]
    for section, metric, keys in (
        ("by_language", "language", USER_LANGUAGES),
        ("by_place", "place", PLACES),
        ("by_need", "need", NEEDS),
    ):
        for key in keys:
            values[(metric, key)] = daily.get((metric, key), 0)
            shown[(metric, key)] = report[section][key]
    for cell in report["need_by_place_weekly"]:
        key = ("week", cell["week"], cell["need"], cell["place"])
        values[key] = weekly.get((cell["week"], cell["need"], cell["place"]), 0)
        shown[key] = cell["count"]
    for item in report["top_entries"]:
        values[("opened", item["id"])] = daily[("entry_opened", item["id"])]
        shown[("opened", item["id"])] = item["opened"]
    hidden = {cell for cell, value in shown.items() if value == "<10"}
    for cell, value in shown.items():
        assert value == "<10" or value == values[cell]
    assert {cell for cell, value in values.items() if value < 10} <= hidden

    weeks = weeks_between(start, end)
    equations = [[(-1, ("total", "sessions")), *((1, ("day", d)) for d in days)]]
    for metric, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("need", NEEDS)):
        equations.append([(1, (metric, key)) for key in keys])
    equations.append([(1, ("opened", item["id"])) for item in report["top_entries"]])
    for need in NEEDS:
        equations.append(
            [(-1, ("need", need)), *((1, ("week", w, need, p)) for w in weeks for p in PLACES)]
        )
    assert not recoverable(values, equations, hidden)
    assert report["totals"]["sessions"] == sum(days.values())  # big numbers stay visible
    assert report["by_language"]["en"] == 100


ADMIN = 424242


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
async def test_admins_see_numbers_and_a_chart(tmp_path: Path, lang: str) -> None:
    harness = Harness(tmp_path, admin_ids=(ADMIN,))
    await harness.start(as_yaml(standard_entries()))
    backdate(harness)
    try:
        for _ in range(12):
            await journey(harness.person("zh"), "CN", "health")
        admin = harness.person(lang, user_id=ADMIN)
        await admin.send("/stats")
        photos = [p for m, p in harness.fake.api.calls if m == "sendPhoto"]
        assert len(photos) == 1
        width, height = png_size(photos[0]["photo"])
        assert 400 <= width <= 2000 and 300 <= height <= 2000
        text = next(m.text for m in harness.fake.api.messages[ADMIN].values() if m.photo is None)
        assert "<b>12</b>" in text and "<b><10</b>" not in text  # HTML-escaped, as sent
        assert "&lt;10" in text
        screen = next(m for m in harness.fake.api.messages[ADMIN].values() if m.buttons())
        assert "✓" in screen.buttons()[0][1][0]  # 30 days by default
        await admin.press(screen.buttons()[0][0][1], message=screen)  # 7 days
        assert len([1 for m, _ in harness.fake.api.calls if m == "sendPhoto"]) == 2
        assert "✓" in harness.fake.api.messages[ADMIN][screen.message_id].buttons()[0][0][0]
    finally:
        await harness.stop()


async def test_to_everyone_else_stats_does_not_exist(tmp_path: Path) -> None:
    harness = Harness(tmp_path, admin_ids=(ADMIN,))
    await harness.start(as_yaml(standard_entries()))
    backdate(harness)
    try:
        her = harness.person("en")
        await her.send("/stats")
        unknown_text = her.screen.text
        await her.send("hello")
        assert her.screen.text == unknown_text  # exactly what any unknown text gets
        for days in (7, 30, 90, 5):
            await her.press(f"2.z.en.-.-.{days}.0.-.-")
            assert her.answer is not None and "old" in her.answer["text"]
        assert not [m for m, _ in harness.fake.api.calls if m == "sendPhoto"]
        assert "Usage" not in her.screen.text
    finally:
        await harness.stop()


def test_unique_users_once_a_day_with_a_new_key_each_day() -> None:
    now = [dt.datetime(2026, 11, 29, 23, 59, tzinfo=dt.UTC)]
    counter = stats.UsageCounter(clock=lambda: now[0])
    counter.see_user(7001)
    counter.see_user(7001)
    counter.see_user(7002)
    first_key = counter._key
    now[0] += dt.timedelta(minutes=2)  # past midnight UTC
    counter.see_user(7001)
    assert counter._key != first_key
    batch = counter.take()
    assert batch.daily[(dt.date(2026, 11, 29), "unique_users", "")] == 2
    assert batch.daily[(dt.date(2026, 11, 30), "unique_users", "")] == 1


async def test_retention_deletes_old_counts(tmp_path: Path) -> None:
    from bot import database
    from bot.models import DailyCount, WeeklyNeedPlace

    url = databases.url_for(tmp_path, "r")
    engine = database.make_engine(url)
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    today = dt.date(2026, 11, 29)
    old, recent = today - dt.timedelta(days=731), today - dt.timedelta(days=729)
    counter = stats.UsageCounter(clock=lambda: dt.datetime(2026, 11, 29, tzinfo=dt.UTC))
    batch = counter.take()
    batch.daily[(old, "sessions", "")] = 12
    batch.daily[(recent, "sessions", "")] = 13
    batch.weekly[(iso_week(old), "shelter", "CN")] = 14
    batch.weekly[(iso_week(recent), "shelter", "CN")] = 15
    counter.put_back(batch)
    await stats.flush(counter, sessions)
    await stats.delete_older_than(sessions, today, 730)
    async with sessions() as session:
        days = {d.day: d.count for d in (await session.scalars(select(DailyCount))).all()}
        weeks = {w.week for w in (await session.scalars(select(WeeklyNeedPlace))).all()}
    await engine.dispose()
    assert days == {recent: 13}
    assert weeks == {iso_week(recent)}


async def test_flush_adds_up_and_keeps_counts_when_the_database_fails(tmp_path: Path) -> None:
    from bot import database

    url = databases.url_for(tmp_path, "f")
    engine = database.make_engine(url)
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    counter = stats.UsageCounter()
    for _ in range(3):
        counter.add("sessions")
    await stats.flush(counter, sessions)
    for _ in range(4):
        counter.add("sessions")
    broken = database.make_sessionmaker(
        database.make_engine(f"sqlite+aiosqlite:///{tmp_path}/no/such/dir.db")
    )
    with pytest.raises(Exception):  # noqa: B017 - any database error
        await stats.flush(counter, broken)
    await stats.flush(counter, sessions)  # the four were kept and arrive now
    async with sessions() as session:
        total = await session.scalar(select(func.sum(DailyCount.count)))
    await engine.dispose()
    assert total == 7


def test_the_three_periods_give_nothing_away_together() -> None:
    """7, 30 and 90 days ending on the same day, as /stats offers them: no hidden number of
    one can be worked out with the others, and no two visible numbers differ by a small one."""
    import random

    from bot.stats_report import RawCounts, build_many

    rng = random.Random(11)
    end = dt.date(2026, 11, 28)
    # The last week as the review found it leaking, then a month with one small day.
    week = [30, 25, 3, 11, 40, 35, 12]
    days = {end - dt.timedelta(days=6 - i): n for i, n in enumerate(week)}
    for i in range(7, 90):
        days[end - dt.timedelta(days=i)] = 2 if i == 12 else rng.choice([14, 22, 30])
    per_day_need = {d: {n: rng.choice([0, 0, 1, 3]) for n in NEEDS} for d in days}
    for i, day in enumerate(sorted(days, reverse=True)):  # shelter: 12 in a week, 15 in a month
        per_day_need[day]["shelter"] = 2 if i < 6 else 3 if i == 10 else 0 if i < 30 else 4
    raws = []
    for period in (7, 30, 90):
        start = end - dt.timedelta(days=period - 1)
        span = [d for d in days if start <= d <= end]
        daily = {("sessions", ""): sum(days[d] for d in span)}
        for need in NEEDS:
            daily[("need", need)] = sum(per_day_need[d][need] for d in span)
        daily[("language", "ko")] = daily[("sessions", "")]
        raws.append(RawCounts(start, end, daily, {d: days[d] for d in span}, {}))
    reports = build_many(raws, 10)
    values: dict[Any, int] = {}
    shown: dict[Any, Any] = {}
    equations: list[list[tuple[int, Any]]] = []
    for raw, rep in zip(raws, reports, strict=True):
        tag = (raw.start, raw.end)
        values[(tag, "sessions")] = raw.daily[("sessions", "")]
        shown[(tag, "sessions")] = rep["totals"]["sessions"]
        equations.append([(-1, (tag, "sessions")), *((1, ("day", d)) for d in raw.days)])
        for need in NEEDS:
            values[(tag, need)] = raw.daily[("need", need)]
            shown[(tag, need)] = rep["by_need"][need]
        equations.append([(1, (tag, need)) for need in NEEDS])
        for item in rep["days"]:  # a day shown in any period is known
            day = dt.date.fromisoformat(item["date"])
            values[("day", day)] = days[day]
            if shown.get(("day", day)) in (None, "<10"):
                shown[("day", day)] = item["sessions"]
    tags = [(r.start, r.end) for r in raws]
    for inner, outer in itertools.pairwise(tags):
        for key in ["sessions", *NEEDS]:
            a, b = shown[(inner, key)], shown[(outer, key)]
            if a != "<10" and b != "<10":
                assert b - a == 0 or b - a >= 10, (inner, outer, key, a, b)
    hidden = {cell for cell, value in shown.items() if value == "<10"}
    assert not recoverable(values, equations, hidden)
    assert any(v != "<10" for v in shown.values())


def test_today_is_never_reported(tmp_path: Path) -> None:
    result = helpline("db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0
    today = dt.datetime.now(dt.UTC).date()
    out = helpline("stats", "--to", str(today), "--format", "json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["to"] == str(today - dt.timedelta(days=1))
    assert "last complete day" in out.stderr


def test_a_report_counts_once_per_person_and_day() -> None:
    counter = stats.UsageCounter(clock=lambda: dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC))
    for _ in range(10):
        counter.add_once(7001, "not_working", "some-entry")
    counter.add_once(7002, "not_working", "some-entry")
    counter.add_once(7001, "not_working", "other-entry")
    daily = counter.take().daily
    assert daily[(dt.date(2026, 11, 28), "not_working", "some-entry")] == 2
    assert daily[(dt.date(2026, 11, 28), "not_working", "other-entry")] == 1


async def test_an_admin_added_on_the_server_sees_stats_and_a_volunteer_does_not(
    tmp_path: Path,
) -> None:
    harness = Harness(tmp_path)
    await harness.start(as_yaml(standard_entries()))
    try:
        assert harness.app is not None
        core = harness.app.bot_data["core"]
        from bot import staff

        await staff.add(core.sessions, 515151, "admin", TODAY)
        await staff.add(core.sessions, 525252, "volunteer", TODAY)
        core.staff_ids.forget()
        admin = harness.person("en", user_id=515151)
        await admin.send("/stats")
        assert [m for m, _ in harness.fake.api.calls if m == "sendPhoto"]
        volunteer = harness.person("en", user_id=525252)
        await volunteer.send("/stats")
        assert "only with the buttons" in volunteer.screen.text
        await staff.remove(core.sessions, 515151)  # still remembered: checked in the database
        calls = len(harness.fake.api.calls)
        await admin.send("/stats")  # checked again on every update
        assert not [m for m, _ in harness.fake.api.calls[calls:] if m == "sendPhoto"]
    finally:
        await harness.stop()
