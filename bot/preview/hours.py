"""The moments at which a card with opening hours is shown: open, opening later today,
opening tomorrow, and opening on a later day, found in the coming weeks for one demo entry.

The bridge shelter keeps Korean hours (Monday to Saturday, closed on Korea's public holidays)
and is seen from China, whose clock differs by an hour: its card names both times.
"""

from __future__ import annotations

import datetime as dt

from bot.directory import file_format, hours
from bot.directory.schema import EntryModel
from bot.telegram.demo import demo_directory_text

ENTRY = "example-bridge-shelter"
PLACE = "CN"
_LOCAL_HOURS = (12, 7, 22)  # noon, early morning, late evening, in the service's zone


def _entry() -> EntryModel:
    parsed = file_format.parse(demo_directory_text(), "demo_directory.yaml")
    return next(entry for entry in parsed.entries if entry.id == ENTRY)


def moments(now: dt.datetime) -> list[tuple[str, dt.datetime]]:
    """(what the moment shows, the moment), each the first of its kind in the next three
    weeks, in order: open; closed, opening today; closed, opening tomorrow; closed, opening
    on a later day."""
    entry = _entry()
    assert entry.opening is not None
    rules = entry.opening.as_hours()
    zone = hours.in_zone(now, entry.opening.zone).tzinfo
    found: dict[str, dt.datetime] = {}
    start = now.astimezone(zone).date()
    for days in range(21):
        for hour in _LOCAL_HOURS:
            local = dt.datetime.combine(start + dt.timedelta(days=days), dt.time(hour), zone)
            status = hours.status(rules, local)
            kind = _kind(status, local)
            if kind is not None and kind not in found:
                found[kind] = local.astimezone(dt.UTC)
    order = ("open", "opens later today", "opens tomorrow", "opens on a later day")
    return [(kind, found[kind]) for kind in order if kind in found]


def _kind(status: hours.Status, local: dt.datetime) -> str | None:
    if status.state is hours.State.OPEN:
        return "open"
    if status.state is not hours.State.CLOSED or status.change is None:
        return None
    ahead = (status.change.date() - local.date()).days
    return {0: "opens later today", 1: "opens tomorrow"}.get(ahead, "opens on a later day")
