"""Open Referral HSDS 3.0 both ways: every export valid against the specification's own
schemas (vendored under tests/hsds/schema), staff named only by pseudonyms, weekly schedules
from the structured hours; and HSDS files read into drafts that users never see, a round
trip keeping everything HSDS can hold."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db import database
from bot.db.models import Entry, Proposal, Staff
from bot.desk import draft, imports, proposals
from bot.directory import audit, hsds, queries
from bot.directory.file_format import entry_to_data
from bot.directory.schema import EntryModel
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry, standard_entries
from tests.harness import load_directory
from tests.test_cli import helpline

SCHEMAS = Path(__file__).parent / "hsds" / "schema"
BASE = "https://hsds.example/schema/"
# A member of staff whose id must never reach an export, and one who approves her changes.
CANARY, REVIEWER = 918_273_645_546_372_819, 5_000_777
NOW = dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC)
Sessions = async_sessionmaker[AsyncSession]


def _validator() -> Draft202012Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = json.loads(path.read_text("utf-8"))
        resources.append((BASE + path.name, DRAFT202012.create_resource(contents)))
    registry: Registry[Any] = Registry().with_resources(resources)
    page = json.loads((SCHEMAS / "openapi.json").read_text("utf-8"))["components"]["schemas"][
        "Page"
    ]
    schema = {
        "allOf": [page],
        "properties": {"contents": {"type": "array", "items": {"$ref": BASE + "service.json"}}},
        "required": ["contents", "total_items"],
    }
    return Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def assert_valid_hsds(text: str, *, ours: bool = True) -> dict[str, Any]:
    document = json.loads(text)
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])
    for service in document["contents"] if ours else []:
        for schedule in service.get("schedules", []):
            for key in ("opens_at", "closes_at"):
                if key in schedule:  # HH:MM with the offset, as the specification asks
                    assert re.fullmatch(r"\d{2}:\d{2}[+-]\d{2}:\d{2}", schedule[key])
    return document


def hours_entries() -> list[dict[str, Any]]:
    return [
        entry(
            "seoul-counsel",
            regions=["KR", "CN"],
            categories=["mental_health", "emergency"],
            languages=["ko", "zh"],
            name={"ko": "서울 상담", "zh": "首尔咨询", "en": "Seoul Counselling"},
            description={"en": "Talk in Korean or Chinese.", "ko": "조선말로 말하십시오."},
            hours={"en": "Weekdays, with a lunch break", "zh": "工作日"},
            opening={
                "rule": "Mo-Fr 09:00-12:00,13:00-18:00; Sa 10:00-14:00; PH off",
                "zone": "Asia/Seoul",
                "holidays": "KR",
            },
            internal_note="checked by phone (note-4417)",
            contacts=[
                {"type": "phone", "value": "+82 2 0000 0001"},
                {"type": "telegram", "value": "@seoul_counsel"},
                {"type": "website", "value": "https://counsel.example.org"},
                {"type": "email", "value": "help@counsel.example.org"},
                {"type": "kakaotalk", "value": "seoul_counsel"},
                {"type": "wechat", "value": "seoul_counsel_wx"},
                {"type": "signal", "value": "+82 10 0000 0002"},
            ],
        ),
        entry(
            "night-line",
            regions=["ANY"],
            opening={"rule": "Fr-Sa 22:00-02:00", "zone": "Asia/Shanghai"},
        ),
        entry("always-line", opening={"rule": "24/7", "zone": "Asia/Shanghai"}),
        entry(
            "berlin-desk",
            regions=["OTHER"],
            opening={
                "rule": "Mo-Th 08:00-16:00; PH off",
                "zone": "Europe/Berlin",
                "holidays": "CN",
            },
        ),
    ]


@pytest.fixture
async def sessions(tmp_path: Path) -> AsyncIterator[Sessions]:
    url = databases.url_for(tmp_path)
    await load_directory(url, as_yaml([*standard_entries(), *hours_entries()], version=2))
    engine = database.make_engine(url)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _changed_by_canary(sessions: Sessions) -> None:
    """The canary proposes a change, the reviewer approves it: the audit trail names both."""
    async with sessions() as session, session.begin():
        for user_id in (CANARY, REVIEWER):
            session.add(Staff(user_id=user_id, role="volunteer", added_on=TODAY))
    async with sessions() as session, session.begin():
        proposal = await proposals.start_change(session, CANARY, "seoul-counsel", TODAY)
        assert proposal is not None
        data = draft.set_text(draft.load(proposal.proposed), "hours", "en", "Weekdays")
        proposals.save(proposal, data)
        await proposals.submit(session, CANARY, proposal.batch)
        outcome = await proposals.approve(session, proposal.id, REVIEWER, second_review=True)
        assert outcome is proposals.Outcome.APPLIED


async def _export(sessions: Sessions, *, internal: bool = False) -> hsds.Exported:
    async with sessions() as session:
        entries = await queries.all_entries(session)
        changes = [
            hsds.Change(
                r.at, r.actor, r.entry_id, r.action, r.field, r.lang, r.old, r.new, r.approved_by
            )
            for r in await audit.everything(session)
        ]
    return hsds.export(entries, changes, now=NOW, internal=internal)


def _attribute(item: dict[str, Any], code: str) -> str:
    return next(a["value"] for a in item["attributes"] if a["taxonomy_term"]["code"] == code)


async def test_the_export_is_valid_hsds_3(sessions: Sessions) -> None:
    assert len(standard_entries()) + len(hours_entries()) == 20
    await _changed_by_canary(sessions)
    for internal in (False, True):
        document = assert_valid_hsds((await _export(sessions, internal=internal)).text)
        assert document["total_items"] == len(document["contents"]) == 20


async def test_an_empty_directory_is_a_valid_empty_page() -> None:
    document = assert_valid_hsds(hsds.export([], now=NOW).text)
    assert document["contents"] == [] and document["empty"] is True


async def test_services_carry_what_the_entry_says(sessions: Sessions) -> None:
    await _changed_by_canary(sessions)
    document = json.loads((await _export(sessions)).text)
    services = {_attribute(s, "entry_id"): s for s in document["contents"]}
    seoul = services["seoul-counsel"]
    assert seoul["name"] == "Seoul Counselling" and seoul["status"] == "active"
    assert seoul["assured_date"] == TODAY.isoformat()  # checked again when the change was made
    assert seoul["organization"]["name"] == "Seoul Counselling"
    assert seoul["url"] == "https://counsel.example.org"
    assert seoul["email"] == "help@counsel.example.org"
    assert [(p["number"], p["type"]) for p in seoul["phones"]] == [
        ("+82 2 0000 0001", "voice"),
        ("+82 10 0000 0002", "text"),
    ]
    assert [c["email"] for c in seoul["contacts"]] == ["help@counsel.example.org"]
    assert [(lang["code"], lang["name"]) for lang in seoul["languages"]] == [
        ("ko", "Korean"),
        ("zh", "Chinese"),
    ]
    assert [a["name"] for a in seoul["service_areas"]] == ["KR", "CN"]
    assert _attribute(seoul, "name:ko") == "서울 상담"
    assert services["cn-draft"]["status"] == "inactive"
    assert "note-4417" not in json.dumps(document)
    assert any(m["field_name"] == "hours:en" for m in seoul["metadata"])


async def test_schedules_are_weekly_with_offsets_and_say_the_holidays(sessions: Sessions) -> None:
    document = json.loads((await _export(sessions)).text)
    services = {_attribute(s, "entry_id"): s for s in document["contents"]}

    def weekly(entry_id: str) -> list[tuple[str, str, str, float]]:
        return [
            (s["byday"], s["opens_at"], s["closes_at"], s["timezone"])
            for s in services[entry_id]["schedules"]
        ]

    assert sorted(weekly("seoul-counsel")) == [
        ("MO,TU,WE,TH,FR", "09:00+09:00", "12:00+09:00", 9),
        ("MO,TU,WE,TH,FR", "13:00+09:00", "18:00+09:00", 9),
        ("SA", "10:00+09:00", "14:00+09:00", 9),
    ]
    for schedule in services["seoul-counsel"]["schedules"]:
        assert schedule["freq"] == "WEEKLY"
        assert "public holidays of KR" in schedule["description"]
        assert "Asia/Seoul" in schedule["description"]
    # Past midnight: it closes the next day, which the description explains.
    assert weekly("night-line") == [("FR,SA", "22:00+08:00", "02:00+08:00", 8)]
    assert "on the next day" in services["night-line"]["schedules"][0]["description"]
    assert weekly("always-line") == [("MO,TU,WE,TH,FR,SA,SU", "00:00+08:00", "00:00+08:00", 8)]
    # Berlin keeps summer time: the offset is the one on the day of the export, and said so.
    (berlin,) = services["berlin-desk"]["schedules"]
    assert (berlin["opens_at"], berlin["timezone"]) == ("08:00+01:00", 1)
    assert "daylight saving" in berlin["description"]
    assert "public holidays of CN" in berlin["description"]
    # Without structured hours, the free-text note is the schedule's description.
    (note,) = services["cn-shelter-all"]["schedules"]
    assert note["description"] == "Weekdays" and "byday" not in note


async def test_staff_ids_never_reach_an_export(sessions: Sessions, tmp_path: Path) -> None:
    await _changed_by_canary(sessions)
    for internal in (False, True):
        text = (await _export(sessions, internal=internal)).text
        for staff_id in (CANARY, REVIEWER):
            assert str(staff_id) not in text
        names = {m["updated_by"] for s in json.loads(text)["contents"] for m in s["metadata"]}
        assert any("approved by" in name for name in names)
        named = [part for name in names for part in re.findall(r"staff-[^\s,;()]*", name)]
        assert named, names
        for part in named:
            assert re.fullmatch(r"staff-[a-z]{10}", part)  # letters: no id's digits in it


def test_pseudonyms_are_stable_in_an_export_and_unlinkable_across_exports() -> None:
    first, second = hsds.Pseudonyms(), hsds.Pseudonyms()
    staff_ids = [str(CANARY), str(REVIEWER), "1", "12345"]
    for staff_id in staff_ids:
        assert first(staff_id) == first(staff_id)
        assert first(staff_id) != second(staff_id)
        assert staff_id not in first(staff_id) and first(staff_id) != staff_id
    assert len({first(staff_id) for staff_id in staff_ids}) == len(staff_ids)
    assert first("cli") == "cli"  # the command line is not a person


def test_the_cli_exports_valid_hsds_without_staff_ids(tmp_path: Path) -> None:
    directory = tmp_path / "d.yaml"
    directory.write_text(as_yaml(hours_entries(), version=2), "utf-8")
    assert helpline("directory", "import", str(directory), cwd=tmp_path).returncode == 0
    assert (
        helpline("staff", "add", str(CANARY), "--role", "volunteer", cwd=tmp_path).returncode == 0
    )
    out = helpline("directory", "export", "-", "--format", "hsds", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert_valid_hsds(out.stdout)
    assert str(CANARY) not in out.stdout


async def visible(session: AsyncSession, entry_id: str) -> EntryModel | None:
    return await queries.visible_entry(session, entry_id, today=TODAY, max_age_days=180)


async def _import(sessions: Sessions, text: str, author: int = REVIEWER) -> hsds.Imported:
    found = hsds.read(text)
    async with sessions() as session, session.begin():
        await imports.as_drafts(session, author, found.drafts)
    return found


async def _drafts(sessions: Sessions, author: int = REVIEWER) -> dict[str, dict[str, Any]]:
    async with sessions() as session:
        mine = await proposals.drafts_of(session, author)
    return {p.entry_id: draft.load(p.proposed) for p in mine}


@pytest.fixture
async def empty(tmp_path: Path) -> AsyncIterator[Sessions]:
    url = databases.url_for(tmp_path, "empty")
    await load_directory(url, as_yaml([], version=2))
    engine = database.make_engine(url)
    try:
        yield database.make_sessionmaker(engine)
    finally:
        await engine.dispose()


def _comparable(model: EntryModel) -> dict[str, Any]:
    """An entry without what an import deliberately does not take: its status and check
    date (a volunteer checks an imported entry herself)."""
    data = json.loads(json.dumps(entry_to_data(model, internal=True), default=str))
    data.pop("status")
    data.pop("verified_on", None)
    return data


async def test_a_round_trip_keeps_every_field_hsds_can_hold(
    sessions: Sessions, empty: Sessions
) -> None:
    exported = (await _export(sessions, internal=True)).text
    found = await _import(empty, exported)
    drafts = await _drafts(empty)
    async with sessions() as session:
        originals = await queries.all_entries(session)
    assert set(drafts) == {e.id for e in originals}
    for original in originals:
        imported = draft.check(drafts[original.id])
        assert isinstance(imported, EntryModel), imported
        assert imported.status == "draft" and imported.verified_on is None
        assert _comparable(imported) == _comparable(original)
    assert all("publisher's status" in line for line in found.unmapped), found.unmapped


THIRD_PARTY = {
    "total_items": 2,
    "total_pages": 1,
    "page_number": 1,
    "size": 2,
    "first_page": True,
    "last_page": True,
    "empty": False,
    "contents": [
        {
            "id": "ac148810-d857-441c-9679-408f346de14b",
            "name": "Community Counselling",
            "description": "Counselling by trained professionals.",
            "url": "https://counselling.example.com",
            "email": "email@example.com",
            "status": "active",
            "assured_date": "2026-10-01",
            "fees_description": "Free",
            "organization": {
                "id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610",
                "name": "Example Organization Inc.",
                "description": "A non-profit.",
            },
            "phones": [{"id": "1b2f3c4d-0000-4000-8000-000000000001", "number": "+82 2 123 4567"}],
            "languages": [
                {"id": "1b2f3c4d-0000-4000-8000-000000000002", "code": "ko"},
                {"id": "1b2f3c4d-0000-4000-8000-000000000003", "code": "kor"},
            ],
            "service_areas": [
                {"id": "1b2f3c4d-0000-4000-8000-000000000004", "name": "KR"},
                {"id": "1b2f3c4d-0000-4000-8000-000000000005", "name": "Seoul"},
            ],
            "schedules": [
                {
                    "id": "1b2f3c4d-0000-4000-8000-000000000006",
                    "freq": "WEEKLY",
                    "byday": "MO,TU,WE,TH,FR",
                    "opens_at": "09:00",
                    "closes_at": "17:30",
                    "timezone": 9,
                },
                {
                    "id": "1b2f3c4d-0000-4000-8000-000000000007",
                    "freq": "WEEKLY",
                    "byday": "FR",
                    "opens_at": "19:00+09:00",
                    "closes_at": "23:00+09:00",
                },
            ],
            "attributes": [
                {
                    "id": "1b2f3c4d-0000-4000-8000-000000000008",
                    "taxonomy_term": {
                        "id": "1b2f3c4d-0000-4000-8000-000000000009",
                        "code": "BD-1800",
                        "name": "Counselling",
                        "description": "x",
                        "taxonomy": "AIRS",
                    },
                }
            ],
        },
        {"id": "ac148810-d857-441c-9679-408f346de14c", "name": "서울 쉼터", "status": "active"},
    ],
}


async def test_a_third_party_file_becomes_drafts_that_users_never_see(empty: Sessions) -> None:
    text = json.dumps(THIRD_PARTY)
    assert_valid_hsds(text, ours=False)  # the file itself is HSDS 3.0
    found = await _import(empty, text)
    drafts = await _drafts(empty)
    assert set(drafts) == {"community-counselling", "hsds-ac148810"}
    counselling = drafts["community-counselling"]
    assert counselling["status"] == "draft" and "verified_on" not in counselling
    assert counselling["name"] == {"en": "Community Counselling"}
    assert drafts["hsds-ac148810"]["name"] == {"ko": "서울 쉼터"}
    assert counselling["regions"] == ["KR"] and counselling["languages"] == ["ko"]
    assert counselling["contacts"] == [
        {"type": "phone", "value": "+82 2 123 4567"},
        {"type": "website", "value": "https://counselling.example.com"},
        {"type": "email", "value": "email@example.com"},
    ]
    assert counselling["opening"] == {
        "rule": "Mo,Tu,We,Th 09:00-17:30; Fr 09:00-17:30,19:00-23:00",
        "zone": "Etc/GMT-9",
    }
    report = "\n".join(found.unmapped)
    for unmapped in (
        "fees_description",
        "'BD-1800'",
        "'Seoul'",
        "'kor'",
        "Asia/Seoul",
        "2026-10-01",
    ):
        assert unmapped in report
    # Nothing reached the directory, so no user can see any of it.
    async with empty() as session:
        assert await session.scalar(select(func.count()).select_from(Entry)) == 0
        for entry_id in drafts:
            assert (
                await queries.visible_entry(session, entry_id, today=TODAY, max_age_days=180)
                is None
            )


async def test_an_approved_import_is_still_not_shown_until_a_volunteer_verifies_it(
    empty: Sessions,
) -> None:
    """Even submitted and approved by a second volunteer, an imported service enters the
    directory as a draft: only a volunteer's own check (status verified, with its date)
    brings it to users."""
    async with empty() as session, session.begin():
        for user_id in (CANARY, REVIEWER):
            session.add(Staff(user_id=user_id, role="volunteer", added_on=TODAY))
    await _import(empty, json.dumps(THIRD_PARTY))
    async with empty() as session, session.begin():
        batch = (await proposals.drafts_of(session, REVIEWER))[0].batch
        for proposal in await proposals.batch(session, REVIEWER, batch):
            data = draft.load(proposal.proposed)
            data["categories"] = ["shelter"]
            data["regions"] = data.get("regions") or ["KR"]
            if not data.get("contacts"):
                data["contacts"] = [{"type": "email", "value": "a@example.org"}]
            proposals.save(proposal, data)
        sent = await proposals.submit(session, REVIEWER, batch)
        assert all(isinstance(p, Proposal) for p in sent), sent
    for proposal in sent:
        assert isinstance(proposal, Proposal)
        async with empty() as session, session.begin():
            outcome = await proposals.approve(session, proposal.id, CANARY, second_review=True)
            assert outcome is proposals.Outcome.APPLIED
    async with empty() as session:
        statuses = set((await session.scalars(select(Entry.status))).all())
        assert statuses == {"draft"}
        for entry_id in ("community-counselling", "hsds-ac148810"):
            assert (
                await queries.visible_entry(session, entry_id, today=TODAY, max_age_days=180)
                is None
            )


async def test_an_import_into_an_existing_entry_keeps_its_status_and_check(
    sessions: Sessions,
) -> None:
    exported = json.loads((await _export(sessions)).text)
    for service in exported["contents"]:
        for attribute in service["attributes"]:
            if attribute["taxonomy_term"]["code"] == "name:en":
                attribute["value"] += " (renamed)"
    await _import(sessions, json.dumps(exported))
    drafts = await _drafts(sessions)
    seoul = drafts["seoul-counsel"]
    assert seoul["status"] == "verified" and seoul["name"]["en"] == "Seoul Counselling (renamed)"
    assert seoul["internal_note"] == "checked by phone (note-4417)"  # not exported, still kept
    async with sessions() as session:
        kinds = {p.kind for p in await proposals.drafts_of(session, REVIEWER)}
    assert kinds == {proposals.CHANGE}


def test_not_hsds_is_refused() -> None:
    for text in ("[1, 2]", "{}", "not json"):
        with pytest.raises(hsds.NotHsds):
            hsds.read(text)


def test_the_cli_imports_hsds_into_a_volunteers_drafts(tmp_path: Path) -> None:
    source = tmp_path / "other.json"
    source.write_text(json.dumps(THIRD_PARTY), "utf-8")
    dry = helpline(
        "directory", "import", "--format", "hsds", "--dry-run", str(source), cwd=tmp_path
    )
    assert dry.returncode == 0 and "2 services would become drafts" in dry.stdout
    refused = helpline("directory", "import", "--format", "hsds", str(source), cwd=tmp_path)
    assert refused.returncode == 2 and "--author" in refused.stderr
    stranger = helpline(
        "directory", "import", "--format", "hsds", "--author", "42", str(source), cwd=tmp_path
    )
    assert stranger.returncode == 2 and "not staff" in stranger.stderr
    helpline("staff", "add", str(REVIEWER), "--role", "volunteer", cwd=tmp_path)
    done = helpline(
        "directory",
        "import",
        "--format",
        "hsds",
        "--author",
        str(REVIEWER),
        str(source),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "2 drafts for volunteer" in done.stdout
    assert "not mapped: Community Counselling: fields fees_description" in done.stdout
    listed = helpline("directory", "export", "-", cwd=tmp_path)
    assert "community-counselling" not in listed.stdout  # drafts, not entries
