"""Opening hours she can trust: is a service open now, and until when, or when does it open.

Volunteers write a service's weekly hours in OpenStreetMap's `opening_hours` notation, which
they can write by hand and which a maintained library parses (`opening-hours-py`):
`Mo-Fr 09:00-18:00`, `Mo-Sa 09:00-12:00,13:00-21:00`, `Fr-Sa 22:00-02:00`, `24/7`. Beside it,
the service's time zone (an IANA name such as `Asia/Seoul`) and, where it closes on public
holidays, the country whose holidays count.

Public holidays are written `PH off`, as the last rule. They are not left to the parser's own
calendars, which miss most of China's lunar holidays and several of Korea's: the dates come
from the `holidays` package, which follows each year's official announcements. A holiday
closes the service for the whole of that local day; an opening that runs past midnight into
a holiday ends at midnight.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays
import opening_hours

# How far ahead an opening is looked for: longer than the longest run of holidays (China's
# Spring Festival and National Day are a week each, with the weekend around them).
HORIZON = dt.timedelta(days=21)
# Its type stub leaves the parse error out; at run time it is `opening_hours.ParserError`.
_PARSE_ERROR: type[Exception] = vars(opening_hours)["ParserError"]
_HOLIDAYS_OFF = re.compile(r"\s*;\s*PH\s+(?:off|closed)\s*$")


class HoursError(ValueError):
    """Hours a volunteer wrote that cannot be used; the message says why, for the file's
    error report or the desk's answer."""


class State(enum.Enum):
    ALWAYS = "always"  # open around the clock, with no holiday ahead
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Status:
    """What a card says now. `change` is when it closes (OPEN) or opens (CLOSED), in the
    service's time zone; None if that is further off than HORIZON."""

    state: State
    change: dt.datetime | None = None


@dataclass(frozen=True)
class Hours:
    """A service's opening hours as the directory holds them."""

    rule: str
    zone: str
    holidays: str | None = None  # country code: its public holidays close the service

    def __post_init__(self) -> None:
        check(self.rule, self.zone, self.holidays)


def check(rule: str, zone: str, country: str | None) -> None:
    """Raise HoursError naming what is wrong: the notation, the zone, or the holidays."""
    weekly, closes_on_holidays = _split(rule)
    check_zone(zone)
    if "PH" in weekly:
        raise HoursError("public holidays are written only as 'PH off', as the last rule")
    if closes_on_holidays and country is None:
        raise HoursError("'PH off' needs the country whose public holidays close the service")
    if country is not None and not closes_on_holidays:
        raise HoursError("a holidays country is given but the hours do not end with 'PH off'")
    if country is not None and country not in holidays.list_supported_countries():
        raise HoursError(f"no public holidays are known for country {country!r}")
    _parsed(weekly, zone)


def check_zone(zone: str) -> None:
    """Raise HoursError unless `zone` is an IANA time zone name."""
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HoursError(f"unknown time zone {zone!r}: use a name like 'Asia/Seoul'") from exc
    if zone not in _zone_names():
        raise HoursError(f"unknown time zone {zone!r}: use a name like 'Asia/Seoul'")


@functools.cache
def _zone_names() -> frozenset[str]:
    """The zone database's names, read once: reading them scans the whole database."""
    return frozenset(available_timezones())


def _split(rule: str) -> tuple[str, bool]:
    """The weekly rules, and whether they end with `PH off`."""
    weekly = _HOLIDAYS_OFF.sub("", rule)
    return weekly.strip(), weekly != rule


@functools.lru_cache(maxsize=1024)
def _parsed(weekly: str, zone: str) -> opening_hours.OpeningHours:
    if not weekly:
        raise HoursError("the hours are empty")
    try:
        return opening_hours.OpeningHours(weekly, timezone=ZoneInfo(zone))
    except _PARSE_ERROR as exc:
        where = str(exc).splitlines()
        raise HoursError(f"not understood: {weekly!r} ({' '.join(where[-1:]).strip()})") from exc


@functools.lru_cache(maxsize=64)
def _holiday_dates(country: str, year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays(country, years=year))


def is_holiday(country: str, day: dt.date) -> bool:
    return day in _holiday_dates(country, day.year)


