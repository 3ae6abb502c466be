"""`helpline directory validate|import|export|history`: the directory file and the database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli import db
from bot.cli.failures import CommandError
from bot.clock import utc_now
from bot.db import database
from bot.desk import imports, proposals, staff
from bot.directory import audit, export, file_format, hsds, queries, replace, schema
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
    if args.directory_command == "import" and args.format == "hsds":
        return _import_hsds(settings, args, text)
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
        _print_plan(replace.plan_import([], parsed), dry_run=True)  # nothing is created
        return 0
    async with db.opened(settings) as sessions, sessions() as session:
        if dry_run:
            plan = replace.plan_import(await queries.all_entries(session), parsed)
        else:
            async with session.begin():
                plan = await replace.replace_all(session, parsed)
    _print_plan(plan, dry_run=dry_run)
    return 0


def _import_hsds(settings: Settings, args: argparse.Namespace, text: str) -> int:
    """Services another organisation publishes, as drafts of one volunteer: nothing of them
    reaches users until volunteers have checked, submitted and approved them."""
    try:
        found = hsds.read(text)
    except hsds.NotHsds as exc:
        print(f"error: {args.file}: {exc}", file=sys.stderr)
        return 1
    for line in found.unmapped:
        print(f"not mapped: {line}")
    if args.dry_run:
        for data in found.drafts:
            print(f"draft: {data['id']}")
        print(f"{len(found.drafts)} services would become drafts")
        return 0
    if args.author is None:
        raise CommandError(
            "--format hsds needs --author ID: the volunteer whose drafts they become"
        )
    made = asyncio.run(_drafts(settings, args.author, found.drafts))
    for proposal in made.proposals:
        print(f"draft: {proposal.entry_id}")
    print(
        f"{len(made.proposals)} drafts for volunteer {args.author} to review in the desk"
        f" (My drafts), {len(made.unchanged)} unchanged"
    )
    return 0


async def _drafts(
    settings: Settings, author: int, drafts: list[dict[str, object]]
) -> proposals.Made:
    async with db.opened(settings) as sessions:
        if await staff.role_of(sessions, author) is None:
            raise CommandError(f"{author} is not staff: add them with `helpline staff add`")
        async with sessions() as session, session.begin():
            return await imports.as_drafts(session, author, drafts)


def _print_plan(plan: replace.ImportPlan, *, dry_run: bool) -> None:
    verb = "would be" if dry_run else "were"
    for label, ids in (("added", plan.added), ("updated", plan.updated), ("removed", plan.removed)):
        for entry_id in ids:
            print(f"{label}: {entry_id}")
    print(
        f"{len(plan.added)} {verb} added, {len(plan.updated)} {verb} updated,"
        f" {len(plan.removed)} {verb} removed, {plan.unchanged} unchanged"
    )


async def _all_entries(
    settings: Settings,
) -> tuple[list[schema.EntryModel], list[hsds.Change]]:
    missing = "the database has no directory yet: run `helpline db upgrade` or import a file"
    async with db.opened(settings, missing=missing) as sessions, sessions() as session:
        entries = await queries.all_entries(session)
        changes = [
            hsds.Change(
                at=r.at,
                actor=r.actor,
                entry_id=r.entry_id,
                action=r.action,
                field=r.field,
                lang=r.lang,
                old=r.old,
                new=r.new,
                approved_by=r.approved_by,
            )
            for r in await audit.everything(session)
        ]
        return entries, changes


def _export(settings: Settings, target: str, fmt: str, *, internal: bool = False) -> int:
    entries, changes = asyncio.run(_all_entries(settings))
    if fmt == "csv":
        text = export.to_csv(entries, internal=internal)
    elif fmt == "hsds":
        done = hsds.export(entries, changes, now=utc_now(), internal=internal)
        for line in done.unsaid:
            print(f"not in HSDS: {line}", file=sys.stderr)
        text = done.text
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
