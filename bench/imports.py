"""`python -m bench --import`: how long replacing the directory from a file takes.

An import is timed as the command runs it: the file's text is parsed and validated, then the
directory is replaced in one transaction with its audit records. Each size is timed twice on a
fresh database: into an empty directory (every entry added), then again with every entry
changed (every entry updated, the heavier case: the old rows go first). Sizes double, so that
time growing linearly with size shows as a steady time per entry.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from bench import directory_gen
from bot.db import database
from bot.db.models import Base
from bot.directory import file_format, replace
from bot.directory.schema import DirectoryFile

SIZES = (2500, 5000, 10_000)


@dataclass(frozen=True)
class ImportRun:
    entries: int
    parse_s: float
    added_s: float
    updated_s: float

    def per_entry_ms(self) -> float:
        return 1000 * self.updated_s / self.entries


def _changed(parsed: DirectoryFile) -> DirectoryFile:
    """Every entry with its name changed: an import that updates them all."""
    entries = [
        e.model_copy(update={"name": {lang: text + " *" for lang, text in e.name.items()}})
        for e in parsed.entries
    ]
    return parsed.model_copy(update={"entries": entries})


async def _replace(url: str, parsed: DirectoryFile) -> float:
    engine = database.make_engine(url)
    try:
        sessions = database.make_sessionmaker(engine)
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            await replace.replace_all(session, parsed)
        return time.perf_counter() - started
    finally:
        await engine.dispose()


async def _fresh(url: str) -> None:
    engine = database.make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(Base.metadata.drop_all)
            await connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        await database.upgrade(engine)
    finally:
        await engine.dispose()


def run(folder: Path, url: str | None = None, sizes: tuple[int, ...] = SIZES) -> list[ImportRun]:
    """Each size on a fresh database: a SQLite file in `folder`, or the database at `url`
    (emptied first: give it one of its own)."""
    found = []
    for size in sizes:
        text = directory_gen.as_yaml(directory_gen.entries(size))
        started = time.perf_counter()
        parsed = file_format.parse(text, f"bench-{size}.yaml")
        parse_s = time.perf_counter() - started
        target = url or f"sqlite+aiosqlite:///{folder / f'import-{size}.db'}"
        if url is None:
            (folder / f"import-{size}.db").unlink(missing_ok=True)
        asyncio.run(_fresh(target))
        added = asyncio.run(_replace(target, parsed))
        updated = asyncio.run(_replace(target, _changed(parsed)))
        found.append(ImportRun(size, parse_s, added, updated))
    return found


def lines(runs: list[ImportRun], database_name: str) -> list[str]:
    out = [
        f"directory import on {database_name} (seconds; target under 10 s at 10,000 entries):",
        f"{'entries':>9}{'parse':>9}{'all added':>11}{'all updated':>13}{'ms/entry':>10}",
    ]
    for r in runs:
        out.append(
            f"{r.entries:>9,}{r.parse_s:>9.2f}{r.added_s:>11.2f}{r.updated_s:>13.2f}"
            f"{r.per_entry_ms():>10.3f}"
        )
    return out
