"""Danger first, end to end: from /start to a danger contact she can act on, in few taps."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.menus.callback import Screen, decode
from tests.directory_data import as_yaml, entry
from tests.harness import Harness, Person

HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")
LANGS = ["ko", "zh", "en"]

# A directory where each place has its own danger contacts, reachable on channels of every
# kind, beside entries for other needs that must not show on the danger screen.
SAFE_LINE_HANDLE = "@example_safe_line"
SAFE_LINE_PHONE = "+82 2 0000 0001"
KR_PHONE = "+82 2 0000 0004"
CN_HANDLE = "@example_bridge_help"
TRANSIT_SIGNAL = "+66 00 000 0000"
OTHER_HANDLE = "@example_world_desk"


def danger_entries() -> list[dict[str, Any]]:
    return [
        entry(
            "any-safe-line",
            categories=["emergency", "mental_health"],
            regions=["ANY"],
            languages=["ko", "zh", "en"],
            name={"ko": "안전 전화", "zh": "平安热线", "en": "Safe Line"},
            hours={"ko": "매일 24시간", "zh": "每天24小时", "en": "Every day, 24 hours"},
            contacts=[
                {"type": "signal", "value": "+82 10 0000 0001"},
                {"type": "telegram", "value": SAFE_LINE_HANDLE},
                {"type": "phone", "value": SAFE_LINE_PHONE},
            ],
        ),
        entry(
            "cn-bridge",
            categories=["emergency", "shelter"],
            regions=["CN", "TRANSIT"],
            languages=["ko", "zh"],
            name={"ko": "다리 쉼터", "zh": "桥梁庇护所", "en": "Bridge Shelter"},
            contacts=[
                {"type": "wechat", "value": "example_bridge_id"},
                {"type": "telegram", "value": CN_HANDLE},
            ],
        ),
        entry(
            "kr-protection",
            categories=["emergency"],
            regions=["KR"],
            name={"ko": "긴급 보호소", "en": "Protection House"},
            contacts=[{"type": "phone", "value": KR_PHONE}],
        ),
        entry(
            "transit-desk",
            categories=["emergency", "legal"],
            regions=["TRANSIT"],
            languages=["en"],
            name={"en": "Transit Desk"},
            contacts=[{"type": "signal", "value": TRANSIT_SIGNAL}],
        ),
        entry(
            "other-desk",
            categories=["emergency"],
            regions=["OTHER"],
            languages=["en"],
            name={"en": "World Desk"},
            contacts=[{"type": "telegram", "value": OTHER_HANDLE}],
        ),
        entry(
            "cn-clinic",
            categories=["health"],
            regions=["CN"],
            name={"en": "Clinic"},
            contacts=[{"type": "telegram", "value": "@example_clinic_not_danger"}],
        ),
    ]


# What each place's danger screen may show: the phone numbers and handles of the entries
# that serve `emergency` there, from the data above (ANY serves every place).
DANGER_VALUES = {
    "CN": {SAFE_LINE_HANDLE, SAFE_LINE_PHONE, CN_HANDLE},
    "KR": {SAFE_LINE_HANDLE, SAFE_LINE_PHONE, KR_PHONE},
    "TRANSIT": {SAFE_LINE_HANDLE, SAFE_LINE_PHONE, CN_HANDLE, TRANSIT_SIGNAL},
    "OTHER": {SAFE_LINE_HANDLE, SAFE_LINE_PHONE, OTHER_HANDLE},
}
EVERY_VALUE = set().union(*DANGER_VALUES.values())


@pytest.fixture
async def danger_bot(tmp_path: Path) -> Any:
    async with Harness(tmp_path, directory=as_yaml(danger_entries())) as harness:
        yield harness


def script_of(text: str) -> str:
    if HANGUL.search(text):
        return "ko"
    return "zh" if HAN.search(text) else "en"


def buttons(her: Person) -> list[str]:
    return [data for row in her.screen.buttons() for _, data in row]


def shown_values(text: str) -> set[str]:
    """The danger contacts a screen shows as text she can tap: plain, never inside <code>."""
    assert "<code>" not in text
    return {value for value in EVERY_VALUE if value in text}


async def fewest_taps_to_a_danger_contact(her: Person) -> dict[str, int]:
    """Breadth first from /start over the buttons' data: for each place, the fewest taps
    to a screen showing a phone number or handle of a danger contact serving that place."""
    await her.send("/start")
    found: dict[str, int] = {}
    frontier = buttons(her)
    seen: set[str] = set()
    for taps in (1, 2):
        following: list[str] = []
        for data in frontier:
            if data in seen or decode(data).screen in (Screen.ERASE, Screen.ERASE_NOW):
                continue
            seen.add(data)
            await her.send("/start")  # every path starts from a fresh first screen
            await her.press(data)
            place = decode(data).place
            values = shown_values(her.screen.text)
            if place is not None and values:
                assert values <= DANGER_VALUES[place], (place, values)
                found.setdefault(place, taps)
            following.extend(buttons(her))
        frontier = following
    return found


@pytest.mark.parametrize("lang", LANGS)
async def test_a_danger_contact_is_two_taps_from_start_for_every_place(
    danger_bot: Harness, lang: str
) -> None:
    her = danger_bot.person(lang)
    found = await fewest_taps_to_a_danger_contact(her)
    assert found == {"CN": 2, "KR": 2, "TRANSIT": 2, "OTHER": 2}


@pytest.mark.parametrize("lang", LANGS)
async def test_danger_is_the_first_button_then_her_place(danger_bot: Harness, lang: str) -> None:
    """The top button of the first screen asks only where she is; her place shows, at once,
    each danger contact's name, hours and one way to reach it, and a button to its card."""
    her = danger_bot.person(lang)
    await her.send("/start")
    first = her.screen.buttons()[0]
    assert len(first) == 1
    await her.press(first[0][1])
    assert script_of(her.screen.text) == lang
    places = [decode(d).place for row in her.screen.buttons() for _, d in row]
    assert places[:4] == ["CN", "KR", "TRANSIT", "OTHER"]
    await her.press(her.screen.buttons()[0][0][1])  # in China
    text = her.screen.text
    assert script_of(text) == lang
    assert CN_HANDLE in text and SAFE_LINE_HANDLE in text
    assert "example_bridge_id" not in text  # WeChat is watched: never the one way shown
    assert "@example_clinic_not_danger" not in text and KR_PHONE not in text
    hours = {"ko": "매일 24시간", "zh": "每天24小时", "en": "Every day, 24 hours"}[lang]
    assert hours in text
    cards = [decode(d).entry for d in buttons(her) if decode(d).screen is Screen.CARD]
    assert sorted(cards) == ["any-safe-line", "cn-bridge"]
    await her.press(next(d for d in buttons(her) if decode(d).entry == "cn-bridge"))
    assert "example_bridge_id" in her.screen.text  # the full card has every channel
    await her.tap("◀")
    assert CN_HANDLE in her.screen.text  # Back from the card: the danger screen again


