"""Opening hours at the edges: past midnight, several openings a day, public holidays of
Korea and China (lunar ones too), around the clock, and hours a volunteer got wrong."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.directory.hours import HORIZON, Hours, HoursError, State, Status, in_zone, status

SEOUL = ZoneInfo("Asia/Seoul")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(text: str, zone: ZoneInfo = SEOUL) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=zone)


OFFICE = Hours("Mo-Fr 09:00-12:00,13:00-18:00", "Asia/Seoul")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday 30 November 2026.
        ("2026-11-30 08:59", Status(State.CLOSED, at("2026-11-30 09:00"))),
        ("2026-11-30 09:00", Status(State.OPEN, at("2026-11-30 12:00"))),
        ("2026-11-30 12:30", Status(State.CLOSED, at("2026-11-30 13:00"))),
        ("2026-11-30 17:59", Status(State.OPEN, at("2026-11-30 18:00"))),
        ("2026-11-30 18:00", Status(State.CLOSED, at("2026-12-01 09:00"))),
        # Friday evening: the next opening is Monday.
        ("2026-12-04 19:00", Status(State.CLOSED, at("2026-12-07 09:00"))),
    ],
)
def test_several_openings_a_day(now: str, expected: Status) -> None:
    assert status(OFFICE, at(now)) == expected


def test_the_answer_is_the_same_whatever_clock_asks() -> None:
    """09:30 in Seoul is 08:30 in Shanghai and 00:30 UTC: one moment, one answer, in the
    service's own time."""
    moment = at("2026-11-30 09:30")
    found = status(OFFICE, moment.astimezone(SHANGHAI))
    assert (
        found
        == status(OFFICE, moment.astimezone(dt.UTC))
        == Status(State.OPEN, at("2026-11-30 12:00"))
    )
    assert found.change is not None
    assert in_zone(found.change, "Asia/Shanghai").hour == 11


NIGHT = Hours("Fr-Sa 22:00-02:00", "Asia/Seoul")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-12-04 21:00", Status(State.CLOSED, at("2026-12-04 22:00"))),  # Friday
        ("2026-12-04 23:30", Status(State.OPEN, at("2026-12-05 02:00"))),
        ("2026-12-05 01:59", Status(State.OPEN, at("2026-12-05 02:00"))),  # Saturday night
        ("2026-12-05 02:00", Status(State.CLOSED, at("2026-12-05 22:00"))),
        # Saturday's opening runs into Sunday, and ends then until Friday.
        ("2026-12-06 01:00", Status(State.OPEN, at("2026-12-06 02:00"))),
        ("2026-12-06 03:00", Status(State.CLOSED, at("2026-12-11 22:00"))),
    ],
)
def test_openings_past_midnight(now: str, expected: Status) -> None:
    assert status(NIGHT, at(now)) == expected


def test_around_the_clock_is_always_open_and_an_evening_past_midnight_is_not() -> None:
    assert status(Hours("24/7", "Asia/Seoul"), at("2026-11-30 03:00")) == Status(State.ALWAYS)
    every_night = Hours("Mo-Su 20:00-08:00", "Asia/Seoul")
    assert status(every_night, at("2026-11-30 03:00")) == Status(State.OPEN, at("2026-11-30 08:00"))


KR_OFFICE = Hours("Mo-Fr 09:00-18:00; PH off", "Asia/Seoul", "KR")


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Chuseok 2026 falls on Friday 25 September; Thursday 24 is its eve, a holiday too.
        ("2026-09-23 17:00", Status(State.OPEN, at("2026-09-23 18:00"))),
        ("2026-09-24 10:00", Status(State.CLOSED, at("2026-09-28 09:00"))),
        # Independence Movement Day, 1 March, is a Sunday in 2026; Monday 2 March replaces it.
        ("2026-03-02 10:00", Status(State.CLOSED, at("2026-03-03 09:00"))),
        # Hangul Day, Friday 9 October.
        ("2026-10-08 20:00", Status(State.CLOSED, at("2026-10-12 09:00"))),
    ],
)
def test_korean_public_holidays_close_it_lunar_ones_included(now: str, expected: Status) -> None:
    assert status(KR_OFFICE, at(now)) == expected


CN_LINE = Hours("Mo-Su 08:00-20:00; PH off", "Asia/Shanghai", "CN")


