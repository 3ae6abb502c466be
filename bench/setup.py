"""A database with a generated directory, made once per size and reused."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench import directory_gen
from bot.db import database
from bot.directory import queries
from bot.directory.schema import DirectoryFile


def prepare(folder: Path, size: int) -> tuple[str, list[dict[str, object]], float]:
    """(database URL, the entries, seconds the import took)."""
    items = directory_gen.entries(size)
    path = folder / f"bench-{size}.db"
    url = f"sqlite+aiosqlite:///{path}"
    started = time.perf_counter()
    if not path.exists():
        asyncio.run(_load(url, items))
    return url, items, time.perf_counter() - started


async def _load(url: str, items: list[dict[str, object]]) -> None:
    """Validated by the file format's models, then written as the bot writes rows (without
    the import's YAML parsing and audit records, which a benchmark fixture does not need)."""
    parsed = DirectoryFile.model_validate({"version": 1, "entries": items})
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        async with database.make_sessionmaker(engine)() as session, session.begin():
            for start in range(0, len(parsed.entries), 2000):
                session.add_all(queries.to_row(e) for e in parsed.entries[start : start + 2000])
                await session.flush()
                session.expunge_all()
    finally:
        await engine.dispose()
