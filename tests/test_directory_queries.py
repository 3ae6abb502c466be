"""Directory queries on a real SQLite file: the visibility boundary and the name used to sort."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db import database
from bot.db.models import Entry
from bot.directory import file_format, queries
from tests import databases
from tests.directory_data import RECENT, TODAY, as_yaml, entry
from tests.harness import load_directory


@pytest.fixture(autouse=True)
def built_afresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """The list statements as start-up builds them, built again for each test: they are
    built once, at import, so a test of them has to build its own to see a change to them."""
    pages, total = queries._page_queries()
    monkeypatch.setattr(queries, "_PAGE_OF", pages)
    monkeypatch.setattr(queries, "_TOTAL_OF", total)


SEOUL = {"rule": "Mo-Fr 09:00-18:00; PH off", "zone": "Asia/Seoul", "holidays": "KR"}


@asynccontextmanager
async def directory(
    tmp_path: Path,
    entries: list[dict],  # type: ignore[type-arg]
    *,
    version: int = 1,
    selects: list[str] | None = None,
) -> AsyncIterator[AsyncSession]:
    """A session on a new SQLite file holding `entries`; each SELECT said to `selects`."""
    tmp_path.mkdir(exist_ok=True)
    url = databases.url_for(tmp_path, "q")
    await load_directory(url, as_yaml(entries, version=version))
    engine = database.make_engine(url)
    count_selects(engine, selects)
    try:
        async with database.make_sessionmaker(engine)() as session:
            yield session
    finally:
        await engine.dispose()


def count_selects(engine: AsyncEngine, selects: list[str] | None) -> None:
    """Say each SELECT the engine runs to `selects` (if given)."""

    def count(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if selects is not None and statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", count)


async def pages(
    tmp_path: Path,
    entries: list[dict],  # type: ignore[type-arg]
    lang: str,
    numbers: tuple[int, ...] = (0,),
    *,
    need: str | None = None,
    place: str | None = None,
    open_ids: frozenset[str] | None = None,
    urgent: bool = False,
    selects: list[str] | None = None,
) -> list[queries.Page]:
    """Pages of the list of contacts reachable anywhere, or of a need's list in a place:
    in the plain order, or open first (`open_ids` open now). Each SELECT said to `selects`."""
    found = []
    async with directory(tmp_path, entries, selects=selects) as session:
        for number in numbers:
            where: dict[str, Any] = {
                "lang": lang,
                "page": number,
                "today": TODAY,
                "max_age_days": 180,
            }
            if need is None or place is None:
                page = await queries.list_anywhere(session, **where)
            elif open_ids is None:
                page = await queries.list_for_need(session, need=need, place=place, **where)
            else:
                page = await queries.list_open_first(
                    session,
                    need=need,
                    place=place,
                    open_now=lambda e: e.id in open_ids,
                    urgent=urgent,
                    **where,
                )
            found.append(page)
    return found


async def listing(
    tmp_path: Path,
    entries: list[dict],  # type: ignore[type-arg]
    lang: str,
    *,
    need: str,
    place: str,
) -> list[str]:
    (page,) = await pages(tmp_path, entries, lang, need=need, place=place)
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


async def test_the_whole_directory_is_read_by_id_whatever_the_order_it_was_written_in(
    tmp_path: Path,
) -> None:
    """Every entry, hidden ones too, by id: the order an import wrote them in (the file's) is
    not the order they are read in."""
    entries = [
        entry("z-last"),
        entry("a-first", status="draft"),
        entry("m-stale", verified_on=TODAY - dt.timedelta(days=400)),
    ]
    async with directory(tmp_path, entries) as session:
        got = [e.id for e in await queries.all_entries(session)]
    assert got == ["a-first", "m-stale", "z-last"]


async def test_other_places_and_needs_are_left_out(tmp_path: Path) -> None:
    entries = [
        entry("kr-only", regions=["KR"]),
        entry("anywhere", regions=["ANY"]),
        entry("other-need", categories=["legal"]),
        entry("two-places", regions=["KR", "CN"]),
    ]
    got = await listing(tmp_path, entries, "ko", need="shelter", place="CN")
    assert set(got) == {"anywhere", "two-places"}


async def test_pages_of_five_in_order_with_the_total_and_the_last_page_for_one_past_it(
    tmp_path: Path,
) -> None:
    entries = [entry(f"legal-{i}", name={"en": "Same Name"}) for i in (6, 2, 0, 5, 3, 1, 4)]
    entries.append(entry("stale", verified_on=TODAY - dt.timedelta(days=181)))
    first, second, past = await pages(
        tmp_path, entries, "en", (0, 1, 9), need="shelter", place="CN"
    )
    # The same name everywhere: the id decides, so the order is the same on every page.
    assert [e.id for e in first.entries] == [f"legal-{i}" for i in range(5)]
    assert [e.id for e in second.entries] == ["legal-5", "legal-6"]
    assert (first.page, first.pages, first.total) == (0, 2, 7)
    assert (second.page, second.pages, second.total) == (1, 2, 7)
    assert past == second  # an old or forged button past the end shows the last page

    # Names in the opposite order to the ids: the page is cut by name, not by id.
    entries = [entry(f"legal-{i}", name={"en": f"Name {9 - i}"}) for i in range(7)]
    (tmp_path / "reversed").mkdir()
    first, second = await pages(
        tmp_path / "reversed", entries, "en", (0, 1), need="shelter", place="CN"
    )
    assert [e.id for e in first.entries] == [f"legal-{i}" for i in (6, 5, 4, 3, 2)]
    assert [e.id for e in second.entries] == ["legal-1", "legal-0"]


async def test_each_language_has_its_own_order_and_the_anywhere_list_every_need(
    tmp_path: Path,
) -> None:
    entries = [
        entry("a-korean", languages=["ko"], regions=["ANY"], name={"en": "A"}),
        entry("b-chinese", languages=["zh"], regions=["ANY"], categories=["legal"]),
        entry("c-english", languages=["en"], regions=["ANY"], name={"en": "C"}),
        entry("d-china-only", languages=["zh"], name={"en": "D"}),
    ]
    entries[1]["name"] = {"en": "B"}
    for lang, first in (("ko", "a-korean"), ("zh", "b-chinese"), ("en", "c-english")):
        (tmp_path / lang).mkdir()
        (page,) = await pages(tmp_path / lang, entries, lang)
        ids = [e.id for e in page.entries]
        assert ids[0] == first, lang  # staff who speak her language first
        assert sorted(ids) == ["a-korean", "b-chinese", "c-english"]
        assert (page.total, page.pages) == (3, 1)


async def test_a_need_s_list_puts_staff_who_speak_her_language_first(tmp_path: Path) -> None:
    entries = [
        entry("a-english", languages=["en"], name={"en": "A"}),
        entry("b-korean", languages=["ko"], name={"en": "B"}),
        entry("c-chinese", languages=["zh"], name={"en": "C"}),
    ]
    for lang, first in (("ko", "b-korean"), ("zh", "c-chinese"), ("en", "a-english")):
        got = await listing(tmp_path / lang, entries, lang, need="shelter", place="CN")
        assert got[0] == first, lang
        assert sorted(got) == ["a-english", "b-korean", "c-chinese"]


async def test_a_middle_page_is_that_page_and_one_past_the_end_from_page_one_the_last(
    tmp_path: Path,
) -> None:
    entries = [entry(f"legal-{i:02}", name={"en": "Same"}) for i in range(12)]
    middle, last = await pages(tmp_path, entries, "en", (1, 2), need="shelter", place="CN")
    assert [e.id for e in middle.entries] == [f"legal-{i:02}" for i in range(5, 10)]
    assert (middle.page, middle.pages, middle.total) == (1, 3, 12)
    assert [e.id for e in last.entries] == ["legal-10", "legal-11"]

    short = [entry(f"legal-{i}") for i in range(3)]
    (past,) = await pages(tmp_path / "short", short, "en", (1,), need="shelter", place="CN")
    assert ([e.id for e in past.entries], past.page, past.pages) == (
        sorted(e["id"] for e in short),
        0,
        1,
    )


async def test_an_empty_list_costs_one_query(tmp_path: Path) -> None:
    """The total alone is asked only for a page past the end of a list that has one."""
    selects: list[str] = []
    elsewhere = [entry("kr-only", regions=["KR"])]
    (page,) = await pages(tmp_path, elsewhere, "en", selects=selects, need="shelter", place="CN")
    assert (page.entries, page.page, page.pages, page.total) == ([], 0, 1, 0)
    assert len(selects) == 1


async def test_any_page_of_an_empty_list_is_its_one_empty_page(tmp_path: Path) -> None:
    """An old or forged button may ask for page 3 of a list that has emptied since."""
    elsewhere = [entry("kr-only", regions=["KR"])]
    (page,) = await pages(tmp_path, elsewhere, "en", (3,), need="shelter", place="CN")
    assert (page.entries, page.page, page.pages, page.total) == ([], 0, 1, 0)


async def test_the_entry_s_columns_say_what_its_document_says(tmp_path: Path) -> None:
    """Screens read the document; the columns beside it are there for whoever reads the
    table itself (a query of the staff notes, a check of the hours), so they must agree."""
    entries = [
        entry("noted", internal_note="Ask Min-ji; checked by phone", opening=SEOUL),
        entry("plain"),
    ]
    async with directory(tmp_path, entries, version=2) as session:
        rows = list(await session.scalars(select(Entry).order_by(Entry.id)))
        found = [
            (
                row.id,
                row.status,
                row.verified_on,
                row.internal_note,
                (row.opening_rule, row.opening_zone, row.opening_holidays),
            )
            for row in rows
        ]
        documents = [queries.from_document(row.document) for row in rows]
    assert found == [
        ("noted", "verified", RECENT, "Ask Min-ji; checked by phone", tuple(SEOUL.values())),
        ("plain", "verified", RECENT, None, (None, None, None)),
    ]
    assert [(d.id, d.internal_note) for d in documents] == [
        ("noted", "Ask Min-ji; checked by phone"),
        ("plain", None),
    ]


async def open_first(
    tmp_path: Path,
    entries: list[dict],  # type: ignore[type-arg]
    *,
    urgent: bool = False,
    open_ids: frozenset[str] = frozenset(),
    numbers: tuple[int, ...] = (0,),
    selects: list[str] | None = None,
) -> list[queries.Page]:
    """Pages of the shelters in China, open first, for a Korean reader."""
    return await pages(
        tmp_path,
        entries,
        "ko",
        numbers,
        need="shelter",
        place="CN",
        open_ids=open_ids,
        urgent=urgent,
        selects=selects,
    )


async def test_urgent_help_puts_open_first_even_before_her_language(tmp_path: Path) -> None:
    entries = [
        entry("a-korean-closed", languages=["ko"], name={"en": "A"}),
        entry("b-english-open", languages=["en"], name={"en": "B"}),
    ]
    opened = frozenset({"b-english-open"})
    (urgent,) = await open_first(tmp_path / "u", entries, urgent=True, open_ids=opened)
    (other,) = await open_first(tmp_path / "o", entries, urgent=False, open_ids=opened)
    assert [e.id for e in urgent.entries] == ["b-english-open", "a-korean-closed"]
    assert [e.id for e in other.entries] == ["a-korean-closed", "b-english-open"]


async def test_open_first_pages_a_short_list_once_and_a_page_past_the_end_is_the_last(
    tmp_path: Path,
) -> None:
    three = [entry(f"s-{i}", name={"en": f"S {i}"}) for i in range(3)]
    selects: list[str] = []
    (short,) = await open_first(tmp_path / "short", three, selects=selects)
    assert (short.page, short.pages, short.total, len(selects)) == (0, 1, 3, 1)

    seven = [entry(f"s-{i}", name={"en": f"S {i}"}) for i in range(7)]
    opened = frozenset({"s-6"})
    first, past = await open_first(tmp_path / "seven", seven, open_ids=opened, numbers=(0, 4))
    assert [e.id for e in first.entries] == ["s-6", "s-0", "s-1", "s-2", "s-3"]
    assert (past.page, past.pages, [e.id for e in past.entries]) == (1, 2, ["s-4", "s-5"])


@pytest.mark.parametrize(
    ("size", "ordered"), [(queries.OPEN_FIRST_LIMIT, True), (queries.OPEN_FIRST_LIMIT + 1, False)]
)
async def test_a_list_is_ordered_by_who_is_open_up_to_its_limit(
    tmp_path: Path, size: int, ordered: bool
) -> None:
    many = [entry(f"s-{i:03}", name={"en": f"S {i:03}"}) for i in range(size)]
    last = many[-1]["id"]
    (page,) = await open_first(tmp_path, many, open_ids=frozenset({last}))
    assert (page.entries[0].id == last) is ordered
    assert page.total == size


def test_an_entry_read_back_from_its_document_is_the_entry() -> None:
    """Screens read the document alone, so everything a file can say comes back from it: the
    optional fields absent or present, hours with and without a holiday country, a draft."""
    entries = [
        entry("minimal"),
        entry(
            "everything",
            languages=["zh", "ko"],
            categories=["legal", "shelter"],
            regions=["KR", "ANY"],
            name={"ko": "이름", "zh": "名字", "en": "Name"},
            description={"en": "What they do."},
            expect={"ko": "전화하면 받습니다."},
            hours={"zh": "周一到周五"},
            internal_note="Ask Min-ji",
            opening=SEOUL,
            contacts=[
                {"type": "phone", "value": "+82 2 0000 0000"},
                {"type": "wechat", "value": "example_id"},
            ],
        ),
        entry("no-holidays", opening={"rule": "24/7", "zone": "Asia/Shanghai"}),
        entry("a-draft", status="draft", verified_on=None),
    ]
    models = file_format.parse(as_yaml(entries, version=2)).entries
    for model in models:
        back = queries.from_document(queries.document_of(model))
        assert back.model_dump() == model.model_dump(), model.id
    # Written as it reads, not escaped: half the bytes, and legible to whoever looks at a row.
    assert '"ko": "이름"' in queries.document_of(models[1])
