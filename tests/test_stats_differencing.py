"""The differencing attack, as a regression test.

An admin who saves every statistics view she can request, every day, holds a system of linear
equations over the true daily counts: each number shown is the sum of some of them. With
windows that slide by a day, subtracting yesterday's "last 30 days" from today's gives one day,
and every small count falls out. Here 119 days of traffic with many small counts are written
through the real counter, every view (each period the bot offers, the command line's, in JSON,
CSV and table form) is requested on each day, and linear algebra, written independently of the
suppression code, asks whether any hidden number is determined by what was shown.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from bot.db import database
from bot.stats import counting, publish, report, screen
from bot.stats.periods import Kind, week_of
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES
from tests import databases

MIN = 10
FIRST = dt.date(2026, 6, 29)  # a Monday
DAYS = 119  # 17 whole weeks, three whole months of weeks
ENTRIES = [f"entry-{i}" for i in range(8)]
Unknown = tuple[Any, ...]
Functional = tuple[tuple[Unknown, int], ...]


def family(unknown: Unknown) -> str:
    """Unknowns that no relation links are solved apart: a need's daily count and the
    weekly need x place cells are one family (they count the same choices)."""
    return {"a": "need", "v": "need"}.get(unknown[0], unknown[0])


def days_of(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


async def simulate(url: str) -> dict[Unknown, int]:
    """Write 119 days of traffic through the real counter; return the true counts."""
    rng = random.Random(20261130)
    engine = database.make_engine(url)
    await database.upgrade(engine)
    sessions = database.make_sessionmaker(engine)
    truth: dict[Unknown, int] = defaultdict(int)
    user = 100
    for day in days_of(FIRST, FIRST + dt.timedelta(days=DAYS - 1)):
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
        counter = counting.UsageCounter(clock=lambda noon=noon: noon, min_users=MIN)
        for _ in range(rng.randint(4, 30)):  # many days below the threshold
            user += 1
            counter.see_user(user)
            truth[("u", day)] += 1
            counter.add("sessions", by=user)
            truth[("s", day)] += 1
            lang = rng.choices(USER_LANGUAGES, weights=[6, 3, 1])[0]
            counter.add("language", lang, by=user)
            truth[("language", day, lang)] += 1
            place = rng.choices(PLACES, weights=[6, 3, 1, 1])[0]
            counter.add("place", place, by=user)
            truth[("place", day, place)] += 1
            need = rng.choices(NEEDS, weights=[5, 4, 3, 2, 2, 2, 1, 3, 1, 2, 1, 1])[0]
            counter.add_need_in_place(need, place, by=user)
            truth[("a", day, need)] += 1
            truth[("v", week_of(day).label, need, place)] += 1
            if rng.random() < 0.6:
                entry = rng.choice(ENTRIES)
                counter.add("entry_opened", entry, by=user)
                truth[("opened", day, entry)] += 1
                if rng.random() < 0.15:
                    counter.add_once(user, "not_working", entry)
                    truth[("reports", day, entry)] += 1
            if rng.random() < 0.08:
                counter.add("erases", by=user)
                truth[("e", day)] += 1
        await counting.flush(counter, sessions, everything=True)
    await engine.dispose()
    return truth


def functional_of(report: dict[str, Any], section: str, *key: str) -> Functional:
    """The true counts a shown (or hidden) number is the sum of."""
    first, last = (dt.date.fromisoformat(report[k]) for k in ("from", "to"))
    span = days_of(first, last)
    weeks = sorted({week_of(d).label for d in span})
    match section:
        case "totals":
            letter = {"sessions": "s", "unique_users_at_most": "u", "erases": "e"}[key[0]]
            return tuple(((letter, d), 1) for d in span)
        case "by_language" | "by_place":
            kind = section.removeprefix("by_")
            return tuple(((kind, d, key[0]), 1) for d in span)
        case "by_need":
            return tuple((("a", d, key[0]), 1) for d in span)
        case "need_by_place":
            return tuple((("v", w, key[0], key[1]), 1) for w in weeks)
        case "top_entries" | "not_working":
            kind = "opened" if section == "top_entries" else "reports"
            return tuple(((kind, d, key[0]), 1) for d in span)
        case "days":
            return ((("s", dt.date.fromisoformat(key[0])), 1),)
        case "weeks":
            week = next(w for w in weeks if w == key[0])
            return tuple((("s", d), 1) for d in span if week_of(d).label == week)
    raise AssertionError(section)


def numbers(report: dict[str, Any]) -> Iterator[tuple[Functional, int | None]]:
    """Every number a report shows or hides: (what it sums, its value or None if hidden)."""
    small = f"<{report['min_count']}"

    def value(v: Any) -> int | None:
        return None if v == small else int(v)

    for key, v in report["totals"].items():
        yield functional_of(report, "totals", key), value(v)
    for section in ("by_language", "by_place", "by_need"):
        for key, v in report[section].items():
            yield functional_of(report, section, key), value(v)
    for cell in report["need_by_place"]:
        yield (
            functional_of(report, "need_by_place", cell["need"], cell["place"]),
            value(cell["count"]),
        )
    for section, field in (("top_entries", "opened"), ("not_working", "reports")):
        for item in report[section]:
            yield functional_of(report, section, item["id"]), value(item[field])
    for item in report.get("days", []):
        yield functional_of(report, "days", item["date"]), value(item["sessions"])
    for item in report.get("weeks", []):
        yield functional_of(report, "weeks", item["week"]), value(item["sessions"])


def assumed_totals(report: dict[str, Any]) -> Iterator[Functional]:
    """Sums a reader may know without their being shown (the languages chosen are close to
    the sessions, say): each group's total over the report's days, every entry included."""
    first, last = (dt.date.fromisoformat(report[k]) for k in ("from", "to"))
    span = days_of(first, last)
    for kind, keys in (("language", USER_LANGUAGES), ("place", PLACES), ("a", NEEDS)):
        yield tuple(((kind, d, k), 1) for d in span for k in keys)
    for kind in ("opened", "reports"):
        yield tuple(((kind, d, e), 1) for d in span for e in ENTRIES)


def identities() -> Iterator[Functional]:
    """Known to anyone who reads the code: a need's daily counts over a week add up to its
    need x place cells of that week."""
    for week in sorted(
        {week_of(d) for d in days_of(FIRST, FIRST + dt.timedelta(days=DAYS - 1))},
        key=lambda w: w.first,
    ):
        for need in NEEDS:
            yield (
                *((("a", d, need), 1) for d in week.days()),
                *((("v", week.label, need, p), -1) for p in PLACES),
            )


def atomic_unknowns() -> Iterator[Unknown]:
    for day in days_of(FIRST, FIRST + dt.timedelta(days=DAYS - 1)):
        yield from (("s", day), ("u", day), ("e", day))
        yield from (("language", day, k) for k in USER_LANGUAGES)
        yield from (("place", day, k) for k in PLACES)
        yield from (("a", day, n) for n in NEEDS)
        yield from ((kind, day, e) for kind in ("opened", "reports") for e in ENTRIES)
        if day.weekday() == 0:
            week = week_of(day).label
            yield from (("v", week, n, p) for n in NEEDS for p in PLACES)


def parse_csv(text: str) -> dict[tuple[str, ...], str]:
    lines = text.strip().splitlines()
    assert lines[0] == "period,section,key,detail,value"
    return {tuple(line.split(",")[:4]): line.split(",")[4] for line in lines[1:]}


def parse_table(text: str) -> list[str]:
    """Every number the table shows, as text, in order."""
    return re.findall(r"^  .*?\s(<?\d+)$", text, flags=re.MULTILINE)


async def admin_views(
    sessions: Any, now: dt.datetime, retention_days: int = 730
) -> list[dict[str, Any]]:
    """Every report an admin can see at `now`: each page of the bot's screen, and the
    command line's weeks and months over the whole range, in every format (checked to
    agree: the CSV and the table show exactly the JSON's numbers)."""
    found: list[dict[str, Any]] = []
    for kind in Kind:
        back = 0
        while True:
            page = screen.page_of(kind, back)
            shown = await screen.report_for(sessions, now, page, MIN, retention_days)
            if shown.report is None:
                break
            found.append(shown.report)
            if not shown.earlier:
                break
            back += 1
        async with sessions() as session:
            periods = await publish.published(session, kind, FIRST, now.date())
            reports = [
                report.report(p, await publish.weeks_published(session, p.period))
                if kind is Kind.MONTH
                else report.report(p)
                for p in periods
            ]
        csv_cells = parse_csv(report.to_csv(reports)) if reports else {}
        visible: list[str] = []
        for shown in reports:
            for row in report.rows(shown):
                assert csv_cells[(shown["period"], *row[:3])] == str(row[3])
                if isinstance(row[3], int):
                    visible.append(str(row[3]))
        table = parse_table(report.to_table(reports))
        assert sorted(n for n in table if not n.startswith("<")) == sorted(visible)
        found += reports
    return found


