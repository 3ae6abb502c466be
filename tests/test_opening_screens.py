"""Open now on cards and lists, as data at fixed times, in every language: no Telegram, no
database. The expected lines are written out by hand from the rule and the clock."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.directory.queries import Page
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import screens
from bot.menus.callback import Nav, Screen

SEOUL = ZoneInfo("Asia/Seoul")
SHANGHAI = ZoneInfo("Asia/Shanghai")
BANGKOK = ZoneInfo("Asia/Bangkok")


def model(opening: dict[str, Any] | None, **fields: Any) -> EntryModel:
    data: dict[str, Any] = {
        "id": "x-entry",
        "status": "verified",
        "verified_on": dt.date(2026, 11, 1),
        "categories": ["health"],
        "regions": ["CN", "KR"],
        "languages": ["ko"],
        "name": {"en": "Clinic", "ko": "진료소", "zh": "诊所"},
        "contacts": [{"type": "email", "value": "a@example.org"}],
    }
    if opening is not None:
        data["opening"] = opening
    data.update(fields)
    return EntryModel.model_validate(data)


def card_lines(lang: str, place: str, entry: EntryModel, now: dt.datetime) -> list[str]:
    nav = Nav(Screen.CARD, lang, place, "health", 0, entry.id)
    return html.unescape(screens.card(Texts(lang), nav, entry, now=now).text).splitlines()


def opening_line(lang: str, place: str, entry: EntryModel, now: dt.datetime) -> str:
    """The card's line just under the name (the entries here have no description)."""
    lines = card_lines(lang, place, entry, now)
    assert lines[1] == ""
    return lines[2]


WEEKDAYS_SEOUL = {"rule": "Mo-Fr 09:00-18:00", "zone": "Asia/Seoul"}
SIX_DAYS_SEOUL = {"rule": "Mo-Sa 09:00-21:00", "zone": "Asia/Seoul"}
# Friday 4 December 2026; Saturday the 5th; Monday the 7th.
FRIDAY = dt.date(2026, 12, 4)


def at(day: dt.date, hour: int, minute: int, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), zone)