async def test_no_danger_contact_for_her_place_gets_the_calm_fallback(tmp_path: Path) -> None:
    only_elsewhere = [
        entry("kr-only", categories=["emergency"], regions=["KR"], name={"en": "Korea Line"}),
        entry("any-help", categories=["health"], regions=["ANY"], name={"en": "Anywhere Help"}),
    ]
    async with Harness(tmp_path, directory=as_yaml(only_elsewhere)) as harness:
        her = harness.person("en")
        await her.send("/start")
        await her.press(her.screen.buttons()[0][0][1])
        await her.tap("In China")
        assert "Sorry, there is no contact for this need here yet." in her.screen.text
        assert "Korea Line" not in her.screen.text
        assert [decode(d).entry for d in buttons(her) if decode(d).entry] == ["any-help"]


async def test_choices_are_counted_per_need_key_whichever_way_she_takes(
    danger_bot: Harness,
) -> None:
    """Urgent help then her place counts that place and the danger need, once; a topic's menu
    counts nothing of its own, the need picked on it does; Back and Home count nothing."""
    her = danger_bot.person("en")
    await her.send("/start")
    await her.press(her.screen.buttons()[0][0][1])  # Urgent help now
    await her.tap("In South Korea")
    await her.tap("◀")
    await her.tap("🏠")
    await her.send("/start")
    await her.tap("In China")
    await her.tap("A place to stay")
    await her.tap("A safe place to stay")
    await her.tap("◀")
    batch = danger_bot.core.counter.take(everything=True)
    chosen = {(metric, key): n for (_day, metric, key), n in batch.daily.items()}
    assert {k: n for k, n in chosen.items() if k[0] in ("place", "need")} == {
        ("place", "KR"): 1,
        ("need", "emergency"): 1,
        ("place", "CN"): 1,
        ("need", "shelter"): 1,
    }
    assert {(need, place): n for (_day, need, place), n in batch.need_place.items()} == {
        ("emergency", "KR"): 1,
        ("shelter", "CN"): 1,
    }
