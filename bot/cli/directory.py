"""`helpline directory validate|import|export|history`: the directory file and the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli import db
from bot.cli.failures import CommandError
from bot.db import database
from bot.directory import audit, export, file_format, queries, schema
from bot.directory.file_format import DirectoryFileInvalid
from bot.settings import Settings


def command(args: argparse.Namespace, settings: Settings) -> int:
    if args.directory_command == "export":
        return _export(settings, args.file, args.format, internal=args.include_internal)
    if args.directory_command == "history":
        return asyncio.run(_history(settings, args.entry_id))
    text = _read(args.file)
    if text is None:
        return 1
    try:
        parsed = file_format.parse(text, str(args.file))
    except DirectoryFileInvalid as exc:
        for error in exc.errors:
            print(f"error: {error}", file=sys.stderr)
        print(f"{args.file}: {len(exc.errors)} error(s); nothing was changed", file=sys.stderr)
        return 1
    if args.directory_command == "validate":
        print(f"{args.file}: valid, {len(parsed.entries)} entries")
        return 0
    return asyncio.run(_import(settings, parsed, dry_run=args.dry_run))


def _read(path: Path) -> str | None:
    """A directory file's text; `-` is standard input (the service's user may not be able to
    open a file in the admin's home folder: `helpline directory import - < FILE`)."""
    try:
        if str(path) == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"helpline: cannot read {path}: {exc.__class__.__name__}", file=sys.stderr)
        return None


async def _import(settings: Settings, parsed: schema.DirectoryFile, *, dry_run: bool) -> int:
    with db.reaching(settings.database_url):
        new_database = not await database.has_schema(settings.database_url)
    if dry_run and new_database:
        _print_plan(queries.plan_import([], parsed), dry_run=True)  # nothing is created
        return 0
    async with db.opened(settings) as sessions, sessions() as session:
        if dry_run:
            plan = queries.plan_import(await queries.all_entries(session), parsed)
        else:
            async with session.begin():
                plan = await queries.replace_all(session, parsed)
    _print_plan(plan, dry_run=dry_run)
    return 0


def _print_plan(plan: queries.ImportPlan, *, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for label, ids in (("added", plan.added), ("updated", plan.updated), ("removed", plan.removed)):
        for entry_id in ids:
            print(f"{label}: {entry_id}")
    print(
        f"{len(plan.added)} {verb} added, {len(plan.updated)} {verb} updated,"
        f" {len(plan.removed)} {verb} removed, {plan.unchanged} unchanged"
    )


async def _all_entries(settings: Settings) -> list[schema.EntryModel]:
    missing = "the database has no directory yet: run `helpline db upgrade` or import a file"
    async with db.opened(settings, missing=missing) as sessions, sessions() as session:
        return await queries.all_entries(session)


def _export(settings: Settings, target: str, fmt: str, *, internal: bool = False) -> int:
    entries = asyncio.run(_all_entries(settings))
    if fmt == "csv":
        text = export.to_csv(entries, internal=internal)
    elif fmt == "hsds":
        text = export.to_hsds(entries, internal=internal)
    else:
        text = file_format.dump(entries, internal=internal)
    if target == "-":
        sys.stdout.write(text)
    else:
        try:
            Path(target).write_text(text, "utf-8")
        except OSError as exc:
            raise CommandError(
                f"cannot write {target}: {exc.strerror or type(exc).__name__}"
            ) from None
        print(f"wrote {len(entries)} entries to {target}", file=sys.stderr)
    return 0


async def _history(settings: Settings, entry_id: str) -> int:
    missing = "the database has no directory yet"
    async with db.opened(settings, missing=missing) as sessions, sessions() as session:
        records = await audit.history(session, entry_id)
    if not records:
        raise CommandError(f"no recorded change to {entry_id!r}")
    for item in records:
        print(audit.describe(item))
    return 0
