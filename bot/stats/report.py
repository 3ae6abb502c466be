"""The statistics report: a published period's numbers as admins see them, hidden ones as
"<N", in every view.

One function builds a period's report as data; the JSON, CSV and table of `helpline stats`
and the bot's screen and chart are drawn from it. It only reads what was published
(`bot/stats_publish.py`): it decides nothing and writes nothing, so every view of a period
shows the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.stats.periods import Kind
from bot.stats.publish import Name, Published
from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

Value = int | str


def report(period: Published, weeks: Sequence[Published] = ()) -> dict[str, Any]:
    """The report of one published period; for a month, `weeks` are its published weeks,
    whose sessions it lists (as they were published)."""
    small = f"<{period.min_count}"

    def shown(name: Name, source: Published = period) -> Value:
        value = source.shown(name)
        return small if value is None else value

    def listed(kind: str) -> list[tuple[str, int]]:
        """Only entries whose number is shown: a list of every entry opened at least once
        would say that someone opened each of them."""
        found = [
            (name[1], count)
            for name, (count, hidden) in period.cells.items()
            if name[0] == kind and not hidden
        ]
        return sorted(found, key=lambda item: (-item[1], item[0]))

    data: dict[str, Any] = {
        "period": period.period.label,
        "kind": period.period.kind.value,
        "from": period.period.first.isoformat(),
        "to": period.period.last.isoformat(),
        "min_count": period.min_count,
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
        "top_entries": [{"id": key, "opened": n} for key, n in listed("opened")],
        "not_working": [{"id": key, "reports": n} for key, n in listed("reports")],
    }
    if period.period.kind is Kind.WEEK:
        data["days"] = [
            {"date": day.isoformat(), "sessions": shown(("day", day.isoformat()))}
            for day in period.period.days()
        ]
    else:
        data["weeks"] = [
            {"week": week.period.label, "sessions": shown(("total", "sessions"), week)}
            for week in weeks
        ]
    return data


def to_json(reports: Sequence[dict[str, Any]]) -> str:
    return json.dumps({"periods": list(reports)}, indent=2, ensure_ascii=False) + "\n"


def rows(data: dict[str, Any]) -> list[tuple[str, str, str, Value]]:
    """A report flattened: (section, key, detail, value), for the table and CSV views."""
    out: list[tuple[str, str, str, Value]] = []
    for key, value in data["totals"].items():
        out.append(("totals", key, "", value))
    for section in ("by_language", "by_place", "by_need"):
        for key, value in data[section].items():
            out.append((section, key, "", value))
    for cell in data["need_by_place"]:
        out.append(("need_by_place", cell["need"], cell["place"], cell["count"]))
    for item in data["top_entries"]:
        out.append(("top_entries", item["id"], "", item["opened"]))
    for item in data["not_working"]:
        out.append(("not_working", item["id"], "", item["reports"]))
    for item in data.get("days", []):
        out.append(("days", item["date"], "", item["sessions"]))
    for item in data.get("weeks", []):
        out.append(("weeks", item["week"], "", item["sessions"]))
    return out


def to_csv(reports: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["period", "section", "key", "detail", "value"])
    for data in reports:
        writer.writerows((data["period"], *row) for row in rows(data))
    return out.getvalue()


def to_table(reports: Sequence[dict[str, Any]]) -> str:
    """Plain text for people: the need x place grid lists only the cells that are shown."""
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
        lines += ["", f"== {data['period']} ({data['from']} to {data['to']})"]
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
    return "\n".join(lines) + "\n"
