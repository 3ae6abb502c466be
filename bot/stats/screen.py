"""The admins' statistics screen: one published week or month, with buttons to move between
periods. Only published periods exist here (`bot/stats/publish.py`), so a tap can never show
a number that is still moving.

The button's `page` says which period: twice the number of periods back from the latest,
plus 0 for weeks or 1 for months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import PublishedPeriod
from bot.i18n import Texts, self_name
from bot.menus.callback import MAX_PAGE, Nav, Screen, encode
from bot.menus.rows import home_of
from bot.stats import publish, report
from bot.stats.periods import Kind
from bot.stats.report import Report
from bot.taxonomy import ANSWER_BANDS, N_, PLACE_LABELS, need_in_full
from bot.ui.text import bold, escape, italic, paragraphs
from bot.ui.view import MAX_MESSAGE, Button, View, fit_lines

KINDS = (Kind.WEEK, Kind.MONTH)
TOP_ENTRIES = 10
BAND_LABELS = {
    "15m": N_("Within 15 minutes"),
    "1h": N_("Within an hour"),
    "4h": N_("Within 4 hours"),
    "later": N_("After 4 hours"),
}
assert tuple(BAND_LABELS) == ANSWER_BANDS


def page_of(kind: Kind, back: int) -> int:
    return back * len(KINDS) + KINDS.index(kind)


def position(page: int) -> tuple[Kind, int]:
    """The kind of period and how many periods back; ValueError for a page never made."""
    back, kind = divmod(page, len(KINDS))
    if page < 0 or page > MAX_PAGE:
        raise ValueError(f"no statistics page {page}")
    return KINDS[kind], back


@dataclass(frozen=True)
class Shown:
    report: Report | None  # None: nothing of this kind is published yet
    earlier: bool


async def report_for(
    sessions: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    page: int,
    min_count: int,
    retention_days: int,
) -> Shown:
    """The report a page shows, after publishing any period that has just ended. Nothing is
    flushed and nothing is decided here beyond publishing: the report reads what is stored."""
    kind, back = position(page)
    await publish.publish_due(sessions, now, min_count, retention_days)
    async with sessions() as session:
        labels = (
            await session.scalars(
                select(PublishedPeriod.label)
                .where(PublishedPeriod.kind == kind.value)
                .order_by(PublishedPeriod.last_day.desc())
                .offset(back)
                .limit(2)
            )
        ).all()
        if not labels:
            return Shown(None, earlier=False)
        found = await publish.published_labels(session, [labels[0]])
        period = found[labels[0]]
        weeks = await publish.weeks_published(session, period.period) if kind is Kind.MONTH else []
    return Shown(report.report(period, weeks), earlier=len(labels) > 1)


def _line(t: Texts, label: str, value: object) -> str:
    return t.labelled(escape(label), bold(str(value)))


def _heading(t: Texts, kind: Kind, report: Report) -> list[str]:
    _ = t.gettext
    small = f"<{report['min_count']}"
    title = _("Usage in week {period}") if kind is Kind.WEEK else _("Usage in month {period}")
    rule = _("Counts below {n}, and some others that would give them away, are shown as {small}.")
    totals = report["totals"]
    return [
        bold(title.format(period=report["period"])),
        escape(f"{report['from']} – {report['to']} (UTC)"),
        italic(rule.format(n=report["min_count"], small=small)),
        "",
        _line(t, _("Sessions"), totals["sessions"]),
        _line(t, _("Different users, at most"), totals["unique_users_at_most"]),
        _line(t, _("Erases"), totals["erases"]),
    ]


def _groups(t: Texts, report: Report) -> list[str]:
    _ = t.gettext
    return [
        "",
        bold(_("Languages")),
        *(_line(t, self_name(k), v) for k, v in report["by_language"].items()),
        "",
        bold(_("Places")),
        *(_line(t, _(PLACE_LABELS[k]), v) for k, v in report["by_place"].items()),
        "",
        bold(_("Needs")),
        *(_line(t, _(need_in_full(k)), v) for k, v in report["by_need"].items()),
    ]


def _entries(t: Texts, report: Report) -> list[str]:
    _ = t.gettext
    lines = [
        "",
        bold(_("Most opened contacts")),
        escape(_("Only contacts whose count can be shown are listed.")),
        *(_line(t, item["id"], item["opened"]) for item in report["top_entries"][:TOP_ENTRIES]),
    ]
    if report["not_working"]:
        lines += ["", bold(_("Reported as not working"))]
        lines += [_line(t, item["id"], item["reports"]) for item in report["not_working"]]
    return lines


def _relay(t: Texts, report: Report) -> list[str]:
    """Talk to a person: left out while every one of its counts is hidden (as where it is
    not set up), since the lines would say nothing."""
    _ = t.gettext
    small = f"<{report['min_count']}"
    opened, answered = report["relay_opened"], report["relay_answered"]
    bands = report["relay_first_answer"]
    if all(v == small for part in (opened, answered, bands) for v in part.values()):
        return []
    return [
        "",
        bold(_("Talk to a person")),
        escape(_("Conversations opened")),
        *(_line(t, self_name(k), v) for k, v in opened.items()),
        escape(_("Conversations answered")),
        *(_line(t, self_name(k), v) for k, v in answered.items()),
        escape(_("First answer")),
        *(_line(t, _(BAND_LABELS[k]), v) for k, v in bands.items()),
    ]


def _grid(t: Texts, report: Report) -> list[str]:
    """The need x place cells that are shown; the rest are named once, as hidden."""
    _ = t.gettext
    small = f"<{report['min_count']}"
    lines = ["", bold(_("Need and place"))]
    cells = [c for c in report["need_by_place"] if c["count"] != small]
    if not cells:
        lines.append(escape(_("Every count is below {n}.").format(n=report["min_count"])))
    for cell in cells:
        label = f"{_(need_in_full(cell['need']))} · {_(PLACE_LABELS[cell['place']])}"
        lines.append(_line(t, label, cell["count"]))
    if cells:
        lines.append(escape(_("Other cells: {small}").format(small=small)))
    return lines


def view(t: Texts, nav: Nav, shown: Shown) -> View:
    _ = t.gettext
    kind, back = position(nav.page)
    report = shown.report
    if report is None:
        text = paragraphs(bold(_("Usage")), escape(_("No complete period has been published yet.")))
        return View(text, _buttons(t, nav, kind, back, earlier=False))
    lines = [*_heading(t, kind, report), *_groups(t, report), *_entries(t, report)]
    lines += _relay(t, report) + _grid(t, report)
    # The grid is the part that can be long: its lines give way from the end.
    text = fit_lines(lines, MAX_MESSAGE - 2)
    return View(text, _buttons(t, nav, kind, back, earlier=shown.earlier))


def _buttons(t: Texts, nav: Nav, kind: Kind, back: int, *, earlier: bool) -> list[list[Button]]:
    _ = t.gettext

    def to(page: int) -> str:
        return encode(Nav(Screen.STATS, nav.lang, page=page))

    names = {Kind.WEEK: _("Weeks"), Kind.MONTH: _("Months")}
    rows: list[list[Button]] = [
        [(("✓ " if k is kind else "") + names[k], to(page_of(k, 0))) for k in KINDS]
    ]
    moves = []
    if earlier and page_of(kind, back + 1) <= MAX_PAGE:
        moves.append(("◀ " + _("Earlier"), to(page_of(kind, back + 1))))
    if back > 0:
        moves.append((_("Later") + " ▶", to(page_of(kind, back - 1))))
    if moves:
        rows.append(moves)
    rows.append([("🏠 " + _("Home"), encode(home_of(nav)))])
    return rows


def caption(t: Texts, report: Report) -> str:
    return t.gettext("Sessions and needs chosen, {start} – {end}").format(
        start=report["from"], end=report["to"]
    )
