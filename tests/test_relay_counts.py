"""The relay's counts: the bands of the first answer's wait, and the counts going through the
usage counter into the published weeks and months, hidden below the threshold like every
other count, with a second cell hidden where a group's total would give one away."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.db import database
from bot.i18n import Texts
from bot.menus.callback import Nav, Screen
from bot.relay import counts
from bot.stats import counting, publish, report, screen
from bot.stats.counting import UsageCounter
from bot.stats.periods import week_of
from tests import databases

DAY = dt.date(2026, 11, 18)  # a Wednesday
WEEK = week_of(DAY)
MIN = 10


@pytest.mark.parametrize(
    ("waited", "band"),
    [
        (dt.timedelta(0), "15m"),
        (dt.timedelta(minutes=15), "15m"),
        (dt.timedelta(minutes=15, seconds=1), "1h"),
        (dt.timedelta(hours=1), "1h"),
        (dt.timedelta(hours=1, seconds=1), "4h"),
        (dt.timedelta(hours=4), "4h"),
        (dt.timedelta(hours=4, seconds=1), "later"),
        (dt.timedelta(hours=46), "later"),
    ],
)
def test_bands(waited: dt.timedelta, band: str) -> None:
    assert counts.band(waited) == band


async def published_week(
    tmp_path: Path, traffic: list[tuple[str, str, int | None]], name: str = "helpline"
) -> dict[str, Any]:
    """Count `traffic` (what, language, minutes waited) through the real counter on DAY,
    write it, publish the week, and return its report."""
    counter = UsageCounter(
        clock=lambda: dt.datetime.combine(DAY, dt.time(12), tzinfo=dt.UTC), min_users=MIN
    )
    for person, (what, lang, waited) in enumerate(traffic, start=9_100_000):
        if what == "opened":
            counts.count_opened(counter, lang, by=person)
        else:
            assert waited is not None
            counts.count_answered(counter, lang, dt.timedelta(minutes=waited), by=person)
    url = databases.url_for(tmp_path, name)
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        sessions = database.make_sessionmaker(engine)
        await counting.flush(counter, sessions, everything=True)
        assert await publish.publish(sessions, WEEK, MIN)
        async with sessions() as session:
            found = await publish.published_labels(session, [WEEK.label])
    finally:
        await engine.dispose()
    return dict(report.report(found[WEEK.label]))


async def test_relay_counts_are_published_with_the_same_suppression(tmp_path: Path) -> None:
    traffic: list[tuple[str, str, int | None]] = []
    traffic += [("opened", "ko", None)] * 14 + [("opened", "zh", None)] * 12
    traffic += [("opened", "en", None)] * 3
    traffic += [("answered", "ko", 5)] * 11 + [("answered", "ko", 30)] * 2
    traffic += [("answered", "zh", 300)] * 12
    data = await published_week(tmp_path, traffic)
    opened, answered, bands = (
        data["relay_opened"],
        data["relay_answered"],
        data["relay_first_answer"],
    )
    # en (3) is small; with the group's total known, one more must go: ko or zh, not both.
    assert opened["en"] == "<10"
    assert sorted(str(v) for v in (opened["ko"], opened["zh"])) in (["14", "<10"], ["12", "<10"])
    # answered: ko 13, zh 12, en 0 (hidden, small): one more hidden beside it.
    assert answered["en"] == "<10"
    assert [answered["ko"], answered["zh"]].count("<10") == 1
    assert {answered["ko"], answered["zh"]} - {"<10"} <= {13, 12}
    # bands: 11 within 15 minutes, 2 within an hour, 12 after 4 hours, none within 4 hours.
    assert bands["1h"] == "<10" and bands["4h"] == "<10"
    assert 2 not in bands.values() and 0 not in bands.values()
    assert bands["15m"] in (11, "<10") and bands["later"] in (12, "<10")
    rows = report.rows(data)  # type: ignore[arg-type]
    assert ("relay_first_answer", "later", "", bands["later"]) in rows
    assert not any(value in (2, 3) for *_, value in rows if _[0].startswith("relay"))


async def test_the_screen_shows_the_relay_only_where_a_count_shows(tmp_path: Path) -> None:
    t = Texts("en")
    nav = Nav(Screen.STATS, "en", page=0)
    quiet = await published_week(tmp_path, [("opened", "ko", None)] * 4, "quiet")
    text = screen.view(t, nav, screen.Shown(quiet, earlier=False)).text  # type: ignore[arg-type]
    assert "Talk to a person" not in text
    busy = await published_week(
        tmp_path, [("opened", "ko", None)] * 12 + [("opened", "zh", None)] * 11, "busy"
    )
    text = screen.view(t, nav, screen.Shown(busy, earlier=False)).text  # type: ignore[arg-type]
    assert "Talk to a person" in text and "Conversations opened" in text
    assert "Within 15 minutes" in text
