"""The statistics report: the numbers admins see, with small counts hidden in every view.

One function builds the report as data (the exact JSON of the statistics issue); the table,
CSV and the bot's screen and charts are drawn from it, so suppression is decided once and
every view agrees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
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


@dataclass
class _Cells:
    """One report's numbers as named cells. Days and weekly cells are shared by every report
    (a day is the same day in any period); the rest belong to the report's own range."""

    tag: tuple[dt.date, dt.date]
    day_list: list[dt.date]
    weeks: list[str]
    opened: list[tuple[int, str]]
    reports: list[tuple[int, str]]

    def own(self, *name: object) -> Hashable:
        return (self.tag, *name)


def _collect(raw: RawCounts, values: dict[Hashable, int], equations: list[Equation]) -> _Cells:
    cells = _Cells(
        (raw.start, raw.end),
        [raw.start + dt.timedelta(days=i) for i in range((raw.end - raw.start).days + 1)],
        weeks_between(raw.start, raw.end),
        sorted(
            ((n, key) for (metric, key), n in raw.daily.items() if metric == "entry_opened"),
            key=lambda item: (-item[0], item[1]),
        )[:TOP_ENTRIES],
        [(n, key) for (metric, key), n in raw.daily.items() if metric == "not_working" and n > 0],
    )
    own = cells.own

    def group(members: list[Hashable]) -> None:
        # Whoever reads the report may know or work out the total of a group of related
        # counts (the languages chosen are close to the sessions, say): assume so. A group of
        # one is its own total, and a total nobody publishes cannot pin it.
        if len(members) > 1:
            equations.append([(1, member) for member in members])

    for name in ("sessions", "unique_users", "erases"):
        values[own("total", name)] = raw.daily.get((name, ""), 0)
    for day in cells.day_list:
        values[("day", day)] = raw.days.get(day, 0)
    equations.append([(-1, own("total", "sessions")), *((1, ("day", d)) for d in cells.day_list)])
    for metric, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("need", NEEDS)):
        for key in keys:
            values[own(metric, key)] = raw.daily.get((metric, key), 0)
        group([own(metric, key) for key in keys])
    for week in cells.weeks:
        for need in NEEDS:
            for place in PLACES:
                values[("week", week, need, place)] = raw.weekly.get((week, need, place), 0)
    # Weekly totals per need or per place are published nowhere, but over a range of whole
    # weeks the weekly cells of a need add up to its count in by_need.
    for need in NEEDS:
        weekly = [("week", w, need, p) for w in cells.weeks for p in PLACES]
        equations.append([(-1, own("need", need)), *((1, c) for c in weekly)])
    for count, key in cells.opened:
        values[own("opened", key)] = count
    for count, key in cells.reports:
        values[own("reports", key)] = count
    group([own("opened", key) for _, key in cells.opened])
    group([own("reports", key) for _, key in cells.reports])
    return cells


def build(raw: RawCounts, min_count: int) -> dict[str, Any]:
    """The report as the statistics issue defines its JSON, every number at or above
    `min_count` or the string "<min_count", with complementary suppression."""
    return build_many([raw], min_count)[0]


def build_many(raws: list[RawCounts], min_count: int) -> list[dict[str, Any]]:
    """Several reports decided together, as the bot offers them (7, 30 and 90 days ending on
    the same day): a count visible in one and hidden in another, or two counts whose
    difference is small, would otherwise give away what each report hides on its own."""
    values: dict[Hashable, int] = {}
    equations: list[Equation] = []
    views = [_collect(raw, values, equations) for raw in raws]
    virtual: set[Hashable] = set()
    nested = sorted(views, key=lambda v: (v.tag[1], v.tag[0]), reverse=True)
    for inner, outer in itertools.pairwise(nested):
        if inner.tag[1] != outer.tag[1] or inner.tag[0] < outer.tag[0]:
            continue  # only ranges ending on the same day nest into a plain difference
        for cell in [c for c in values if isinstance(c, tuple) and c[0] == inner.tag]:
            twin = (outer.tag, *cell[1:])
            if twin in values:
                difference = ("between", inner.tag, *cell[1:])
                values[difference] = values[twin] - values[cell]
                virtual.add(difference)
                equations.append([(1, twin), (-1, cell), (-1, difference)])
    hidden = suppress(values, equations, min_count, virtual=virtual)
    return [_report(view, values, hidden, min_count) for view in views]


def _report(
    view: _Cells, values: dict[Hashable, int], hidden: set[Hashable], min_count: int
) -> dict[str, Any]:
    small = f"<{min_count}"
    own = view.own

    def shown(cell: Hashable) -> Value:
        return small if cell in hidden else values[cell]

    def ranked(cells: list[tuple[int, str]], kind: str) -> list[tuple[str, Value]]:
        """Visible counts by size; hidden ones after them by id, so order reveals nothing."""
        visible = [(key, shown(own(kind, key))) for _, key in cells if own(kind, key) not in hidden]
        masked = sorted(key for _, key in cells if own(kind, key) in hidden)
        return [*visible, *((key, small) for key in masked)]

    return {
        "from": view.tag[0].isoformat(),
        "to": view.tag[1].isoformat(),
        "min_count": min_count,
        "totals": {
            "sessions": shown(own("total", "sessions")),
            "unique_users_at_most": shown(own("total", "unique_users")),
            "erases": shown(own("total", "erases")),
        },
        "by_language": {lang: shown(own("language", lang)) for lang in USER_LANGUAGES},
        "by_place": {place: shown(own("place", place)) for place in PLACES},
        "by_need": {need: shown(own("need", need)) for need in NEEDS},
        "need_by_place_weekly": [
            {"week": w, "need": n, "place": p, "count": shown(("week", w, n, p))}
            for w in view.weeks
            for n in NEEDS
            for p in PLACES
        ],
        "top_entries": [{"id": key, "opened": v} for key, v in ranked(view.opened, "opened")],
        "not_working": [{"id": key, "reports": v} for key, v in ranked(view.reports, "reports")],
        "days": [{"date": d.isoformat(), "sessions": shown(("day", d))} for d in view.day_list],
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
        f" Counts below {report['min_count']}, and some others that would give them away,"
        f" are shown as {small}.",
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
