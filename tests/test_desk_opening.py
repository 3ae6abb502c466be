"""The desk edits an entry's weekly hours: typed, checked at once with the validator's words,
kept in the draft, shown in the diff, applied with the rest once approved."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.desk import draft
from bot.desk.callback import Act, Tap, encode
from bot.directory import audit, queries
from tests.harness import Person
from tests.test_volunteer_e2e import Desk, open_desk


def shown(who: Person) -> str:
    return html.unescape(who.screen.text)


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with open_desk(tmp_path) as opened:
        yield opened


async def test_weekly_hours_are_typed_checked_and_applied(desk: Desk) -> None:
    anna = desk.anna
    await anna.send("/volunteer")
    await anna.tap("Find by id")
    await anna.send("cn-shelter-all")
    await anna.tap("Needs a change")
    await anna.tap("Weekly hours")
    assert "No weekly hours." in shown(anna)
    await anna.tap("Write the weekly hours")
    assert "Mo-Fr 09:00-18:00; PH off" in shown(anna)  # the example
    await anna.send("Mo-Fr 9-18\nAsia/Seoul")
    assert "opening: not understood" in shown(anna)  # refused at once, asked again
    await anna.send("Mo-Fr 09:00-18:00\nSeoul")
    assert "opening.zone: unknown time zone 'Seoul'" in shown(anna)
    await anna.send("Mo-Fr 09:00-18:00; PH off\nAsia/Seoul")
    assert "needs the country" in shown(anna)
    [proposal] = await desk.proposals()
    assert "opening" not in draft.load(proposal.proposed)  # nothing wrong was kept
    await anna.send("Mo-Fr 09:00-12:00,13:00-18:00; PH off\nAsia/Seoul\nkr")
    assert "Time zone: Asia/Seoul" in shown(anna)
    assert "Closed on the public holidays of KR" in shown(anna)
    await anna.tap("Back")
    await anna.tap("Check and submit")
    preview = shown(anna)
    assert "+opening:" in preview.replace(" ", "")
    assert "Mo-Fr 09:00-12:00,13:00-18:00; PH off" in preview
    await anna.tap("Submit for review")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.APPROVE, "en", made.id)))
    async with desk.core.sessions() as session:
        model = await queries.visible_entry(
            session, "cn-shelter-all", today=desk.core.today(), max_age_days=180
        )
        row = await desk.entry("cn-shelter-all")
        records = await audit.history(session, "cn-shelter-all")
    assert model is not None and model.opening is not None
    assert (model.opening.rule, model.opening.zone, model.opening.holidays) == (
        "Mo-Fr 09:00-12:00,13:00-18:00; PH off",
        "Asia/Seoul",
        "KR",
    )
    assert model.hours == {"en": "Weekdays"}  # the free-text note stays beside them
    assert row is not None and row.opening_zone == "Asia/Seoul"
    (change,) = [r for r in records if r.field == "opening"]
    assert change.old == "" and change.new == (
        "rule: Mo-Fr 09:00-12:00,13:00-18:00; PH off\nzone: Asia/Seoul\nholidays: KR"
    )
    # The desk's card of the entry says whether it is open now, as her card does.
    await anna.send("/volunteer")
    await anna.tap("Find by id")
    await anna.send("cn-shelter-all")
    assert "Open now" in shown(anna) or "Closed now" in shown(anna)


async def test_weekly_hours_can_be_removed(desk: Desk) -> None:
    anna = desk.anna
    await anna.send("/volunteer")
    await anna.tap("Find by id")
    await anna.send("cn-shelter-all")
    await anna.tap("Needs a change")
    await anna.tap("Weekly hours")
    await anna.tap("Write the weekly hours")
    await anna.send("24/7\nAsia/Shanghai")
    assert "🧹 Remove the weekly hours" in anna.labels()
    await anna.tap("Remove the weekly hours")
    assert "No weekly hours." in shown(anna)
    [proposal] = await desk.proposals()
    assert "opening" not in draft.load(proposal.proposed)


def test_typed_lines_become_the_files_fields_in_its_order() -> None:
    data = {"id": "x", "status": "draft", "name": {"en": "X"}, "contacts": []}
    changed = draft.set_opening(data, "  Mo-Fr 09:00-18:00; PH off \n\n Asia/Seoul \n cn ")
    assert list(changed) == ["id", "status", "name", "opening", "contacts"]
    assert changed["opening"] == {
        "rule": "Mo-Fr 09:00-18:00; PH off",
        "zone": "Asia/Seoul",
        "holidays": "CN",
    }
    assert "opening" not in draft.set_opening(changed, None)
    four = draft.set_opening(data, "24/7\nAsia/Seoul\nKR\nextra")
    assert draft.errors_in(four, "opening")
