"""The statistics chart: sessions as a line (per day in a week, per week in a month), needs
as bars, hidden counts left out.

Drawn with matplotlib's object API (a Figure, no pyplot), which renders through Agg and never
needs a display. The picture holds only numbers, dates
and need codes, so it needs no Korean or Chinese font on the server; the translated title
travels in the photo's caption, which Telegram draws.
"""

from __future__ import annotations

import io

from bot.stats.report import Report


def render(report: Report) -> bytes:
    """A PNG of the report. Suppressed values are not drawn: a gap in the line, and an empty
    bar marked with the "<N" text, so the picture reveals nothing the numbers hide."""
    # Imported here, not at start-up: matplotlib is large, and only admins ever need it.
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    small = f"<{report['min_count']}"
    figure = Figure(figsize=(8, 7), dpi=100)
    days_axis, needs_axis = figure.subplots(2, 1)

    if report["kind"] == "week":
        series = [(d["date"][5:], d["sessions"]) for d in report["days"]]
    else:
        series = [(w["week"][5:], w["sessions"]) for w in report["weeks"]]
    xs = list(range(len(series)))
    ys = [n if isinstance(n, int) else float("nan") for _, n in series]
    days_axis.plot(xs, ys, marker="o", linewidth=1.5)
    days_axis.set_xticks(xs, [label for label, _ in series])
    days_axis.set_ylabel("sessions")
    days_axis.set_ylim(bottom=0)
    days_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    days_axis.grid(alpha=0.3)

    needs = list(report["by_need"].items())
    heights = [v if isinstance(v, int) else 0 for _, v in needs]
    bars = needs_axis.bar(range(len(needs)), heights)
    for bar, (_, value) in zip(bars, needs, strict=True):
        if value == small:
            needs_axis.annotate(
                small, (bar.get_x() + bar.get_width() / 2, 0), ha="center", va="bottom", fontsize=7
            )
    needs_axis.set_xticks(
        range(len(needs)), [k for k, _ in needs], rotation=45, ha="right", fontsize=8
    )
    needs_axis.set_ylabel("chosen")
    needs_axis.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.suptitle(f"{report['period']}: {report['from']} .. {report['to']}")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
