"""Can she reach them now? The line a card gives under the name, and the mark a list puts
before a name, computed at the moment she taps (bot/directory/hours.py does the reckoning).

Times are the service's, with her place's clock beside them when her place keeps one time
zone that differs (bot.taxonomy.PLACE_ZONES): at 23:00 in Yanji she should not have to work
out what 09:00 in Seoul is for her. Plain text here; screens escape it.
"""

from __future__ import annotations

import datetime as dt

from bot.directory import hours
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.taxonomy import PLACE_ZONES, ZONE_LABELS

OPEN_MARK = "🟢"
# A weekday name is unambiguous only within the coming week; later days are given by date.
_WEEK = 6


def status_of(entry: EntryModel, now: dt.datetime) -> hours.Status | None:
    """Whether the entry is open at `now`; None when it has no structured hours."""
    if entry.opening is None:
        return None
    return hours.status(entry.opening.as_hours(), now)


def is_open(entry: EntryModel, now: dt.datetime) -> bool:
    found = status_of(entry, now)
    return found is not None and found.state is not hours.State.CLOSED


def line(t: Texts, entry: EntryModel, place: str | None, now: dt.datetime) -> str | None:
    """ "Open now, until 21:00", "Closed now, opens Monday 09:00", "Open 24 hours" or
    "Closed now" (nothing within the horizon), in her language; None without hours."""
    _ = t.gettext
    found = status_of(entry, now)
    if found is None or entry.opening is None:
        return None
    if found.state is hours.State.ALWAYS:
        return f"{OPEN_MARK} " + _("Open 24 hours")
    if found.change is None:
        return _("Closed now")
    when = _moment(t, found.change, now, entry.opening.zone, place)
    if found.state is hours.State.OPEN:
        return f"{OPEN_MARK} " + _("Open now, until {time}").format(time=when)
    return _("Closed now, opens {time}").format(time=when)


def _moment(t: Texts, change: dt.datetime, now: dt.datetime, zone: str, place: str | None) -> str:
    """The change on the service's clock, and on hers if her place's zone differs; each
    clock's day is named only where it is not today there, and hers only if it differs."""
    _ = t.gettext
    her_zone = PLACE_ZONES.get(place or "")
    if her_zone == zone:
        return _day_and_time(t, change, now)
    service_day = _day(t, change, now)
    service = _zoned(t, _joined(t, service_day, t.clock(change)), zone)
    if her_zone is None:
        return service
    hers_at = hours.in_zone(change, her_zone)
    her_day = _day(t, hers_at, now)
    her_time = t.clock(hers_at)
    if her_day != service_day:
        her_time = _joined(t, her_day, her_time)
    return _("{service_time}, {her_time}").format(
        service_time=service, her_time=_zoned(t, her_time, her_zone)
    )


def _day(t: Texts, moment: dt.datetime, now: dt.datetime) -> str | None:
    """The day of `moment` as seen on its own clock: None today, "tomorrow", a weekday in
    the coming week, else a date."""
    today = now.astimezone(moment.tzinfo).date()
    ahead = (moment.date() - today).days
    if ahead <= 0:
        return None
    if ahead == 1:
        return t.gettext("tomorrow")
    if ahead <= _WEEK:
        return t.weekday(moment.date())
    return t.day_and_month(moment.date())


def _joined(t: Texts, day: str | None, time: str) -> str:
    if day is None:
        return time
    return t.gettext("{day} {time}").format(day=day, time=time)


def _day_and_time(t: Texts, moment: dt.datetime, now: dt.datetime) -> str:
    return _joined(t, _day(t, moment, now), t.clock(moment))


def _zoned(t: Texts, time: str, zone: str) -> str:
    """A time with its clock named: "18:00 Korea time", "泰国时间 18:00"."""
    label = ZONE_LABELS.get(zone)
    named = t.gettext(label) if label is not None else t.zone_place(zone)
    return t.gettext("{time} {zone}").format(time=time, zone=named)
