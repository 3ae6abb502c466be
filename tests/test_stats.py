"""Usage counts through the real bot: exact, aggregated, suppressed, and kept across restarts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import stats
from bot.callback import Screen, decode
from bot.models import DailyCount
from bot.stats import iso_week
from tests.directory_data import as_yaml, standard_entries
from tests.harness import Harness, Person
from tests.test_cli import helpline

TODAY = dt.datetime.now(dt.UTC).date()


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
        env={"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def drive(harness: Harness) -> None:
    """37 in Korean, 12 in Chinese, 4 in English, with known places and needs."""
    for i in range(37):
        her = harness.person("ko")
        if i < 20:
            await journey(her, "CN", "shelter", open_card=i < 11)
        elif i < 25:
            await journey(her, "CN", "emergency")
        else:
            await journey(her, "KR", "settlement")
        if i == 0:
            await her.send("/start")  # the same woman twice in a day
    for _ in range(12):
        await journey(harness.person("zh"), "CN", "health")
    for _ in range(4):
        await journey(harness.person("en"), "TRANSIT", "legal")


async def test_counts_are_exact_and_small_ones_hidden(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    await harness.start(as_yaml(standard_entries()))
    try:
        await drive(harness)
        await flush(harness)
    finally:
        await harness.stop()
    data = report(tmp_path, "--from", str(TODAY - dt.timedelta(days=6)), "--to", str(TODAY))
    assert data["min_count"] == 10 and data["to"] == TODAY.isoformat()
    assert data["totals"]["sessions"] == 54
    assert data["totals"]["unique_users_at_most"] == 53
    assert data["totals"]["erases"] == "<10"
    assert data["by_language"] == {"ko": 38, "zh": 12, "en": "<10"} or data["by_language"] == {
        "ko": 38,
        "zh": "<10",
        "en": "<10",
    }
    assert data["by_place"]["CN"] == 37 and data["by_place"]["KR"] == 12
    assert data["by_place"]["TRANSIT"] == "<10" and data["by_place"]["OTHER"] == "<10"
    assert data["by_need"]["shelter"] == 20
    assert data["by_need"]["emergency"] == "<10" and data["by_need"]["legal"] == "<10"
    week = iso_week(TODAY)
    cell = {(c["week"], c["need"], c["place"]): c["count"] for c in data["need_by_place_weekly"]}
    assert cell[(week, "shelter", "CN")] == 20
    assert cell[(week, "emergency", "CN")] == "<10"
    assert cell[(week, "legal", "TRANSIT")] == "<10"
    top = {e["id"]: e["opened"] for e in data["top_entries"]}
    assert top and set(top.values()) <= {"<10"} | set(range(10, 100))
    assert sum(v for v in top.values() if isinstance(v, int)) <= 11
    days = {d["date"]: d["sessions"] for d in data["days"]}
    assert len(days) == 7 and days[TODAY.isoformat()] == 54
    for value in _all_numbers(data):
        assert value == "<10" or (isinstance(value, int) and value >= 10)


def _all_numbers(data: dict[str, Any]) -> list[Any]:
    found = [*data["totals"].values(), *data["by_language"].values(), *data["by_place"].values()]
    found += list(data["by_need"].values())
    found += [c["count"] for c in data["need_by_place_weekly"]]
    found += [e["opened"] for e in data["top_entries"]] + [
        e["reports"] for e in data["not_working"]
    ]
    found += [d["sessions"] for d in data["days"]]
    return found


async def test_a_restart_keeps_what_was_counted(tmp_path: Path) -> None:
    first = Harness(tmp_path)
    await first.start(as_yaml(standard_entries()))
    try:
        for _ in range(12):
            await journey(first.person("ko"), "KR", None)
    finally:
        await first.stop()  # flushes at shutdown
    second = Harness(tmp_path)
    await second.start()
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
    try:
        for _ in range(11):
            await journey(harness.person("zh"), "CN", "health")
        for _ in range(3):
            await journey(harness.person("en"), "KR", "legal")
        await flush(harness)
    finally:
        await harness.stop()
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'helpline.db'}"}
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

    url = f"sqlite+aiosqlite:///{tmp_path / 'r.db'}"
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

    url = f"sqlite+aiosqlite:///{tmp_path / 'f.db'}"
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
