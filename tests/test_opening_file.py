"""Structured opening hours in the directory file (version 2), in the database and in the
exports: read, checked with the entry and field named, kept, written back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic import command
from sqlalchemy import func, inspect, select

from bot.db import database
from bot.db.models import Entry, EntryText
from bot.directory import export, queries
from bot.directory.file_format import DirectoryFileInvalid, dump, parse
from tests import databases
from tests.directory_data import as_yaml, entry
from tests.harness import load_directory

SEOUL = {"rule": "Mo-Fr 09:00-18:00; PH off", "zone": "Asia/Seoul", "holidays": "KR"}


def errors_of(text: str) -> list[str]:
    with pytest.raises(DirectoryFileInvalid) as caught:
        parse(text, "dir.yaml")
    return [str(e) for e in caught.value.errors]


def test_a_version_1_file_is_still_read() -> None:
    parsed = parse(as_yaml([entry("old-style", hours={"en": "Weekdays"})], version=1))
    assert parsed.version == 1
    assert parsed.entries[0].opening is None
    assert parsed.entries[0].hours == {"en": "Weekdays"}


def test_a_version_2_entry_carries_structured_hours_beside_its_note() -> None:
    text = as_yaml([entry("seoul-line", hours={"en": "Weekdays"}, opening=SEOUL)], version=2)
    (found,) = parse(text).entries
    assert found.opening is not None
    assert (found.opening.rule, found.opening.zone, found.opening.holidays) == (
        "Mo-Fr 09:00-18:00; PH off",
        "Asia/Seoul",
        "KR",
    )
    assert found.hours == {"en": "Weekdays"}


@pytest.mark.parametrize(
    "rule",
    [
        "Mo-Sa 09:00-12:00,13:00-21:00",  # several intervals a day
        "Fr-Sa 22:00-02:00",  # past midnight
        "24/7",
    ],
)
def test_hand_written_notation_is_accepted(rule: str) -> None:
    opening = {"rule": rule, "zone": "Asia/Shanghai"}
    (found,) = parse(as_yaml([entry("x-line", opening=opening)], version=2)).entries
    assert found.opening is not None and found.opening.holidays is None


def test_exports_always_write_version_2_and_read_back_the_same() -> None:
    old = parse(as_yaml([entry("plain")], version=1))
    written = dump(old.entries)
    assert yaml.safe_load(written)["version"] == 2
    assert parse(written).entries == old.entries
    new = parse(as_yaml([entry("plain"), entry("seoul-line", opening=SEOUL)], version=2))
    written = dump(new.entries)
    assert yaml.safe_load(written)["entries"][1]["opening"] == SEOUL
    assert parse(written).entries == new.entries


def test_opening_in_a_version_1_file_names_the_entry_and_field() -> None:
    (error,) = errors_of(as_yaml([entry("seoul-line", opening=SEOUL)], version=1))
    assert error.startswith("entry 'seoul-line' (number 1, line 3): opening: ")
    assert "version: 2" in error


@pytest.mark.parametrize(
    ("opening", "field", "words"),
    [
        ({"rule": "Mo-Fr 9-18", "zone": "Asia/Seoul"}, "opening", "not understood"),
        ({"rule": "Mo-Fr 09:00-18:00", "zone": "Korea/Seoul"}, "opening.zone", "time zone"),
        ({"rule": "Mo-Fr 09:00-18:00; PH off", "zone": "Asia/Seoul"}, "opening", "country"),
        (
            {"rule": "Mo-Fr 09:00-18:00", "zone": "Asia/Seoul", "holidays": "KR"},
            "opening",
            "PH off",
        ),
        (
            {"rule": "Mo-Fr 09:00-18:00; PH off", "zone": "Asia/Seoul", "holidays": "kr"},
            "opening.holidays",
            "",
        ),
        (
            {"rule": "PH 10:00-12:00; Mo-Fr 09:00-18:00", "zone": "Asia/Seoul"},
            "opening",
            "PH off",
        ),
        ({"zone": "Asia/Seoul"}, "opening.rule", "required"),
        ({"rule": "24/7", "zone": "Asia/Seoul", "days": "all"}, "opening.days", ""),
        ({"rule": "", "zone": "Asia/Seoul"}, "opening.rule", ""),
    ],
)
def test_bad_hours_name_the_entry_and_field(
    opening: dict[str, Any], field: str, words: str
) -> None:
    text = as_yaml([entry("fine"), entry("bad-hours", opening=opening)], version=2)
    (error,) = errors_of(text)
    assert error.startswith("entry 'bad-hours' (number 2, line "), error
    assert f"): {field}: " in error, error
    assert words in error, error


async def test_the_database_keeps_the_hours_in_columns_and_document(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path, "hours")
    text = as_yaml([entry("plain"), entry("seoul-line", opening=SEOUL)], version=2)
    await load_directory(url, text)
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            rows = (
                await session.execute(
                    select(Entry.id, Entry.opening_rule, Entry.opening_zone, Entry.opening_holidays)
                )
            ).all()
            models = await queries.all_entries(session)
    finally:
        await engine.dispose()
    assert sorted(rows) == [
        ("plain", None, None, None),
        ("seoul-line", "Mo-Fr 09:00-18:00; PH off", "Asia/Seoul", "KR"),
    ]
    assert models == parse(text).entries


async def test_replacing_the_directory_changes_and_removes_hours(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path, "replace")
    await load_directory(url, as_yaml([entry("seoul-line", opening=SEOUL)], version=2))
    later = {"rule": "24/7", "zone": "Asia/Seoul"}
    await load_directory(url, as_yaml([entry("seoul-line", opening=later)], version=2))
    engine = database.make_engine(url)
    try:
        async with database.make_sessionmaker(engine)() as session:
            (model,) = await queries.all_entries(session)
            assert model.opening is not None and model.opening.rule == "24/7"
            assert model.opening.holidays is None
        await load_directory(url, as_yaml([entry("seoul-line")], version=1))
        async with database.make_sessionmaker(engine)() as session:
            (model,) = await queries.all_entries(session)
            rule = await session.scalar(select(Entry.opening_rule))
    finally:
        await engine.dispose()
    assert model.opening is None and rule is None


def test_csv_export_has_the_hours_in_three_columns() -> None:
    entries = parse(as_yaml([entry("plain"), entry("seoul-line", opening=SEOUL)], 2)).entries
    rows = list(csv.DictReader(io.StringIO(export.to_csv(entries))))
    assert [(r["opening_rule"], r["opening_zone"], r["opening_holidays"]) for r in rows] == [
        ("", "", ""),
        ("Mo-Fr 09:00-18:00; PH off", "Asia/Seoul", "KR"),
    ]


async def test_the_migration_adds_and_removes_the_hours_leaving_the_rest(tmp_path: Path) -> None:
    url = databases.url_for(tmp_path, "walk")
    text = as_yaml(
        [entry("plain", description={"en": "Kept"}), entry("seoul-line", opening=SEOUL)], 2
    )
    await load_directory(url, text)
    engine = database.make_engine(url)
    config = database.alembic_config(url)

    async def texts_and_documents() -> tuple[int, dict[str, dict[str, Any]]]:
        async with database.make_sessionmaker(engine)() as session:
            count = int(await session.scalar(select(func.count()).select_from(EntryText)) or 0)
            rows = (await session.execute(select(Entry.id, Entry.document))).all()
        return count, {key: json.loads(document) for key, document in rows}

    try:
        texts_before, documents = await texts_and_documents()
        assert documents["seoul-line"]["opening"] == SEOUL
        async with engine.begin() as connection:
            await connection.run_sync(_to, config, "0013")
        texts_after, downgraded = await texts_and_documents()
        assert texts_after == texts_before  # nothing that refers to an entry went with it
        assert "opening" not in downgraded["seoul-line"]
        documents["seoul-line"].pop("opening")
        assert downgraded == documents
        async with engine.begin() as connection:
            await connection.run_sync(_to, config, "head")
            columns = await connection.run_sync(
                lambda sync: {c["name"] for c in inspect(sync).get_columns("entries")}
            )
    finally:
        await engine.dispose()
    assert {"opening_rule", "opening_zone", "opening_holidays"} <= columns


def _to(connection: Any, config: Any, revision: str) -> None:
    config.attributes["connection"] = connection
    if revision == "head":
        command.upgrade(config, revision)
    else:
        command.downgrade(config, revision)


def test_every_example_in_directory_md_is_valid() -> None:
    """The documented examples are what the validator accepts."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "DIRECTORY.md").read_text("utf-8")
    examples = [line.split("#")[0] for line in text.splitlines() if line.startswith("opening: {")]
    assert len(examples) >= 7
    rules = []
    for example in examples:
        opening = yaml.safe_load(example)["opening"]
        (found,) = parse(as_yaml([entry("documented", opening=opening)], version=2)).entries
        assert found.opening is not None
        rules.append(found.opening.rule)
    assert "24/7" in rules and any("22:00-02:00" in rule for rule in rules)
    assert {"KR", "CN"} <= {yaml.safe_load(e)["opening"].get("holidays") for e in examples}
