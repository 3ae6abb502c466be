"""Structured opening hours as HSDS weekly schedules, and back.

Out: each set of days with the same opening is one schedule (`freq: WEEKLY`, `byday`,
`opens_at`/`closes_at` with the offset, `timezone` in hours as HSDS types it). What HSDS
cannot say (holiday closures, daylight saving, rules that depend on dates) is said in the
schedule's description, and the rule, zone and country travel exactly as attributes.

In: the project's own attributes when they say what the schedules say; else an
OpenStreetMap rule built from the weekly schedules, in a fixed-offset zone.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

from bot.directory import hours
from bot.directory.hsds.terms import (
    DAYS,
    OPENING_TAXONOMY,
    OSM_DAYS,
    attribute,
    english_first,
    hsds_id,
    terms,
)
from bot.directory.schema import EntryModel, OpeningModel

_TIME = re.compile(r"^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


def _offset(zone: str, at: dt.datetime) -> tuple[float, str]:
    """The zone's offset from UTC at `at`: in hours (HSDS `timezone`) and as `+09:00`."""
    delta = at.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    number = minutes / 60
    return (int(number) if number == int(number) else number), text


def _has_daylight_saving(zone: str, year: int) -> bool:
    tz = ZoneInfo(zone)
    offsets = {dt.datetime(year, month, 1, tzinfo=tz).utcoffset() for month in range(1, 13)}
    return len(offsets) > 1


def _words(note: str, opening: OpeningModel, suffix: str, now: dt.datetime) -> list[str]:
    """What the schedules' description says: the note, the zone, what HSDS cannot say."""
    words = [note] if note else []
    words.append(f"Times are in {opening.zone} (UTC{suffix}).")
    if _has_daylight_saving(opening.zone, now.year):
        words.append(
            f"The offset changes with daylight saving time; it is given for {now:%Y-%m-%d}."
        )
    if opening.holidays:
        words.append(f"Closed on the public holidays of {opening.holidays}.")
    words.append("A closing time not after the opening time is on the next day.")
    return words


def _exact(schedule_id: str, opening: OpeningModel) -> list[dict[str, Any]]:
    """The rule, zone and country as they are written, for a reader that knows them."""
    said = [("rule", opening.rule), ("zone", opening.zone)]
    if opening.holidays:
        said.append(("holidays", opening.holidays))
    return [attribute(schedule_id, OPENING_TAXONOMY, code, value) for code, value in said]


def schedules(entry: EntryModel, sid: str, now: dt.datetime) -> tuple[list[dict[str, Any]], str]:
    """The entry's hours as HSDS schedules; and what they cannot say, if anything."""
    opening, note = entry.opening, english_first(entry.hours)
    if opening is None:
        if not note:
            return [], ""
        return [{"id": hsds_id("schedule", entry.id), "service_id": sid, "description": note}], ""
    number, suffix = _offset(opening.zone, now)
    words = _words(note, opening, suffix, now)
    week, unsaid = hours.weekly(opening.rule, opening.zone), ""
    if week is None:
        unsaid = f"{entry.id}: the hours {opening.rule!r} depend on dates; written as text only"
        words.append(f"Hours (OpenStreetMap notation): {opening.rule}")
    groups: dict[tuple[dt.time, dt.time], list[int]] = {}
    for item in week or []:
        groups.setdefault((item.opens, item.closes), []).append(item.day)
    found = []
    for index, ((opens, closes), days) in enumerate(sorted(groups.items(), key=lambda g: g[1])):
        schedule_id = hsds_id("schedule", entry.id, str(index))
        found.append(
            {
                "id": schedule_id,
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(DAYS[d] for d in sorted(days)),
                "opens_at": f"{opens:%H:%M}{suffix}",
                "closes_at": f"{closes:%H:%M}{suffix}",
                "timezone": number,
                "description": " ".join(words),
                "attributes": _exact(schedule_id, opening),
            }
        )
    if not found:  # closed all week, or dates only: the words and the rule still travel
        schedule_id = hsds_id("schedule", entry.id, "0")
        found.append(
            {
                "id": schedule_id,
                "service_id": sid,
                "description": " ".join(words),
                "attributes": _exact(schedule_id, opening),
            }
        )
    return found, unsaid


# --- reading ---------------------------------------------------------------------------------


def _time(text: Any) -> tuple[str, str | None] | None:
    """`HH:MM` and the offset written with it, if any."""
    match = _TIME.match(str(text or ""))
    if match is None:
        return None
    return f"{match[1]}:{match[2]}", match[3]