def test_chinese_public_holidays_close_it_the_spring_festival_included() -> None:
    """The Spring Festival of 2027 is a public holiday from Friday 5 to Wednesday 10 February
    (the `holidays` package, after the State Council's notice)."""
    found = status(CN_LINE, at("2027-02-05 12:00", SHANGHAI))
    assert found == Status(State.CLOSED, at("2027-02-11 08:00", SHANGHAI))
    # The same hours without the holidays are open that day.
    weekly = Hours("Mo-Su 08:00-20:00", "Asia/Shanghai")
    assert status(weekly, at("2027-02-05 12:00", SHANGHAI)).state is State.OPEN


def test_an_opening_past_midnight_ends_at_a_holiday_s_midnight() -> None:
    """Open every night 20:00-08:00, but not on Korean holidays (Chuseok, Thursday 24 to
    Saturday 26 September 2026): a holiday is closed for the whole of its day, as the
    parser closes a day written `off`. So Wednesday night's opening ends at midnight, and
    the first hour open again is Sunday's first, the rest of Saturday night."""
    nights = Hours("Mo-Su 20:00-08:00; PH off", "Asia/Seoul", "KR")
    assert status(nights, at("2026-09-23 23:00")) == Status(State.OPEN, at("2026-09-24 00:00"))
    assert status(nights, at("2026-09-24 01:00")) == Status(State.CLOSED, at("2026-09-27 00:00"))
    assert status(nights, at("2026-09-27 00:00")) == Status(State.OPEN, at("2026-09-27 08:00"))


def test_around_the_clock_with_a_holiday_ahead_says_until_when() -> None:
    always = Hours("24/7; PH off", "Asia/Seoul", "KR")
    assert status(always, at("2026-09-20 12:00")) == Status(State.OPEN, at("2026-09-24 00:00"))
    # With no holiday within the horizon (the next is Christmas), around the clock.
    assert status(always, at("2026-11-01 12:00")) == Status(State.ALWAYS)
    assert status(always, at("2026-12-20 12:00")) == Status(State.OPEN, at("2026-12-25 00:00"))
    assert dt.timedelta(days=14) <= HORIZON


def test_a_service_that_never_opens_again_within_the_horizon_is_closed_with_no_time() -> None:
    once = Hours("2026 Nov 30 09:00-10:00", "Asia/Seoul")
    assert status(once, at("2026-11-30 11:00")) == Status(State.CLOSED)


@pytest.mark.parametrize(
    ("rule", "zone", "country", "says"),
    [
        ("Mo-Fx 09:00-18:00", "Asia/Seoul", None, "not understood"),
        ("", "Asia/Seoul", None, "empty"),
        ("Mo-Fr 09:00-18:00", "Korea/Pyongyang", None, "unknown time zone"),
        ("Mo-Fr 09:00-18:00", "", None, "unknown time zone"),
        ("Mo-Fr 09:00-18:00; PH off", "Asia/Seoul", None, "needs the country"),
        ("Mo-Fr 09:00-18:00", "Asia/Seoul", "KR", "do not end with 'PH off'"),
        ("Mo-Fr 09:00-18:00; PH off", "Asia/Seoul", "XX", "no public holidays are known"),
        ("PH 10:00-12:00; Mo-Fr 09:00-18:00", "Asia/Seoul", "KR", "only as 'PH off'"),
    ],
)
def test_hours_a_volunteer_got_wrong_are_refused_saying_why(
    rule: str, zone: str, country: str | None, says: str
) -> None:
    with pytest.raises(HoursError, match=says):
        Hours(rule, zone, country)


BERLIN = ZoneInfo("Europe/Berlin")
BERLIN_OFFICE = Hours("Mo-Fr 09:00-17:00", "Europe/Berlin")


def test_a_zone_with_summer_time_opens_at_its_own_nine_across_the_change() -> None:
    """Berlin moves its clocks forward on Sunday 29 March 2026. Friday evening's answer is
    Monday 09:00 on Berlin's summer clock, 07:00 UTC, not the winter 08:00 UTC."""
    friday = dt.datetime(2026, 3, 27, 18, 0, tzinfo=BERLIN)
    found = status(BERLIN_OFFICE, friday)
    assert found == Status(State.CLOSED, dt.datetime(2026, 3, 30, 9, 0, tzinfo=BERLIN))
    assert found.change is not None
    assert found.change.astimezone(dt.UTC) == dt.datetime(2026, 3, 30, 7, 0, tzinfo=dt.UTC)
    # Seen from Seoul (no summer time), the same opening is at 16:00, not 17:00.
    assert in_zone(found.change, "Asia/Seoul").hour == 16
    monday = dt.datetime(2026, 3, 30, 16, 59, tzinfo=BERLIN)
    assert status(BERLIN_OFFICE, monday) == Status(
        State.OPEN, dt.datetime(2026, 3, 30, 17, 0, tzinfo=BERLIN)
    )
