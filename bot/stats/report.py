"""The statistics report: a published period's numbers as admins see them, hidden ones as
"<N", in every view.

One function builds a period's report as data; the JSON, CSV and table of `helpline stats`
and the bot's screen and chart are drawn from it. It only reads what was published
(`bot/stats/publish.py`): it decides nothing and writes nothing, so every view of a period
shows the same numbers.

A report is typed dictionaries rather than classes because it is exactly the JSON that
`helpline stats --format json` prints, key for key and in the same order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Literal, TypedDict, final

from bot.stats.periods import Kind
from bot.stats.publish import Name, Published
from bot.taxonomy import ANSWER_BANDS, NEEDS, PLACES, USER_LANGUAGES

Value = int | str
"""A number as shown: the count, or "<N" where it is hidden."""


class Totals(TypedDict):
    sessions: Value
    unique_users_at_most: Value
    erases: Value


class NeedInPlace(TypedDict):
    need: str
    place: str
    count: Value


class EntryOpened(TypedDict):
    id: str
    opened: int


class EntryReported(TypedDict):
    id: str
    reports: int


class DaySessions(TypedDict):
    date: str
    sessions: Value


class WeekSessions(TypedDict):
    week: str
    sessions: Value


class Numbers(TypedDict):
    """What every period reports, whatever its kind. Entries are listed only where their
    number is shown: a list of every entry opened at least once would say that someone
    opened each of them."""

    totals: Totals
    by_language: dict[str, Value]
    by_place: dict[str, Value]
    by_need: dict[str, Value]
    need_by_place: list[NeedInPlace]
    top_entries: list[EntryOpened]
    not_working: list[EntryReported]
    relay_opened: dict[str, Value]  # Talk to a person: by her language
    relay_answered: dict[str, Value]  # by her language, at the first answer
    relay_first_answer: dict[str, Value]  # by how long the first answer took


# "from" is a Python keyword, so this part can only be declared in the functional form.
_Dates = TypedDict("_Dates", {"period": str, "from": str, "to": str, "min_count": int})


@final
class WeekReport(_Dates, Numbers):
    kind: Literal["week"]
    days: list[DaySessions]


@final
class MonthReport(_Dates, Numbers):
    kind: Literal["month"]
    weeks: list[WeekSessions]


Report = WeekReport | MonthReport
RELAY_SECTIONS: tuple[Literal["relay_opened", "relay_answered", "relay_first_answer"], ...] = (
    "relay_opened",
    "relay_answered",
    "relay_first_answer",
)
Row = tuple[str, str, str, Value]
"""A report's number flattened: (section, key, detail, value)."""


def _shown(source: Published, name: Name, small: str) -> Value:
    value = source.shown(name)
    return small if value is None else value


def _listed(period: Published, kind: str) -> list[tuple[str, int]]:
    """The entries of `kind` whose number is shown, largest first."""
    found = [
        (name[1], count)
        for name, (count, hidden) in period.cells.items()
        if name[0] == kind and not hidden
    ]
    return sorted(found, key=lambda item: (-item[1], item[0]))


def _numbers(period: Published, small: str) -> Numbers:
    def shown(name: Name) -> Value:
        return _shown(period, name, small)

    return {
        "totals": {
            "sessions": shown(("total", "sessions")),
            "unique_users_at_most": shown(("total", "unique_users")),
            "erases": shown(("total", "erases")),
        },
        "by_language": {lang: shown(("language", lang)) for lang in USER_LANGUAGES},
        "by_place": {place: shown(("place", place)) for place in PLACES},
        "by_need": {need: shown(("need", need)) for need in NEEDS},
        "need_by_place": [
            {"need": n, "place": p, "count": shown(("need_place", n, p))}
            for n in NEEDS
            for p in PLACES
        ],
        "top_entries": [{"id": key, "opened": n} for key, n in _listed(period, "opened")],
        "not_working": [{"id": key, "reports": n} for key, n in _listed(period, "reports")],
        "relay_opened": {lang: shown(("relay_opened", lang)) for lang in USER_LANGUAGES},
        "relay_answered": {lang: shown(("relay_answered", lang)) for lang in USER_LANGUAGES},
        "relay_first_answer": {b: shown(("relay_first_answer", b)) for b in ANSWER_BANDS},
    }


