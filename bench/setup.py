"""A database with a generated directory, made once per size and reused."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bench import directory_gen
from bot import database, directory, directory_file


def prepare(folder: Path, size: int) -> tuple[str, list[dict[str, object]], float]:
    """(database URL, the entries, seconds the import took)."""
    items = directory_gen.entries(size)
    path = folder / f"bench-{size}.db"
    url = f"sqlite+aiosqlite:///{path}"
    started = time.perf_counter()
    if not path.exists():
        asyncio.run(_load(url, directory_gen.as_yaml(items)))
    return url, items, time.perf_counter() - started


async def _load(url: str, text: str) -> None:
    engine = database.make_engine(url)
    try:
        await database.upgrade(engine)
        parsed = directory_file.parse(text, "generated")
        async with database.make_sessionmaker(engine)() as session, session.begin():
            await directory.replace_all(session, parsed)
    finally:
        await engine.dispose()
