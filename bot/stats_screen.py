"""The admins' statistics screen: the report as text, with buttons for the period."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import stats, stats_report
from bot.callback import Nav, Screen, encode
from bot.i18n import Texts
from bot.screens import MAX_MESSAGE, View, home_of, visible_length
from bot.stats import UsageCounter
from bot.taxonomy import LANGUAGE_SELF_NAMES, NEED_LABELS, PLACE_LABELS

PERIODS = (7, 30, 90)


async def report_for(
    counter: UsageCounter,
    sessions: async_sessionmaker[AsyncSession],
    days: int,
    today: dt.date,
    min_count: int,
) -> dict[str, Any]:
    """The report for the last `days` complete UTC days (today is not over, and comparing two
    views of it a few minutes apart would show one person's steps). The three periods are
    decided together, so that no view gives away what another hides."""
    await stats.flush(counter, sessions)  # yesterday's last minute may still be in memory
    end = today - dt.timedelta(days=1)
    async with sessions() as session:
        raws = [
            await stats_report.load(session, end - dt.timedelta(days=period - 1), end)
            for period in PERIODS
        ]
    reports = stats_report.build_many(raws, min_count)
    return reports[PERIODS.index(days)]


def view(t: Texts, nav: Nav, report: dict[str, Any]) -> View:
    _ = t.gettext
    small = f"<{report['min_count']}"

    def line(label: str, value: object) -> str:
        return f"{html.escape(label)}: <b>{html.escape(str(value))}</b>"

    totals = report["totals"]
    parts = [
        "<b>" + html.escape(_("Usage, last {days} days").format(days=nav.page)) + "</b>",
        html.escape(f"{report['from']} – {report['to']} (UTC)"),
        "<i>"
        + html.escape(
            _(
                "Counts below {n}, and some others that would give them away, are shown as {small}."
            ).format(n=report["min_count"], small=small)
        )
        + "</i>",
        "",
        line(_("Sessions"), totals["sessions"]),
        line(_("Different users, at most"), totals["unique_users_at_most"]),
        line(_("Erases"), totals["erases"]),
        "",
        "<b>" + html.escape(_("Languages")) + "</b>",
        *(line(LANGUAGE_SELF_NAMES[k], v) for k, v in report["by_language"].items()),
        "",
        "<b>" + html.escape(_("Places")) + "</b>",
        *(line(_(PLACE_LABELS[k]), v) for k, v in report["by_place"].items()),
        "",
        "<b>" + html.escape(_("Needs")) + "</b>",
        *(line(_(NEED_LABELS[k]), v) for k, v in report["by_need"].items()),
        "",
        "<b>" + html.escape(_("Most opened contacts")) + "</b>",
        *(line(item["id"], item["opened"]) for item in report["top_entries"]),
    ]
    if report["not_working"]:
        parts += ["", "<b>" + html.escape(_("Reported as not working")) + "</b>"]
        parts += [line(item["id"], item["reports"]) for item in report["not_working"]]
    parts += ["", "<b>" + html.escape(_("Need and place, by week")) + "</b>"]
    shown = [c for c in report["need_by_place_weekly"] if c["count"] != small]
    if not shown:
        parts.append(html.escape(_("Every count is below {n}.").format(n=report["min_count"])))
    for cell in shown:
        label = (
            f"{cell['week']} · {_(NEED_LABELS[cell['need']])} · {_(PLACE_LABELS[cell['place']])}"
        )
        parts.append(line(label, cell["count"]))
    if shown:
        parts.append(html.escape(_("Other cells: {small}").format(small=small)))
    text = "\n".join(parts)
    while visible_length(text) > MAX_MESSAGE - 2:  # a long period: drop weekly lines from the end
        parts.pop(-2)
        text = "\n".join([*parts[:-1], "…", parts[-1]])
    rows = [
        [
            (
                ("✓ " if days == nav.page else "") + _("{days} days").format(days=days),
                encode(Nav(Screen.STATS, nav.lang, page=days)),
            )
            for days in PERIODS
        ],
        [("🏠 " + _("Home"), encode(home_of(nav)))],
    ]
    return View(text, rows)


def caption(t: Texts, report: dict[str, Any]) -> str:
    return t.gettext("Sessions per day and needs chosen, {start} – {end}").format(
        start=report["from"], end=report["to"]
    )