CASES = [
    # open, closing later today; her place has the service's zone: one time, no zone named
    (
        SIX_DAYS_SEOUL,
        "KR",
        at(FRIDAY, 10, 0, SEOUL),
        {
            "en": "🟢 Open now, until 21:00",
            "ko": "🟢 지금 열려 있습니다. 끝나는 시간: 21:00",
            "zh": "🟢 现在开放，结束时间：21:00",
        },
    ),
    # closed, opening later today
    (
        SIX_DAYS_SEOUL,
        "KR",
        at(FRIDAY, 7, 30, SEOUL),
        {
            "en": "Closed now, opens 09:00",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 09:00",
            "zh": "现在关闭，下次开放：09:00",
        },
    ),
    # closed on Saturday night, closed on Sunday: opens on Monday
    (
        SIX_DAYS_SEOUL,
        "KR",
        at(FRIDAY + dt.timedelta(days=1), 22, 0, SEOUL),
        {
            "en": "Closed now, opens Monday 09:00",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 월요일 09:00",
            "zh": "现在关闭，下次开放：星期一 09:00",
        },
    ),
    # closed after the day's end: opens tomorrow
    (
        WEEKDAYS_SEOUL,
        "KR",
        at(FRIDAY - dt.timedelta(days=1), 19, 0, SEOUL),
        {
            "en": "Closed now, opens tomorrow 09:00",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 내일 09:00",
            "zh": "现在关闭，下次开放：明天 09:00",
        },
    ),
    # around the clock
    (
        {"rule": "24/7", "zone": "Asia/Seoul"},
        "CN",
        at(FRIDAY, 3, 0, SHANGHAI),
        {"en": "🟢 Open 24 hours", "ko": "🟢 24시간 열려 있습니다", "zh": "🟢 24小时开放"},
    ),
    # past midnight, before midnight: closes tomorrow
    (
        {"rule": "Fr-Sa 22:00-02:00", "zone": "Asia/Shanghai"},
        "CN",
        at(FRIDAY, 23, 0, SHANGHAI),
        {
            "en": "🟢 Open now, until tomorrow 02:00",
            "ko": "🟢 지금 열려 있습니다. 끝나는 시간: 내일 02:00",
            "zh": "🟢 现在开放，结束时间：明天 02:00",
        },
    ),
    # past midnight, after midnight: still open from Friday's evening
    (
        {"rule": "Fr-Sa 22:00-02:00", "zone": "Asia/Shanghai"},
        "CN",
        at(FRIDAY + dt.timedelta(days=1), 1, 0, SHANGHAI),
        {
            "en": "🟢 Open now, until 02:00",
            "ko": "🟢 지금 열려 있습니다. 끝나는 시간: 02:00",
            "zh": "🟢 现在开放，结束时间：02:00",
        },
    ),
    # a Seoul service seen from China, open: both clocks
    (
        WEEKDAYS_SEOUL,
        "CN",
        at(FRIDAY, 10, 0, SHANGHAI),
        {
            "en": "🟢 Open now, until 18:00 Korea time, 17:00 China time",
            "ko": "🟢 지금 열려 있습니다. 끝나는 시간: 남한 시간 18:00, 중국 시간 17:00",
            "zh": "🟢 现在开放，结束时间：韩国时间 18:00，北京时间 17:00",
        },
    ),
    # a Seoul service seen from China on Friday at 20:00 China time (21:00 in Seoul)
    (
        WEEKDAYS_SEOUL,
        "CN",
        at(FRIDAY, 20, 0, SHANGHAI),
        {
            "en": "Closed now, opens Monday 09:00 Korea time, 08:00 China time",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 남한 시간 월요일 09:00, 중국 시간 08:00",
            "zh": "现在关闭，下次开放：韩国时间 星期一 09:00，北京时间 08:00",
        },
    ),
    # a Shanghai service opening at 00:30 China time seen from Korea, where it is 01:30:
    # the same day on both clocks, so no day is named
    (
        {"rule": "Mo-Su 00:30-06:00", "zone": "Asia/Shanghai"},
        "KR",
        at(FRIDAY, 0, 10, SHANGHAI),
        {
            "en": "Closed now, opens 00:30 China time, 01:30 Korea time",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 중국 시간 00:30, 남한 시간 01:30",
            "zh": "现在关闭，下次开放：北京时间 00:30，韩国时间 01:30",
        },
    ),
    # her place's day differs from the service's: at 22:00 in Shanghai (23:00 in Seoul),
    # 23:30 in Shanghai is today there and tomorrow in Seoul
    (
        {"rule": "Mo-Su 23:30-23:45", "zone": "Asia/Shanghai"},
        "KR",
        at(FRIDAY, 22, 0, SHANGHAI),
        {
            "en": "Closed now, opens 23:30 China time, tomorrow 00:30 Korea time",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 중국 시간 23:30, 남한 시간 내일 00:30",
            "zh": "现在关闭，下次开放：北京时间 23:30，韩国时间 明天 00:30",
        },
    ),
    # Hangul Day, Friday 9 October 2026, a public holiday in South Korea: opens on Monday
    (
        {"rule": "Mo-Fr 09:00-18:00; PH off", "zone": "Asia/Seoul", "holidays": "KR"},
        "KR",
        at(dt.date(2026, 10, 9), 10, 0, SEOUL),
        {
            "en": "Closed now, opens Monday 09:00",
            "ko": "지금은 닫혀 있습니다. 여는 시간: 월요일 09:00",
            "zh": "现在关闭，下次开放：星期一 09:00",
        },
    ),
    # her place has no one time zone: the service's time, with its zone named
    (
        {"rule": "Mo-Fr 09:00-18:00", "zone": "Asia/Bangkok"},
        "TRANSIT",
        at(FRIDAY, 10, 0, BANGKOK),
        {
            "en": "🟢 Open now, until 18:00 Thailand Time",
            "ko": "🟢 지금 열려 있습니다. 끝나는 시간: 태국 시간 18:00",
            "zh": "🟢 现在开放，结束时间：泰国时间 18:00",
        },
    ),
    # nothing open within three weeks: closed, with no time
    (
        {"rule": "Jan 01 09:00-10:00", "zone": "Asia/Seoul"},
        "KR",
        at(dt.date(2026, 12, 1), 10, 0, SEOUL),
        {"en": "Closed now", "ko": "지금은 닫혀 있습니다", "zh": "现在关闭"},
    ),
]


@pytest.mark.parametrize(("opening", "place", "now", "expected"), CASES)
@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_card_says_whether_it_is_open_now(
    lang: str, opening: dict[str, Any], place: str, now: dt.datetime, expected: dict[str, str]
) -> None:
    assert opening_line(lang, place, model(opening), now) == expected[lang]