def _open_spans(hours: Hours, start: dt.datetime) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The open spans from `start` to HORIZON after it, in the service's zone, holidays cut
    out, each span as long as it runs unbroken."""
    zone = ZoneInfo(hours.zone)
    weekly, _ = _split(hours.rule)
    end = start + HORIZON
    pending: tuple[dt.datetime, dt.datetime] | None = None
    intervals = _parsed(weekly, hours.zone).intervals(start, end)
    for opens, closes, state, _comment in intervals:
        if state != opening_hours.State.OPEN:
            continue
        for piece in _without_holidays(hours.holidays, opens.astimezone(zone), closes, zone):
            if pending is not None and pending[1] == piece[0]:
                pending = (pending[0], piece[1])
                continue
            if pending is not None:
                yield pending
            pending = piece
    if pending is not None:
        yield pending


def _without_holidays(
    country: str | None, opens: dt.datetime, closes: dt.datetime | None, zone: ZoneInfo
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The span cut at each local midnight, without the days that are holidays."""
    assert closes is not None, "intervals are asked for up to an end"
    closes = closes.astimezone(zone)
    while opens < closes:
        midnight = dt.datetime.combine(opens.date() + dt.timedelta(days=1), dt.time(), zone)
        piece_end = min(closes, midnight)
        if country is None or not is_holiday(country, opens.date()):
            yield opens, piece_end
        opens = piece_end


def status(hours: Hours, now: dt.datetime) -> Status:
    """Open or closed at `now` (an aware time), and the next change. A service open through
    the whole horizon is ALWAYS open: a card then says "Open 24 hours"."""
    zone = ZoneInfo(hours.zone)
    start = now.astimezone(zone)
    horizon_end = start + HORIZON
    for opens, closes in _open_spans(hours, start):
        if closes <= start:
            continue
        if opens <= start:
            if closes >= horizon_end:
                return Status(State.ALWAYS)
            return Status(State.OPEN, closes)
        return Status(State.CLOSED, opens)
    return Status(State.CLOSED)


def in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    """The same moment on a clock in `zone` (her place's time beside the service's)."""
    return moment.astimezone(ZoneInfo(zone))


@dataclass(frozen=True, order=True)
class WeeklyOpening:
    """One opening of a week: from `opens` on `day` (0 Monday .. 6 Sunday) to `closes`,
    which is on the next day when it is not after `opens` (00:00 to 00:00: the whole day).
    What a weekly calendar such as an HSDS `schedule` can hold."""

    day: int
    opens: dt.time
    closes: dt.time


# Two weeks of no public holiday in Korea or China, in different seasons: a rule that gives
# them different openings depends on more than the day of the week.
_REFERENCE_WEEKS = (dt.date(2024, 3, 11), dt.date(2024, 7, 8))


def weekly(rule: str, zone: str) -> list[WeeklyOpening] | None:
    """The rule's openings as a weekly calendar, public holidays aside; None if the rule
    depends on dates or weeks (`Dec 25 off`, `week 1-10`), which no weekly calendar holds."""
    found = [_week_of(rule, zone, monday) for monday in _REFERENCE_WEEKS]
    return found[0] if found[0] == found[1] else None


def _week_of(rule: str, zone: str, monday: dt.date) -> list[WeeklyOpening]:
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(monday, dt.time(), tz)
    week_end = start + dt.timedelta(days=7)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    weekly_rules, _ = _split(rule)
    lookup = _parsed(weekly_rules, zone).intervals(
        start - dt.timedelta(days=1), week_end + dt.timedelta(days=2)
    )
    for opens, closes, state, _comment in lookup:
        if state != opening_hours.State.OPEN or closes is None:
            continue
        opens, closes = opens.astimezone(tz), closes.astimezone(tz)
        if spans and spans[-1][1] == opens:
            spans[-1] = (spans[-1][0], closes)
        else:
            spans.append((opens, closes))
    found: list[WeeklyOpening] = []
    for opens, closes in spans:
        pieces = [(opens, closes)]
        if closes - opens > dt.timedelta(days=1):  # longer than a day: one piece a day
            pieces = []
            while opens < closes:
                midnight = dt.datetime.combine(opens.date() + dt.timedelta(days=1), dt.time(), tz)
                pieces.append((opens, min(midnight, closes)))
                opens = min(midnight, closes)
        for piece_open, piece_close in pieces:
            if start <= piece_open < week_end:
                found.append(
                    WeeklyOpening(piece_open.weekday(), piece_open.time(), piece_close.time())
                )
    return sorted(found)
