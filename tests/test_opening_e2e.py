"""The real bot over loopback HTTP: a card tells her whether a contact is open at the moment
she taps, and the list marks it, by the bot's own clock (fixed here)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.directory_data import as_yaml, entry
from tests.harness import Harness
from tests.menu_paths import open_need

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Friday 4 December 2026, 20:00 in China: 21:00 in Seoul, after the day's end there.
FRIDAY_EVENING = dt.datetime(2026, 12, 4, 20, 0, tzinfo=SHANGHAI)
FRIDAY_MORNING = dt.datetime(2026, 12, 4, 10, 0, tzinfo=SHANGHAI)


def directory() -> str:
    seoul = entry(
        "seoul-counsel",
        categories=["shelter"],
        regions=["CN"],
        name={"en": "Seoul Counsel", "zh": "首尔咨询"},
        hours={"zh": "周一到周五白天"},
        opening={"rule": "Mo-Fr 09:00-18:00", "zone": "Asia/Seoul"},
    )
    return as_yaml([seoul, entry("no-hours", name={"en": "No Hours"})], version=2)


async def test_card_and_list_say_open_now_by_the_bots_clock(tmp_path: Path) -> None:
    async with Harness(tmp_path, directory=directory()) as harness:
        clock = [FRIDAY_EVENING]
        harness.core.now = lambda: clock[0]
        her = harness.person("zh")
        await her.send("/start")
        await her.tap("在中国")
        await open_need(her, "shelter")
        assert "首尔咨询" in her.labels() and "No Hours" in her.labels()  # nothing open: no mark
        await her.tap("首尔咨询")
        lines = html.unescape(her.screen.text).splitlines()
        closed = "现在关闭，下次开放：韩国时间 星期一 09:00，北京时间 08:00"
        assert closed in lines
        assert lines.index(closed) + 1 == next(
            i for i, line in enumerate(lines) if "周一到周五白天" in line
        )

        clock[0] = FRIDAY_MORNING  # she comes back to the list in the morning
        await her.tap("返回")
        assert "🟢 首尔咨询" in her.labels() and "No Hours" in her.labels()
        await her.tap("首尔咨询")
        assert "🟢 现在开放，结束时间：韩国时间 18:00，北京时间 17:00" in html.unescape(
            her.screen.text
        )


async def test_under_urgent_help_the_contacts_open_now_come_first(tmp_path: Path) -> None:
    """In the list's own order "Another Line" (a name in English that sorts first) comes
    before "Night Line"; on Friday evening in China only the night line is open, so it comes
    first; on Friday morning only the other is, so the order is the list's again."""
    day = entry(
        "another-line",
        categories=["emergency"],
        regions=["CN"],
        name={"en": "Another Line"},
        opening={"rule": "Mo-Fr 09:00-18:00", "zone": "Asia/Shanghai"},
    )
    night = entry(
        "night-line",
        categories=["emergency"],
        regions=["CN"],
        name={"en": "Night Line"},
        opening={"rule": "Mo-Su 19:00-07:00", "zone": "Asia/Shanghai"},
    )
    async with Harness(tmp_path, directory=as_yaml([day, night], version=2)) as harness:
        clock = [FRIDAY_EVENING]
        harness.core.now = lambda: clock[0]
        her = harness.person("en")
        await her.send("/start")
        await her.tap("Urgent help")
        await her.tap("In China")
        names = [label for label in her.labels() if "Line" in label]
        assert names == ["Night Line", "Another Line"]
        text = html.unescape(her.screen.text)
        assert text.index("Night Line") < text.index("Another Line")
        clock[0] = FRIDAY_MORNING
        await her.tap("Home")  # her place is known now: Urgent help leads straight on
        await her.tap("Urgent help")
        assert [label for label in her.labels() if "Line" in label] == [
            "Another Line",
            "Night Line",
        ]


async def test_elsewhere_open_now_comes_first_within_the_staff_language_order(
    tmp_path: Path,
) -> None:
    """Three shelters in China for a reader of Chinese: "Zhong" (its staff speak Chinese, so
    first whatever its hours), then "Alpha" and "Beta" (no Chinese), Beta open on Friday
    evening and Alpha not, so Beta before Alpha, though Alpha comes first by name."""

    def shelter(entry_id: str, name: str, languages: list[str], rule: str) -> dict[str, object]:
        return entry(
            entry_id,
            categories=["shelter"],
            regions=["CN"],
            languages=languages,
            name={"en": name},
            opening={"rule": rule, "zone": "Asia/Shanghai"},
        )

    shelters = [
        shelter("alpha", "Alpha", ["en"], "Mo-Fr 09:00-18:00"),
        shelter("beta", "Beta", ["ko"], "Mo-Su 19:00-23:00"),
        shelter("zhong", "Zhong", ["zh"], "Mo-Fr 09:00-18:00"),
    ]
    async with Harness(tmp_path, directory=as_yaml(shelters, version=2)) as harness:
        harness.core.now = lambda: FRIDAY_EVENING
        her = harness.person("zh")
        await her.send("/start")
        await her.tap("在中国")
        await open_need(her, "shelter")
        names = [label.removeprefix("🟢 ") for label in her.labels()]
        assert [n for n in names if n in {"Alpha", "Beta", "Zhong"}] == ["Zhong", "Beta", "Alpha"]


async def test_a_contact_open_now_moves_up_from_a_later_page(tmp_path: Path) -> None:
    """Seven shelters, two pages: "Zulu", last by name and the only one open on Friday
    evening, leads the first page; the order is of the whole list, not of each page."""

    def shelter(entry_id: str, name: str, rule: str) -> dict[str, object]:
        return entry(
            entry_id,
            categories=["shelter"],
            regions=["CN"],
            languages=["en"],
            name={"en": name},
            opening={"rule": rule, "zone": "Asia/Shanghai"},
        )

    closed = [shelter(f"closed-{c.lower()}", f"Closed {c}", "Mo-Fr 09:00-18:00") for c in "ABCDEF"]
    shelters = [*closed, shelter("zulu", "Zulu", "Mo-Su 19:00-23:00")]
    async with Harness(tmp_path, directory=as_yaml(shelters, version=2)) as harness:
        harness.core.now = lambda: FRIDAY_EVENING
        her = harness.person("en")
        await her.send("/start")
        await her.tap("In China")
        await open_need(her, "shelter")
        names = [label.removeprefix("🟢 ") for label in her.labels()]
        first = [n for n in names if n == "Zulu" or n.startswith("Closed ")]
        assert first == ["Zulu", "Closed A", "Closed B", "Closed C", "Closed D"]
        await her.tap("Next")
        names = [label.removeprefix("🟢 ") for label in her.labels()]
        assert [n for n in names if n == "Zulu" or n.startswith("Closed ")] == [
            "Closed E",
            "Closed F",
        ]