def determined(known: list[Functional], targets: list[Functional]) -> list[bool]:
    """Whether each target sum follows from the known sums: it lies in their span. Solved by
    least squares on each family of unknowns apart (a target is determined when some
    combination of known sums equals it exactly)."""
    results = [False] * len(targets)
    by_family: dict[str, tuple[list[Functional], list[int]]] = defaultdict(lambda: ([], []))
    for f in known:
        by_family[family(f[0][0])][0].append(f)
    for i, f in enumerate(targets):
        by_family[family(f[0][0])][1].append(i)
    for rows, wanted in by_family.values():
        if not wanted:
            continue
        columns: dict[Unknown, int] = {}
        for f in rows + [targets[i] for i in wanted]:
            for unknown, _ in f:
                columns.setdefault(unknown, len(columns))
        a = np.zeros((max(1, len(rows)), len(columns)))
        for r, f in enumerate(rows):
            for unknown, coefficient in f:
                a[r, columns[unknown]] += coefficient
        t = np.zeros((len(columns), len(wanted)))
        for c, i in enumerate(wanted):
            for unknown, coefficient in targets[i]:
                t[columns[unknown], c] += coefficient
        x, *_ = np.linalg.lstsq(a.T, t, rcond=None)
        residual = np.abs(a.T @ x - t).max(axis=0)
        for c, i in enumerate(wanted):
            results[i] = bool(residual[c] < 1e-6)
    return results


