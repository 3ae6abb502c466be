"""The statistics report: the numbers admins see, with small counts hidden in every view.

One function builds the report as data (the exact JSON of the statistics issue); the table,
CSV and the bot's screen and charts are drawn from it, so suppression is decided once and
every view agrees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.models import DailyCount, WeeklyNeedPlace
from bot.stats import iso_week
from bot.suppression import Equation, suppress
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

TOP_ENTRIES = 10
Value = int | str


@dataclass(frozen=True)
class RawCounts:
    """What the database holds for a range, before anything is hidden."""

    start: dt.date
    end: dt.date
    daily: dict[tuple[str, str], int]  # (metric, key) -> sum over the range
    days: dict[dt.date, int]  # sessions per day
    weekly: dict[tuple[str, str, str], int]  # (week, need, place) -> count


def weeks_between(start: dt.date, end: dt.date) -> list[str]:
    weeks: list[str] = []
    day = start
    while day <= end:
        week = iso_week(day)
        if week not in weeks:
            weeks.append(week)
        day += dt.timedelta(days=1)
    return weeks


async def load(session: AsyncSession, start: dt.date, end: dt.date) -> RawCounts:
    in_range = (DailyCount.day >= start) & (DailyCount.day <= end)
    sums = await session.execute(
        select(DailyCount.metric, DailyCount.key, func.sum(DailyCount.count))
        .where(in_range)
        .group_by(DailyCount.metric, DailyCount.key)
    )
    per_day = await session.execute(
        select(DailyCount.day, DailyCount.count).where(in_range, DailyCount.metric == "sessions")
    )
    weeks = weeks_between(start, end)
    weekly = await session.execute(
        select(
            WeeklyNeedPlace.week, WeeklyNeedPlace.need, WeeklyNeedPlace.place, WeeklyNeedPlace.count
        ).where(WeeklyNeedPlace.week.in_(weeks))
    )
    return RawCounts(
        start,
        end,
        {(metric, key): int(total) for metric, key, total in sums},
        {day: count for day, count in per_day},
        {(w, n, p): c for w, n, p, c in weekly},
    )


def build(raw: RawCounts, min_count: int) -> dict[str, Any]:
    """The report as the statistics issue defines its JSON, every number at or above
    `min_count` or the string "<min_count", with complementary suppression."""
    values: dict[Hashable, int] = {}
    equations: list[Equation] = []

    def group(cells: list[Hashable]) -> None:
        # Whoever reads the report may know or work out the total of a group of related
        # counts (the languages chosen are close to the sessions, say): assume so. A group of
        # one is its own total, and a total nobody publishes cannot pin it.
        if len(cells) > 1:
            equations.append([(1, cell) for cell in cells])

    for name in ("sessions", "unique_users", "erases"):
        values[("total", name)] = raw.daily.get((name, ""), 0)
    day_list = [raw.start + dt.timedelta(days=i) for i in range((raw.end - raw.start).days + 1)]
    for day in day_list:
        values[("day", day)] = raw.days.get(day, 0)
    equations.append([(-1, ("total", "sessions")), *((1, ("day", d)) for d in day_list)])
    for metric, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("need", NEEDS)):
        for key in keys:
            values[(metric, key)] = raw.daily.get((metric, key), 0)
        group([(metric, key) for key in keys])
    weeks = weeks_between(raw.start, raw.end)
    for week in weeks:
        for need in NEEDS:
            for place in PLACES:
                values[("week", week, need, place)] = raw.weekly.get((week, need, place), 0)
    # Weekly totals per need or per place are published nowhere, but over a range of whole
    # weeks the weekly cells of a need add up to its count in by_need.
    for need in NEEDS:
        cells = [("week", w, need, p) for w in weeks for p in PLACES]
        equations.append([(-1, ("need", need)), *((1, c) for c in cells)])
    opened = sorted(
        ((count, key) for (metric, key), count in raw.daily.items() if metric == "entry_opened"),
        key=lambda item: (-item[0], item[1]),
    )[:TOP_ENTRIES]
    reports = [
        (count, key)
        for (metric, key), count in raw.daily.items()
        if metric == "not_working" and count > 0
    ]
    for count, key in opened:
        values[("opened", key)] = count
    for count, key in reports:
        values[("reports", key)] = count
    group([("opened", key) for _, key in opened])
    group([("reports", key) for _, key in reports])

    hidden = suppress(values, equations, min_count)
    small = f"<{min_count}"

    def shown(cell: Hashable) -> Value:
        return small if cell in hidden else values[cell]

    def ranked(cells: list[tuple[int, str]], kind: str) -> list[tuple[str, Value]]:
        """Visible counts by size; hidden ones after them by id, so order reveals nothing."""
        visible = [(key, shown((kind, key))) for _, key in cells if (kind, key) not in hidden]
        masked = sorted(key for _, key in cells if (kind, key) in hidden)
        return [*visible, *((key, small) for key in masked)]

    return {
        "from": raw.start.isoformat(),
        "to": raw.end.isoformat(),
        "min_count": min_count,
        "totals": {
            "sessions": shown(("total", "sessions")),
            "unique_users_at_most": shown(("total", "unique_users")),
            "erases": shown(("total", "erases")),
        },
        "by_language": {lang: shown(("language", lang)) for lang in USER_LANGUAGES},
        "by_place": {place: shown(("place", place)) for place in PLACES},
        "by_need": {need: shown(("need", need)) for need in NEEDS},
        "need_by_place_weekly": [
            {"week": w, "need": n, "place": p, "count": shown(("week", w, n, p))}
            for w in weeks
            for n in NEEDS
            for p in PLACES
        ],
        "top_entries": [{"id": key, "opened": v} for key, v in ranked(opened, "opened")],
        "not_working": [{"id": key, "reports": v} for key, v in ranked(reports, "reports")],
        "days": [{"date": d.isoformat(), "sessions": shown(("day", d))} for d in day_list],
    }


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def rows(report: dict[str, Any]) -> list[tuple[str, str, str, Value]]:
    """The report flattened: (section, key, detail, value), for the table and CSV views."""
    out: list[tuple[str, str, str, Value]] = []
    for key, value in report["totals"].items():
        out.append(("totals", key, "", value))
    for section in ("by_language", "by_place", "by_need"):
        for key, value in report[section].items():
            out.append((section, key, "", value))
    for cell in report["need_by_place_weekly"]:
        out.append(
            ("need_by_place_weekly", cell["need"], f"{cell['week']} {cell['place']}", cell["count"])
        )
    for item in report["top_entries"]:
        out.append(("top_entries", item["id"], "", item["opened"]))
    for item in report["not_working"]:
        out.append(("not_working", item["id"], "", item["reports"]))
    for item in report["days"]:
        out.append(("days", item["date"], "", item["sessions"]))
    return out


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "detail", "value"])
    writer.writerows(rows(report))
    return out.getvalue()


def to_table(report: dict[str, Any]) -> str:
    """A plain-text table for people: the weekly grid lists only the cells that are shown."""
    small = f"<{report['min_count']}"
    lines = [
        f"Usage from {report['from']} to {report['to']} (UTC days)."
        f" Counts below {report['min_count']} are shown as {small}.",
        "Unique users are at most this many: after a restart a returning user may count twice.",
    ]
    section = None
    hidden_weekly = 0
    for name, key, detail, value in rows(report):
        if name != section:
            if section == "need_by_place_weekly" and hidden_weekly:
                lines.append(f"  {'(every other cell)':<40} {small:>8}")
            lines += ["", name]
            section, hidden_weekly = name, 0
        if name == "need_by_place_weekly" and value == small:
            hidden_weekly += 1
            continue
        label = f"{key} {detail}".strip()
        lines.append(f"  {label:<40} {value!s:>8}")
    return "\n".join(lines) + "\n"