def _fixed_zone(hours_east: int) -> str:
    """The IANA name of a whole-hour offset (its sign is the reverse of the offset's)."""
    if hours_east == 0:
        return "Etc/UTC"
    return f"Etc/GMT{'-' if hours_east > 0 else '+'}{abs(hours_east)}"


def _zone_of(offset: str | None, number: Any) -> str:
    """A fixed-offset IANA zone from an offset (`+09:00`, `Z`) or HSDS `timezone` hours;
    ValueError for an offset of part of an hour, which no such zone has."""
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        if int(digits[2:] or 0):
            raise ValueError(offset)
        return _fixed_zone(int(digits[:2]) * (1 if offset[0] == "+" else -1))
    if isinstance(number, int | float) and number == int(number):
        return _fixed_zone(int(number))
    if offset == "Z" or number is None:
        return "Etc/UTC"
    raise ValueError(str(number))


def _weekly_spans(
    schedule: dict[str, Any], label: str, unmapped: list[str]
) -> tuple[list[int], str, str] | None:
    """(days, `HH:MM-HH:MM`, zone) of one weekly schedule; None, reported, if it is not one."""
    freq = schedule.get("freq") or "WEEKLY"
    opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
    days = [d.strip().upper() for d in str(schedule.get("byday") or "").split(",") if d.strip()]
    if freq != "WEEKLY" or opens is None or closes is None or not all(d in DAYS for d in days):
        unmapped.append(f"{label}: a schedule that is not weekly opening times was left out")
        return None
    try:
        zone = _zone_of(opens[1], schedule.get("timezone"))
    except ValueError:
        unmapped.append(f"{label}: a schedule's time zone could not be read")
        return None
    span = f"{opens[0]}-{'24:00' if closes[0] == '00:00' else closes[0]}"
    return [DAYS.index(d) for d in days or DAYS], span, zone


def _rule_from(items: list[dict[str, Any]], label: str, unmapped: list[str]) -> tuple[str, str]:
    """An OpenStreetMap rule and a zone from weekly HSDS schedules; ("", "") if none. All of
    a day's intervals go in one rule, since a later rule for a day replaces an earlier one."""
    by_day: dict[int, list[str]] = {}
    zone = ""
    for schedule in items:
        if not schedule.get("byday") and not schedule.get("opens_at"):
            continue  # words only
        found = _weekly_spans(schedule, label, unmapped)
        if found is not None:
            days, span, zone = found
            for day in days:
                by_day.setdefault(day, []).append(span)
    groups: dict[str, list[int]] = {}
    for day, spans in sorted(by_day.items()):
        groups.setdefault(",".join(sorted(spans)), []).append(day)
    rule = "; ".join(
        f"{','.join(OSM_DAYS[d] for d in days)} {spans}"
        for spans, days in sorted(groups.items(), key=lambda g: g[1])
    )
    return rule, zone


def _ours(items: list[dict[str, Any]], rule: str) -> dict[str, str] | None:
    """The project's own attributes, if readable and saying what the schedules say."""
    said: dict[str, str] = {}
    for schedule in items:
        for taxonomy, code, value in terms(schedule):
            if taxonomy == OPENING_TAXONOMY and code in ("rule", "zone", "holidays"):
                said.setdefault(code, value)
    if not said.get("rule") or not said.get("zone"):
        return None
    try:
        hours.check(said["rule"], said["zone"], said.get("holidays"))
        same = not rule or hours.weekly(said["rule"], said["zone"]) == hours.weekly(
            rule, said["zone"]
        )
    except hours.HoursError:
        return None
    return said if same else None


def opening_of(item: dict[str, Any], label: str, unmapped: list[str]) -> dict[str, str] | None:
    """A service's structured hours from its schedules, in the directory file's form."""
    items = [s for s in item.get("schedules") or [] if isinstance(s, dict)]
    rule, zone = _rule_from(items, label, unmapped)
    ours = _ours(items, rule)
    if ours is not None:
        return {key: ours[key] for key in ("rule", "zone", "holidays") if ours.get(key)}
    if not rule:
        return None
    try:
        hours.check(rule, zone, None)
    except hours.HoursError as exc:
        unmapped.append(f"{label}: the schedules did not make readable hours ({exc})")
        return None
    if zone.startswith("Etc/"):
        unmapped.append(
            f"{label}: the schedules give only an offset from UTC: the zone was set to {zone};"
            " choose the place's zone (such as Asia/Seoul)"
        )
    return {"rule": rule, "zone": zone}