async def test_no_hidden_count_follows_from_every_view_of_a_hundred_days(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path)
    truth = await simulate(url)
    engine = database.make_engine(url)
    sessions = database.make_sessionmaker(engine)
    shown: dict[Functional, int] = {}
    hidden: set[Functional] = set()
    assumed: set[Functional] = set()
    try:
        for day in days_of(FIRST, FIRST + dt.timedelta(days=DAYS + 7)):
            now = dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC)
            for report in await admin_views(sessions, now):
                assumed.update(assumed_totals(report))
                for f, value in numbers(report):
                    true = sum(truth.get(u, 0) * c for u, c in f)
                    if value is None:
                        hidden.add(f)
                    else:
                        assert value == true, (report["period"], f[:2])
                        assert value >= MIN
                        assert shown.setdefault(f, value) == value  # never changes
    finally:
        await engine.dispose()
    assert hidden and len(shown) > 200, "the simulation must show and hide many numbers"
    # Every small true count of a day is a target too: the attack recovers days, not cells.
    targets = sorted(
        {*hidden, *(((u, 1),) for u in atomic_unknowns() if truth.get(u, 0) < MIN)}, key=repr
    )
    known = [*shown, *assumed, *identities()]
    found = [t for t, d in zip(targets, determined(known, targets), strict=True) if d]
    assert not found, f"{len(found)} of {len(targets)} hidden counts follow, e.g. {found[:3]}"
