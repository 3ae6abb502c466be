"""`helpline staff add|remove|list`: who is a volunteer or an admin, by Telegram user id."""

from __future__ import annotations

import argparse
import asyncio

from bot.cli import db
from bot.cli.failures import CommandError
from bot.clock import utc_today
from bot.desk import staff
from bot.settings import Settings


def command(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_staff(args, settings))


async def _staff(args: argparse.Namespace, settings: Settings) -> int:
    async with db.opened(settings) as sessions:
        match args.staff_command:
            case "add":
                changed = await staff.add(sessions, args.user_id, args.role, utc_today())
                print(f"{args.user_id}: {args.role}" + ("" if changed else " (unchanged)"))
            case "remove":
                if not await staff.remove(sessions, args.user_id):
                    raise CommandError(f"{args.user_id} is not staff")
                print(f"{args.user_id}: removed")
            case "list":
                for member in await staff.members(sessions):
                    print(f"{member.user_id}\t{member.role}\tsince {member.added_on}")
    return 0
