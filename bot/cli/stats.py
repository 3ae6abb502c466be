"""`helpline stats`: the published periods, the same fixed figures the bot shows admins."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys

from bot.cli import db
from bot.cli.failures import CommandError
from bot.clock import utc_now, utc_today
from bot.settings import Settings
from bot.stats import publish, report
from bot.stats.periods import Kind

# The range `helpline stats` shows when none is given: about a quarter of weeks, a year of months.
DEFAULT_STATS_DAYS = {Kind.WEEK: 91, Kind.MONTH: 366}


def command(args: argparse.Namespace, settings: Settings) -> int:
    """The published periods lying wholly in the range: the same fixed figures the bot shows.
    Periods that are over and not yet published are published first."""
    kind = Kind(args.period)
    today = utc_today()
    end = args.end or today
    start = args.start or end - dt.timedelta(days=DEFAULT_STATS_DAYS[kind])
    if start > end:
        raise CommandError("--from is after --to")
    reports = asyncio.run(_published_reports(settings, kind, start, end))
    formats = {
        "json": report.to_json,
        "csv": report.to_csv,
        "table": report.to_table,
    }
    sys.stdout.write(formats[args.format](reports))
    if not reports:
        print(
            f"helpline: no complete {kind.value} from {start} to {end} has been published yet",
            file=sys.stderr,
        )
    return 0


async def _published_reports(
    settings: Settings, kind: Kind, start: dt.date, end: dt.date
) -> list[report.Report]:
    missing = "the database has no counts yet: run `helpline db upgrade` first"
    async with db.opened(settings, missing=missing) as sessions:
        await publish.publish_due(
            sessions, utc_now(), settings.stats_min_count, settings.stats_retention_days
        )
        async with sessions() as session:
            periods = await publish.published(session, kind, start, end)
            weeks = [
                await publish.weeks_published(session, p.period) if kind is Kind.MONTH else []
                for p in periods
            ]
    return [report.report(p, w) for p, w in zip(periods, weeks, strict=True)]