def _days(period: Published, small: str) -> list[DaySessions]:
    return [
        {"date": day.isoformat(), "sessions": _shown(period, ("day", day.isoformat()), small)}
        for day in period.period.days()
    ]


def _weeks(weeks: Sequence[Published], small: str) -> list[WeekSessions]:
    return [
        {"week": week.period.label, "sessions": _shown(week, ("total", "sessions"), small)}
        for week in weeks
    ]


def report(period: Published, weeks: Sequence[Published] = ()) -> Report:
    """The report of one published period; for a month, `weeks` are its published weeks,
    whose sessions it lists (as they were published, hidden by the month's threshold)."""
    span = period.period
    small = f"<{period.min_count}"
    if span.kind is Kind.WEEK:
        return {
            "period": span.label,
            "kind": "week",
            "from": span.first.isoformat(),
            "to": span.last.isoformat(),
            "min_count": period.min_count,
            **_numbers(period, small),
            "days": _days(period, small),
        }
    return {
        "period": span.label,
        "kind": "month",
        "from": span.first.isoformat(),
        "to": span.last.isoformat(),
        "min_count": period.min_count,
        **_numbers(period, small),
        "weeks": _weeks(weeks, small),
    }


def to_json(reports: Sequence[Report]) -> str:
    return json.dumps({"periods": list(reports)}, indent=2, ensure_ascii=False) + "\n"


def rows(data: Report) -> list[Row]:
    """A report flattened, for the table and CSV views."""
    totals = data["totals"]
    out: list[Row] = [
        ("totals", "sessions", "", totals["sessions"]),
        ("totals", "unique_users_at_most", "", totals["unique_users_at_most"]),
        ("totals", "erases", "", totals["erases"]),
    ]
    for section, values in (
        ("by_language", data["by_language"]),
        ("by_place", data["by_place"]),
        ("by_need", data["by_need"]),
    ):
        out += [(section, key, "", value) for key, value in values.items()]
    for cell in data["need_by_place"]:
        out.append(("need_by_place", cell["need"], cell["place"], cell["count"]))
    out += [("top_entries", item["id"], "", item["opened"]) for item in data["top_entries"]]
    out += [("not_working", item["id"], "", item["reports"]) for item in data["not_working"]]
    for section in RELAY_SECTIONS:
        out += [(section, key, "", value) for key, value in data[section].items()]
    if data["kind"] == "week":
        out += [("days", item["date"], "", item["sessions"]) for item in data["days"]]
    else:
        out += [("weeks", item["week"], "", item["sessions"]) for item in data["weeks"]]
    return out


def to_csv(reports: Sequence[Report]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "section", "key", "detail", "value"])
    for data in reports:
        writer.writerows((data["period"], *row) for row in rows(data))
    return out.getvalue()


def _table_lines(data: Report, small: str) -> list[str]:
    """One period's lines: the need x place grid lists only the cells that are shown."""
    lines = ["", f"== {data['period']} ({data['from']} to {data['to']})"]
    section = None
    hidden_cells = 0
    for name, key, detail, value in rows(data):
        if name != section:
            if section == "need_by_place" and hidden_cells:
                lines.append(f"  {'(every other cell)':<40} {small:>8}")
            lines += [name]
            section, hidden_cells = name, 0
        if name == "need_by_place" and isinstance(value, str):
            hidden_cells += 1
            continue
        label = f"{key} {detail}".strip()
        lines.append(f"  {label:<40} {value!s:>8}")
    if section == "need_by_place" and hidden_cells:
        lines.append(f"  {'(every other cell)':<40} {small:>8}")
    return lines


def to_table(reports: Sequence[Report]) -> str:
    """Plain text for people."""
    if not reports:
        return "No complete period has been published in this range yet.\n"
    small = f"<{reports[0]['min_count']}"
    lines = [
        "Usage by complete, fixed periods (UTC). Each period's figures were decided once and"
        " never change.",
        f"Counts below {reports[0]['min_count']}, and some others that would give them away,"
        f" are shown as {small}.",
        "Unique users are at most this many: after a restart a returning user may count twice.",
        "Contacts are listed only where their count is shown.",
    ]
    for data in reports:
        lines += _table_lines(data, small)
    return "\n".join(lines) + "\n"