def test_a_day_more_than_a_week_ahead_is_named_by_its_date() -> None:
    # Closed from 4 to 20 December; opens on Monday 21 December
    entry = model({"rule": "Dec 21-31 09:00-18:00", "zone": "Asia/Seoul"})
    now = at(FRIDAY, 10, 0, SEOUL)
    assert opening_line("en", "KR", entry, now) == "Closed now, opens Mon, Dec 21 09:00"
    assert (
        opening_line("ko", "KR", entry, now)
        == "지금은 닫혀 있습니다. 여는 시간: 12월 21일 (월) 09:00"
    )
    assert opening_line("zh", "KR", entry, now) == "现在关闭，下次开放：12月21日周一 09:00"


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_the_open_line_comes_above_the_free_text_hours_which_stay(lang: str) -> None:
    note = {"ko": "평일 낮", "zh": "工作日白天", "en": "Weekdays, daytime"}
    entry = model(WEEKDAYS_SEOUL, hours=note)
    lines = card_lines(lang, "KR", entry, at(FRIDAY, 10, 0, SEOUL))
    hours_line = next(i for i, line in enumerate(lines) if note[lang] in line)
    assert lines[hours_line - 1].startswith("🟢 ")
    assert hours_line - 1 == 2


@pytest.mark.parametrize("lang", ["ko", "zh", "en"])
def test_without_structured_hours_the_card_is_as_before(lang: str) -> None:
    note = {"en": "Weekdays"}
    entry = model(None, hours=note)
    now = at(FRIDAY, 10, 0, SEOUL)
    nav = Nav(Screen.CARD, lang, "KR", "health", 0, entry.id)
    with_clock = screens.card(Texts(lang), nav, entry, now=now).text
    assert with_clock == screens.card(Texts(lang), nav, entry).text
    assert "Weekdays" in with_clock
    assert "🟢" not in with_clock


def list_labels(lang: str, entries: list[EntryModel], now: dt.datetime) -> list[str]:
    nav = Nav(Screen.LIST, lang, "CN", "health", 0)
    view = screens.entry_list(
        Texts(lang), nav, Page(entries, 0, 1, len(entries)), fallback=False, now=now
    )
    return [row[0][0] for row in view.rows[: len(entries)]]


def _named(entry_id: str, opening: dict[str, Any] | None) -> EntryModel:
    return model(opening, id=entry_id, name={"en": entry_id})


@pytest.mark.parametrize(
    ("lang", "legend"),
    [("ko", "🟢 지금 열려 있습니다"), ("zh", "🟢 现在开放"), ("en", "🟢 Open now")],
)
def test_list_marks_the_entries_open_now_in_place(lang: str, legend: str) -> None:
    entries = [
        _named("closed-first", WEEKDAYS_SEOUL),
        _named("no-hours", None),
        _named("always", {"rule": "24/7", "zone": "Asia/Seoul"}),
        _named("open-weekdays", WEEKDAYS_SEOUL),
    ]
    friday_evening = at(FRIDAY, 20, 0, SHANGHAI)  # 21:00 in Seoul: closed
    assert list_labels(lang, entries, friday_evening) == [
        "closed-first",
        "no-hours",
        "🟢 always",
        "open-weekdays",
    ]
    friday_morning = at(FRIDAY, 10, 0, SHANGHAI)
    assert list_labels(lang, entries, friday_morning) == [
        "🟢 closed-first",
        "no-hours",
        "🟢 always",
        "🟢 open-weekdays",
    ]
    nav = Nav(Screen.LIST, lang, "CN", "health", 0)
    page = Page(entries, 0, 1, len(entries))
    text = screens.entry_list(Texts(lang), nav, page, fallback=False, now=friday_morning).text
    assert legend in html.unescape(text)


def test_list_without_any_open_entry_has_no_legend() -> None:
    entries = [_named("no-hours", None), _named("closed", WEEKDAYS_SEOUL)]
    nav = Nav(Screen.LIST, "en", "CN", "health", 0)
    page = Page(entries, 0, 1, len(entries))
    text = screens.entry_list(
        Texts("en"), nav, page, fallback=False, now=at(FRIDAY, 20, 0, SHANGHAI)
    ).text
    assert "🟢" not in text


def test_a_long_name_stays_short_with_its_mark() -> None:
    entries = [model({"rule": "24/7", "zone": "Asia/Seoul"}, name={"en": "N" * 200})]
    (label,) = list_labels("en", entries, at(FRIDAY, 10, 0, SEOUL))
    assert label.startswith("🟢 ")
    assert len(label) <= screens.MAX_LABEL
