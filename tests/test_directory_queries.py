"""Directory queries on a real SQLite file: the visibility boundary and the name used to sort."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot import database, directory
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry
from tests.harness import load_directory


async def listing(tmp_path: Path, entries: list[dict], lang: str, **query: object) -> list[str]:  # type: ignore[type-arg]
    url = databases.url_for(tmp_path, "q")
    await load_directory(url, as_yaml(entries))
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            page = await directory.list_for_need(
                session,
                lang=lang,
                page=0,
                today=TODAY,
                max_age_days=180,
                **query,  # type: ignore[arg-type]
            )
    finally:
        await engine.dispose()
    return [e.id for e in page.entries]


async def test_the_age_limit_is_inclusive(tmp_path: Path) -> None:
    entries = [
        entry("exactly-180", verified_on=TODAY - dt.timedelta(days=180)),
        entry("day-181", verified_on=TODAY - dt.timedelta(days=181)),
        entry("today", verified_on=TODAY),
    ]
    got = await listing(tmp_path, entries, "ko", need="shelter", place="CN")
    assert set(got) == {"exactly-180", "today"}


async def test_sorted_by_the_name_she_sees(tmp_path: Path) -> None:
    entries = [
        entry("z-first-code", name={"ko": "Zeta ko", "zh": "Alpha zh"}),
        entry("m-only-ko", name={"ko": "Mid ko"}),
        entry("b-english", name={"en": "Beta en", "ko": "Omega ko"}),
    ]
    # An English reader sees English, else the text of the lowest language code.
    got = await listing(tmp_path, entries, "en", need="shelter", place="CN")
    assert got == ["b-english", "m-only-ko", "z-first-code"]


async def test_other_places_and_needs_are_left_out(tmp_path: Path) -> None:
    entries = [
        entry("kr-only", regions=["KR"]),
        entry("anywhere", regions=["ANY"]),
        entry("other-need", categories=["legal"]),
        entry("two-places", regions=["KR", "CN"]),
    ]
    got = await listing(tmp_path, entries, "ko", need="shelter", place="CN")
    assert set(got) == {"anywhere", "two-places"}
