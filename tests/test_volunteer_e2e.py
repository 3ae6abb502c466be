"""The volunteer desk end to end: two volunteers and an admin, through the real bot."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.db.models import DailyCount, Entry, Proposal
from bot.desk import proposals, staff
from bot.desk.callback import Act, Tap, decode, encode
from bot.directory import audit, queries
from bot.i18n import Texts
from bot.stats import counting
from bot.taxonomy import NEED_LABELS
from tests import telegram_html
from tests.directory_data import RECENT, STALE, TODAY, as_yaml, entry, standard_entries
from tests.file_data import hostile_file, large_file
from tests.harness import Harness, Person, telegram_length
from tests.menu_paths import open_need

LANGS = ["ko", "zh", "en"]
ADMIN, ANNA, BORA = 610001, 610002, 610003
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Desk:
    harness: Harness
    admin: Person
    anna: Person
    bora: Person
    user: Person

    @property
    def core(self):  # type: ignore[no-untyped-def]
        assert self.harness.app is not None
        return self.harness.core

    async def proposals(self) -> list[Proposal]:
        async with self.core.sessions() as session:
            return list(await session.scalars(select(Proposal).order_by(Proposal.id)))

    async def entry(self, entry_id: str) -> Entry | None:
        async with self.core.sessions() as session:
            return await session.get(Entry, entry_id)


@contextlib.asynccontextmanager
async def open_desk(
    tmp_path: Path,
    lang: str = "en",
    entries: list[dict[str, object]] | None = None,
    **settings: object,
) -> AsyncIterator[Desk]:
    """The bot with an admin and two volunteers (Anna, Bora), and a user; stopped on leaving."""
    directory = as_yaml(entries if entries is not None else standard_entries())
    async with Harness(tmp_path, admin_ids=str(ADMIN), directory=directory, **settings) as harness:
        assert harness.app is not None
        await harness.add_staff("volunteer", ANNA, BORA)
        yield Desk(
            harness,
            harness.person(lang, user_id=ADMIN),
            harness.person(lang, user_id=ANNA),
            harness.person(lang, user_id=BORA),
            harness.person(lang),
        )


@pytest.fixture
async def desk(tmp_path: Path) -> AsyncIterator[Desk]:
    async with open_desk(tmp_path) as opened:
        yield opened


def _(lang: str, text: str) -> str:
    return Texts(lang).gettext(text)


NEW_NAMES = {"ko": "따뜻한 쉼터", "zh": "温暖之家", "en": "Kind Harbour"}
OLD_NAMES = {"ko": "Alpha Shelter", "zh": "甲庇护所", "en": "Alpha Shelter"}


async def propose_name(
    who: Person, lang: str, entry_id: str, name: str, name_lang: str = "en"
) -> None:
    """Find the entry by id, open a change, write a new name, submit it."""
    await who.send("/volunteer")
    await who.tap(_(lang, "Find by id"))
    await who.send(entry_id)
    await who.tap(_(lang, "Needs a change"))
    await who.tap(_(lang, "Name"))
    await who.tap(Texts(lang).language_name(name_lang))
    await who.send(name)
    await who.tap(_(lang, "Check and submit"))
    await who.tap(_(lang, "Submit for review"))


async def open_change(who: Person, entry_id: str) -> None:
    """From the desk, find an entry by its id and start a proposal to change it (English)."""
    await who.send("/volunteer")
    await who.tap("Find by id")
    await who.send(entry_id)
    await who.tap("Needs a change")


async def user_sees(user: Person, place: str, need: str, lang: str = "en") -> str:
    """What she sees on the list of `need` (its English label, or how it starts) in `place`."""
    await user.send("/start")
    await user.tap(_(lang, place))
    await open_need(user, next(key for key, label in NEED_LABELS.items() if label.startswith(need)))
    return user.screen.text + " ".join(user.labels())


@pytest.mark.parametrize("lang", LANGS)
async def test_a_proposal_is_reviewed_by_another_and_then_users_see_it(
    tmp_path: Path, lang: str
) -> None:
    """The whole round trip, with staff and user in one language: the new name is written in
    her language, so the user sees it only once it is approved."""
    async with open_desk(tmp_path, lang) as d:
        new, old = NEW_NAMES[lang], OLD_NAMES[lang]
        before = await user_sees(d.user, "In China", "A safe place to stay", lang)
        assert old in before and new not in before

        await propose_name(d.anna, lang, "cn-shelter-zh", new, lang)
        sent = Texts(lang).ngettext(
            "{count} proposal sent for review. Another volunteer will check it.",
            "{count} proposals sent for review. Another volunteer will check them.",
            1,
        )
        assert sent.format(count=1) in d.anna.screen.text
        if lang != "en":  # staff screens speak her language too
            script = HANGUL if lang == "ko" else HAN
            assert script.search(d.anna.screen.text), d.anna.screen.text
        [made] = await d.proposals()
        assert (made.state, made.kind, made.author) == ("open", "change", ANNA)
        assert new not in await user_sees(d.user, "In China", "A safe place to stay", lang)

        # Her own proposal is not hers to approve, whatever her client sends.
        await d.anna.send("/volunteer")
        await d.anna.press(encode(Tap(Act.APPROVE, lang, made.id)))
        assert _(lang, "You cannot approve your own proposal.") in d.anna.screen.text
        assert (await d.proposals())[0].state == "open"

        await d.bora.send("/volunteer")
        await d.bora.tap(_(lang, "Review ({count})").format(count=1))
        await d.bora.tap("cn-shelter-zh")
        review = html.unescape(d.bora.screen.text)
        assert f"+  {lang}: {new}" in review
        if lang != "ko":  # a Korean name is added; the others replace one
            assert f"-  {lang}: {old}" in review
        await d.bora.tap(_(lang, "Approve"))
        assert _(lang, "Approved. The directory is changed now.") in d.bora.screen.text

        after = await user_sees(d.user, "In China", "A safe place to stay", lang)
        assert new in after and old not in after
        async with d.core.sessions() as session:
            trail = await audit.history(session, "cn-shelter-zh")
        change = [r for r in trail if r.action == "updated"]
        old_text = "" if lang == "ko" else old
        assert [(r.field, r.lang, r.old, r.new, r.actor, r.approved_by) for r in change] == [
            ("verified_on", "", RECENT.isoformat(), TODAY.isoformat(), str(ANNA), str(BORA)),
            ("name", lang, old_text, new, str(ANNA), str(BORA)),
        ]  # correcting an entry is checking it: the new date is in the diff she approved


async def test_what_to_expect_is_written_at_the_desk_and_shown_on_the_card(desk: Desk) -> None:
    """A text field like the description: typed per language in a proposal, checked with the
    file's rules, shown to users once another volunteer approves it."""
    expect = "A volunteer answers in Chinese. They never call first."
    await open_change(desk.anna, "cn-shelter-zh")
    await desk.anna.tap("What to expect")
    await desk.anna.tap("English")
    await desk.anna.send("Call us back at @other_line")  # the file's rules: no handles in text
    assert "Telegram would make tappable" in html.unescape(desk.anna.screen.text)
    await desk.anna.send(expect)
    await desk.anna.tap("Check and submit")
    await desk.anna.tap("Submit for review")
    await desk.bora.send("/volunteer")
    await desk.bora.tap("Review (1)")
    await desk.bora.tap("cn-shelter-zh")
    assert f"+  en: {expect}" in html.unescape(desk.bora.screen.text)
    await desk.bora.tap("Approve")
    await user_sees(desk.user, "In China", "A safe place to stay")
    await desk.user.tap("Alpha Shelter")
    lines = desk.user.screen.text.splitlines()
    assert lines[lines.index("<b>What to expect:</b>") + 1] == expect
    async with desk.core.sessions() as session:
        trail = await audit.history(session, "cn-shelter-zh")
    assert ("expect", "en", "", expect) in [(r.field, r.lang, r.old, r.new) for r in trail]


async def test_self_approval_is_allowed_only_when_second_review_is_off(tmp_path: Path) -> None:
    async with open_desk(tmp_path, require_second_review="false") as d:
        await propose_name(d.anna, "en", "cn-shelter-zh", "Solo Harbour")
        await d.anna.send("/volunteer")
        await d.anna.tap("Review (1)")
        await d.anna.tap("cn-shelter-zh")
        await d.anna.tap("Approve")
        assert "Approved" in d.anna.screen.text
        assert "Solo Harbour" in await user_sees(d.user, "In China", "A safe place to stay")


DECISIONS = ("Approve", "Reject")
YOURS = "You made this proposal. Another volunteer must review it."


def offers_a_decision(who: Person) -> bool:
    return any(word in label for label in who.labels() for word in DECISIONS)


async def test_the_author_is_never_offered_approve_or_reject_on_her_own_proposal(
    desk: Desk,
) -> None:
    """The claim in the database refuses her anyway; the screen must not offer what it would
    refuse. Every way she can reach her own proposal: Back from the refusal, an old Reject
    button, and her second "still correct" on an entry whose re-check is hers."""
    await propose_name(desk.anna, "en", "cn-shelter-zh", "Own Harbour")
    [change] = await desk.proposals()
    await desk.anna.send("/volunteer")
    await desk.anna.press(encode(Tap(Act.APPROVE, "en", change.id)))
    assert "You cannot approve your own proposal." in desk.anna.screen.text
    await desk.anna.tap("Back")
    assert "Own Harbour" in html.unescape(desk.anna.screen.text)  # her proposal, for review
    assert not offers_a_decision(desk.anna), desk.anna.labels()
    assert YOURS in desk.anna.screen.text
    await desk.anna.press(encode(Tap(Act.REJECT, "en", change.id)))
    assert not offers_a_decision(desk.anna), desk.anna.labels()
    assert YOURS in desk.anna.screen.text

    for _tap in range(2):  # the second tap finds her own re-check waiting
        await desk.anna.send("/volunteer")
        await desk.anna.tap("Find by id")
        await desk.anna.send("cn-stale")
        await desk.anna.tap("Still correct")
    recheck = (await desk.proposals())[-1]
    assert (recheck.kind, recheck.author, recheck.state) == ("recheck", ANNA, "open")
    assert RECHECK_NOTE in html.unescape(desk.anna.screen.text)
    assert not offers_a_decision(desk.anna), desk.anna.labels()
    assert YOURS in desk.anna.screen.text

    # The same screens offer both to another volunteer.
    for made in (change, recheck):
        await desk.bora.send("/volunteer")
        await desk.bora.press(encode(Tap(Act.REVIEW, "en", made.id)))
        assert YOURS not in desk.bora.screen.text
        assert "✅ Approve" in desk.bora.labels() and "✖ Reject" in desk.bora.labels()
    assert [p.state for p in await desk.proposals()] == ["open", "open"]


async def test_a_conflicting_approval_is_refused(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-shelter-zh", "First Name")
    await propose_name(desk.bora, "en", "cn-shelter-zh", "Second Name")
    made = await desk.proposals()
    assert [(p.author, p.state) for p in made] == [(ANNA, "open"), (BORA, "open")], made
    first, second = made
    await desk.admin.send("/volunteer")
    await desk.admin.press(encode(Tap(Act.APPROVE, "en", first.id)))
    assert "Approved" in desk.admin.screen.text
    await desk.admin.press(encode(Tap(Act.APPROVE, "en", second.id)))
    assert "the entry changed after this proposal was made" in desk.admin.screen.text
    states = {p.id: p.state for p in await desk.proposals()}
    assert states == {first.id: "approved", second.id: "open"}
    shown = await user_sees(desk.user, "In China", "A safe place to stay")
    assert "First Name" in shown and "Second Name" not in shown
    # Approving twice applies once.
    await desk.admin.press(encode(Tap(Act.APPROVE, "en", first.id)))
    assert "already reviewed" in desk.admin.screen.text


RECHECK_NOTE = "Re-checked: still correct. Approving shows it to users again."
RECHECK_SENT = (
    "Sent for review. Users see this entry again once another volunteer approves the re-check."
)


@pytest.mark.parametrize("lang", LANGS)
async def test_a_recheck_of_a_hidden_entry_waits_for_a_second_review(
    tmp_path: Path, lang: str
) -> None:
    """One volunteer's "still correct" must not bring back, alone, an entry that users no
    longer see: it becomes a proposal that another member of staff approves, in the trail."""
    async with open_desk(tmp_path, lang) as d:
        anna, bora = d.anna, d.bora
        assert "Stale Shelter" not in await user_sees(
            d.user, "In China", "A safe place to stay", lang
        )
        await anna.send("/volunteer")
        await anna.press(encode(Tap(Act.QUEUE, lang, 0)))
        await anna.tap("Stale Shelter")
        assert _(lang, "Not shown to users: the last check is too old.") in anna.screen.text
        await anna.tap(_(lang, "Still correct"))
        assert "Stale Shelter" not in await user_sees(
            d.user, "In China", "A safe place to stay", lang
        )
        row = await d.entry("cn-stale")
        assert row is not None and row.verified_on == STALE
        assert html.escape(_(lang, RECHECK_SENT)) in anna.screen.text
        [made] = await d.proposals()
        assert (made.kind, made.state, made.author, made.entry_id) == (
            "recheck",
            "open",
            ANNA,
            "cn-stale",
        )

        # Not hers to approve, whatever her client sends; a second tap makes no second one.
        await anna.press(encode(Tap(Act.APPROVE, lang, made.id)))
        assert _(lang, "You cannot approve your own proposal.") in anna.screen.text
        await anna.press(encode(Tap(Act.CHECKED, lang, 0, "cn-stale")))
        assert _(lang, "You made this proposal. Another volunteer must review it.") in (
            anna.screen.text
        )
        assert [(p.id, p.state) for p in await d.proposals()] == [(made.id, "open")]

        await bora.send("/volunteer")
        await bora.tap(_(lang, "Review ({count})").format(count=1))
        await bora.tap("cn-stale")
        review = html.unescape(bora.screen.text)
        assert _(lang, RECHECK_NOTE) in review
        assert f"-verified_on: {STALE.isoformat()}" in review
        assert f"+verified_on: {TODAY.isoformat()}" in review
        await bora.tap(_(lang, "Approve"))
        assert _(lang, "Approved. The directory is changed now.") in bora.screen.text
        assert "Stale Shelter" in await user_sees(d.user, "In China", "A safe place to stay", lang)
        async with d.core.sessions() as session:
            trail = await audit.history(session, "cn-stale")
        assert [(r.action, r.field, r.old, r.new, r.actor, r.approved_by) for r in trail[1:]] == [
            ("rechecked", "verified_on", STALE.isoformat(), TODAY.isoformat(), str(ANNA), str(BORA))
        ]


async def test_a_draft_from_another_directory_is_published_by_a_check_and_a_review(
    tmp_path: Path,
) -> None:
    """A service read from another organisation's directory enters as a draft that users
    never see. The desk offers it for a first check; that check, approved by another
    volunteer, is what shows it to users."""
    imported = entry("imported-shelter", status="draft", name={"en": "Imported Shelter"})
    del imported["verified_on"]
    async with open_desk(tmp_path, entries=[*standard_entries(), imported]) as d:
        anna, bora = d.anna, d.bora
        assert "Imported Shelter" not in await user_sees(d.user, "In China", "A safe place to stay")
        await anna.send("/volunteer")
        await anna.press(encode(Tap(Act.QUEUE, "en", 0)))
        assert "🆕 Imported Shelter" in [label for row in anna.screen.buttons() for label, _ in row]
        await anna.tap("Imported Shelter")
        assert "Not shown to users: the status is draft." in anna.screen.text
        await anna.tap("Checked: show it to users")
        sent = (
            "Sent for review. Users see this entry once another volunteer approves its first check."
        )
        assert sent in anna.screen.text
        assert "Imported Shelter" not in await user_sees(d.user, "In China", "A safe place to stay")
        [made] = await d.proposals()
        assert (made.kind, made.state, made.author) == ("recheck", "open", ANNA)

        await bora.send("/volunteer")
        await bora.tap("Review (1)")
        await bora.tap("imported-shelter")
        review = html.unescape(bora.screen.text)
        assert "Checked for the first time here. Approving shows it to users." in review
        assert "-status: draft" in review and "+status: verified" in review
        assert f"+verified_on: {TODAY.isoformat()}" in review
        await bora.tap("Approve")
        assert "Imported Shelter" in await user_sees(d.user, "In China", "A safe place to stay")


async def test_a_recheck_of_a_visible_entry_is_one_tap(desk: Desk) -> None:
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Find by id")
    await desk.anna.send("cn-shelter-ko")
    assert "Shown to users." in desk.anna.screen.text
    await desk.anna.tap("Still correct")
    assert "Marked as checked today" in desk.anna.screen.text
    row = await desk.entry("cn-shelter-ko")
    assert row is not None and row.verified_on == TODAY
    assert await desk.proposals() == []
    async with desk.core.sessions() as session:
        trail = await audit.history(session, "cn-shelter-ko")
    assert [(r.action, r.actor, r.old, r.new, r.approved_by) for r in trail[1:]] == [
        ("rechecked", str(ANNA), RECENT.isoformat(), TODAY.isoformat(), "")
    ]


async def test_without_a_second_review_one_tap_brings_a_hidden_entry_back(tmp_path: Path) -> None:
    """REQUIRE_SECOND_REVIEW=false: a one-person deployment, where nobody could approve."""
    async with open_desk(tmp_path, require_second_review="false") as d:
        await d.anna.send("/volunteer")
        await d.anna.tap("Re-check")
        await d.anna.tap("Stale Shelter")
        await d.anna.tap("Still correct")
        assert "Marked as checked today" in d.anna.screen.text
        assert "Shown to users." in d.anna.screen.text
        assert "Stale Shelter" in await user_sees(d.user, "In China", "A safe place to stay")
        assert await d.proposals() == []
        async with d.core.sessions() as session:
            trail = await audit.history(session, "cn-stale")
        assert [(r.action, r.actor, r.old, r.new) for r in trail[1:]] == [
            ("rechecked", str(ANNA), STALE.isoformat(), TODAY.isoformat())
        ]


async def test_an_entry_that_went_stale_after_its_screen_was_shown_needs_a_review(
    tmp_path: Path,
) -> None:
    """Whether users see the entry is decided when "still correct" is tapped, not when its
    screen was drawn: past midnight the same button makes a proposal."""
    last_day = TODAY - dt.timedelta(days=180)
    entries = [*standard_entries(), entry("cn-edge", verified_on=last_day)]
    async with open_desk(tmp_path, entries=entries) as d:
        await d.anna.send("/volunteer")
        await d.anna.tap("Find by id")
        await d.anna.send("cn-edge")
        assert "Shown to users." in d.anna.screen.text
        tomorrow = TODAY + dt.timedelta(days=1)
        d.core.today = lambda: tomorrow
        await d.anna.tap("Still correct")
        assert "Marked as checked today" not in d.anna.screen.text
        row = await d.entry("cn-edge")
        assert row is not None and row.verified_on == last_day
        [made] = await d.proposals()
        assert (made.kind, made.state, made.entry_id) == ("recheck", "open", "cn-edge")
        assert f"verified_on: {tomorrow.isoformat()}" in made.proposed


async def test_two_volunteers_recheck_one_hidden_entry(desk: Desk) -> None:
    """The second "still correct" finds the first waiting and is the second review."""
    for who in (desk.anna, desk.bora):
        await who.send("/volunteer")
        await who.tap("Find by id")
        await who.send("cn-stale")
        await who.tap("Still correct")
    [made] = await desk.proposals()
    assert (made.kind, made.author, made.state) == ("recheck", ANNA, "open")
    assert RECHECK_NOTE in html.unescape(desk.bora.screen.text)
    assert "Stale Shelter" not in await user_sees(desk.user, "In China", "A safe place to stay")
    await desk.bora.tap("Approve")
    assert "Approved" in desk.bora.screen.text
    assert "Stale Shelter" in await user_sees(desk.user, "In China", "A safe place to stay")


async def test_retire_hides_an_entry_once_approved(desk: Desk) -> None:
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Find by id")
    await desk.anna.send("cn-shelter-ko")
    await desk.anna.tap("Retire")
    assert "+status: archived" in desk.anna.screen.text
    await desk.anna.tap("Submit for review")
    assert "Bravo Shelter" in await user_sees(desk.user, "In China", "A safe place to stay")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.APPROVE, "en", made.id)))
    assert "Bravo Shelter" not in await user_sees(desk.user, "In China", "A safe place to stay")
    row = await desk.entry("cn-shelter-ko")
    assert row is not None and row.status == "archived"


async def test_reports_put_an_entry_on_top_of_the_queue(desk: Desk) -> None:
    """Three reports yesterday (today's count is not used: it moves by the minute); shown as
    a mark, never as a number."""
    clock = [dt.datetime.combine(TODAY - dt.timedelta(days=1), dt.time(12), dt.UTC)]
    desk.core.counter = counting.UsageCounter(
        clock=lambda: clock[0], min_users=desk.core.counter.min_users
    )
    for _n in range(3):
        someone = desk.harness.person("en")
        await user_sees(someone, "In China", "A safe place to stay")
        await someone.tap("Bravo Shelter")
        await someone.tap("This contact did not work")
        await someone.tap("Yes, report")
    clock[0] += dt.timedelta(days=1)  # yesterday is over: its counts are written
    await counting.flush(desk.core.counter, desk.core.sessions)
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Re-check")
    queue = [label for row in desk.anna.screen.buttons() for label, _d in row]
    assert queue[0] == "⚠ Bravo Shelter"
    assert any("Stale Shelter" in label for label in queue[1:])


async def test_todays_reports_wait_for_the_day_to_end(desk: Desk) -> None:
    """A count that moved by the minute would tell a volunteer when someone tapped."""
    for _n in range(3):
        someone = desk.harness.person("en")
        await user_sees(someone, "In China", "A safe place to stay")
        await someone.tap("Bravo Shelter")
        await someone.tap("This contact did not work")
        await someone.tap("Yes, report")
    await counting.flush(desk.core.counter, desk.core.sessions)
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Re-check")
    queue = [label for row in desk.anna.screen.buttons() for label, _d in row]
    assert not any("Bravo Shelter" in label for label in queue)


async def test_a_new_entry_is_built_with_buttons_and_checked_as_it_is_typed(desk: Desk) -> None:
    anna = desk.anna
    await anna.send("/volunteer")
    await anna.tap("New entry")
    await anna.send("Not An Id!")
    assert "That is not a valid id." in anna.screen.text
    await anna.send("cn-new-clinic")
    await anna.tap("Check and submit")
    assert "Submit for review" not in anna.labels()  # empty: every missing field is listed
    for problem in ("name", "categories", "regions", "contacts"):
        assert f": {problem}: " in anna.screen.text, problem
    await anna.tap("Keep editing")
    await anna.tap("Name")
    await anna.tap("English")
    await anna.send("Visit www.example.org")  # the validator's rule against links
    assert "which Telegram would make tappable" in anna.screen.text
    await anna.send("River Clinic")
    await anna.tap("Places")
    await anna.tap("In China")
    await anna.tap("Back")
    await anna.tap("Needs")
    await anna.tap("Health, pregnancy")
    await anna.tap("Back")
    await anna.tap("Languages")
    await anna.tap("Korean")
    await anna.tap("Back")
    await anna.tap("Contacts")
    await anna.tap("Add a contact")
    await anna.tap("Email")
    await anna.send("not an address")
    assert "an email address such as" in anna.screen.text
    await anna.send("clinic@example.org")
    await anna.tap("Back")
    await anna.tap("Staff note")
    await anna.tap("Write a new note")
    await anna.send("Checked by phone with the nurse")
    await anna.tap("Back")
    await anna.tap("Check and submit")
    preview = anna.screen.text
    assert "+  en: River Clinic" in preview and "+- health" in preview
    await anna.tap("Submit for review")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.APPROVE, "en", made.id)))
    assert "River Clinic" in await user_sees(desk.user, "In China", "Health, pregnancy")
    row = await desk.entry("cn-new-clinic")
    assert row is not None and row.internal_note == "Checked by phone with the nurse"


async def test_a_file_with_an_error_is_refused_with_the_validators_words(desk: Desk) -> None:
    bad = as_yaml([entry("cn-shelter-ko", regions=["MARS"]), entry("Bad Id")])
    expected = [  # each error, in the words `helpline directory validate` uses
        "entry 'cn-shelter-ko' (number 1, line 3): regions[0]: Input should be 'CN', 'KR',"
        " 'TRANSIT', 'OTHER' or 'ANY'",
        "entry 'Bad Id' (number 2, line 17): id: must be lowercase letters, digits and '-',"
        " starting and ending with a letter or digit, at most 40 characters",
        "entry 'Bad Id' (number 2, line 17): contacts[0]: value must be an email address such"
        " as help@example.org",
    ]
    async with desk.core.sessions() as session:
        before = await queries.all_entries(session)
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "fix.yaml", bad.encode())
    )
    shown = telegram_html.parse(desk.anna.screen.text).lines
    assert [line for line in shown if line.startswith("entry ")] == expected
    assert await desk.proposals() == []
    async with desk.core.sessions() as session:
        assert await queries.all_entries(session) == before


async def test_errors_a_screen_cannot_list_are_counted_under_those_it_lists(desk: Desk) -> None:
    """The validator's words are long (every allowed value is named): where they fill the
    screen, fewer are listed and the rest counted, rather than the message losing its end."""
    wrong = {"regions": ["MARS"], "categories": ["nothing"]}
    bad = as_yaml([entry(f"cn-bad-{n}", **wrong) for n in range(20)])  # two errors each
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "bad.yaml", bad.encode())
    )
    text = desk.anna.screen.text
    parsed = telegram_html.parse(text)
    listed = [line for line in parsed.lines if line.startswith("entry ")]
    assert "pre" in parsed.tags and listed
    assert all(line.endswith(("'ANY'", "'testimony'")) for line in listed)
    assert parsed.lines[-1] == f"…and {40 - len(listed)} more."
    assert telegram_length(text) <= 4096


async def test_a_file_becomes_a_batch_of_proposals_shown_as_a_diff(desk: Desk) -> None:
    entries = standard_entries()
    changed = [
        e if e["id"] != "kr-settlement" else {**e, "name": {"ko": "새 정착 도움"}} for e in entries
    ]
    changed.append(entry("cn-added", name={"en": "Added Shelter"}))
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "all.yaml", as_yaml(changed).encode())
    )
    text = desk.anna.screen.text
    assert "+  ko: 새 정착 도움" in text and "+  en: Added Shelter" in text
    assert f"{len(entries) - 1} entries in the file are the same as now" in text
    await desk.anna.tap("Submit for review")
    made = await desk.proposals()
    assert sorted((p.kind, p.entry_id, p.state) for p in made) == [
        ("change", "kr-settlement", "open"),
        ("new", "cn-added", "open"),
    ]
    assert len({p.batch for p in made}) == 1


async def test_a_rejection_reaches_its_author_with_the_reason(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-shelter-zh", "Wrong Name")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.REJECT, "en", made.id)))
    await desk.bora.tap("Write a reason")
    await desk.bora.send("The number was disconnected")
    assert "Rejected" in desk.bora.screen.text
    notice = desk.anna.screen.text
    assert f"Your proposal {made.id} (cn-shelter-zh) was not accepted." in notice
    assert "Reason: The number was disconnected" in notice
    assert [p.state for p in await desk.proposals()] == ["rejected"]
    assert "Wrong Name" not in await user_sees(desk.user, "In China", "A safe place to stay")


async def test_the_digest_sends_exactly_what_waits(tmp_path: Path) -> None:
    fresh = [e for e in standard_entries() if e["id"] != "cn-stale"]
    async with open_desk(tmp_path, entries=fresh) as d:
        assert d.harness.app is not None and d.harness.app.job_queue is not None
        [job] = d.harness.app.job_queue.get_jobs_by_name("digest")
        assert job.next_t is not None and job.next_t.hour == 8

        def digests() -> dict[int, str]:
            return {
                int(p["chat_id"]): html.unescape(p["text"])
                for m, p in d.harness.fake.api.calls
                if m == "sendMessage" and "today's list" in html.unescape(p["text"])
            }

        await job.run(d.harness.app)
        assert digests() == {}  # nothing waits: nothing is sent

        await propose_name(d.anna, "en", "cn-shelter-zh", "Digest Name")
        await job.run(d.harness.app)
        assert digests() == {}  # today's was claimed already, as by a second bot process

        d.core.today = lambda: TODAY + dt.timedelta(days=1)
        await job.run(d.harness.app)
        sent = digests()
        assert set(sent) == {ADMIN, BORA}  # not her own proposal
        assert "1 proposal waits for your review." in sent[BORA]
        assert "re-check" not in sent[BORA]


async def test_admins_add_and_remove_volunteers_in_the_bot(desk: Desk) -> None:
    newcomer = desk.harness.person("en", user_id=620009)
    await newcomer.send("/volunteer")
    assert "No person reads what you send here" in newcomer.screen.text
    await desk.admin.send("/volunteer")
    await desk.admin.tap("Volunteers")
    await desk.admin.tap("Add a volunteer")
    await desk.admin.send("620009")
    await desk.admin.tap("Yes, add")
    assert "620009" in desk.admin.screen.text
    await newcomer.send("/volunteer")
    assert "Volunteer desk" in newcomer.screen.text
    await desk.admin.tap("Remove 620009")
    await desk.admin.tap("Yes, remove")
    await newcomer.send("/volunteer")
    assert "No person reads what you send here" in newcomer.screen.text
    assert await staff.role_of(desk.core.sessions, 620009) is None


async def test_history_is_for_admins(desk: Desk) -> None:
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Find by id")
    await desk.anna.send("cn-shelter-ko")
    await desk.anna.tap("Still correct")
    await desk.admin.send("/history cn-shelter-ko")
    assert "rechecked  by 610002" in desk.admin.screen.text
    await desk.anna.send("/history cn-shelter-ko")
    assert "No person reads what you send here" in desk.anna.screen.text


def still_in_chat(who: Person, sent: list[dict[str, object]]) -> list[object]:
    ids = [update["message"]["message_id"] for update in sent]  # type: ignore[index]
    return [i for i in ids if i in who.api.messages[who.chat_id]]


async def test_what_staff_type_or_send_is_deleted_from_the_chat(desk: Desk) -> None:
    """docs/VOLUNTEERS.md: typed answers and files are deleted after they are read, as users'
    messages are. Commands, an id, a new name, a reason, a file: none stays in her chat."""
    anna, admin = desk.anna, desk.admin
    sent = [await anna.send("/volunteer")]
    await anna.tap("Find by id")
    sent.append(await anna.send("cn-shelter-zh"))
    assert "Alpha Shelter" in anna.screen.text  # the answer was read
    await anna.tap("Needs a change")
    await anna.tap("Name")
    await anna.tap("English")
    sent.append(await anna.send("Harbour Of Mine"))
    assert "Harbour Of Mine" in html.unescape(anna.screen.text)
    upload = as_yaml([*standard_entries(), entry("cn-from-file", name={"en": "From File"})])
    file = anna.api.user_sends_file(anna.user, "all.yaml", upload.encode())
    sent.append(await anna.harness.deliver(file))
    assert "From File" in anna.screen.text
    sent.append(await admin.send("/history cn-shelter-zh"))
    assert "cn-shelter-zh" in admin.screen.text
    assert still_in_chat(anna, sent[:4]) == []
    assert still_in_chat(admin, sent[4:]) == []


async def test_staff_messages_stay_when_deleting_is_switched_off(tmp_path: Path) -> None:
    async with open_desk(tmp_path, delete_user_messages="false") as d:
        sent = [await d.anna.send("/volunteer")]
        await d.anna.tap("Find by id")
        sent.append(await d.anna.send("cn-shelter-zh"))
        assert "Alpha Shelter" in d.anna.screen.text
        assert len(still_in_chat(d.anna, sent)) == 2


async def test_a_typed_answer_lapses(desk: Desk) -> None:
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Find by id")
    async with desk.core.sessions() as session, session.begin():
        from bot.db.models import Staff

        member = await session.get(Staff, ANNA)
        assert member is not None and member.waiting_since is not None
        member.waiting_since = member.waiting_since - dt.timedelta(minutes=31)
    await desk.anna.send("cn-stale")
    assert "No person reads what you send here" in desk.anna.screen.text


async def test_a_proposal_is_applied_once_by_two_reviewers_at_once(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-shelter-zh", "Once Only")
    [made] = await desk.proposals()
    import asyncio

    async def approve(reviewer: int) -> proposals.Outcome:
        async with desk.core.sessions() as session:
            outcome = await proposals.approve(session, made.id, reviewer, second_review=True)
            if outcome is proposals.Outcome.APPLIED:
                await session.commit()
            return outcome

    outcomes = await asyncio.gather(approve(BORA), approve(ADMIN))
    assert sorted(o.value for o in outcomes) == ["applied", "gone"]
    async with desk.core.sessions() as session:
        trail = await audit.history(session, "cn-shelter-zh")
    assert len({r.id for r in trail if r.action == "updated" and r.field == "name"}) == 1


async def test_a_long_change_is_read_to_its_end_before_it_can_be_approved(desk: Desk) -> None:
    """A changed phone number behind a long description must not be approved unseen."""
    await open_change(desk.anna, "cn-shelter-ko")
    await desk.anna.tap("Description")
    await desk.anna.tap("English")
    await desk.anna.send("Quiet rooms for mothers and children. " * 100)
    await desk.anna.tap("Contacts")
    await desk.anna.tap("Add a contact")
    await desk.anna.tap("Phone")
    await desk.anna.send("+86 10 5555 0199")
    await desk.anna.tap("Back")
    await desk.anna.tap("Check and submit")
    while "Submit for review" not in " ".join(desk.anna.labels()):
        await desk.anna.tap("Next part")
    await desk.anna.tap("Submit for review")
    [made] = await desk.proposals()

    bora = desk.bora
    await bora.send("/volunteer")
    await bora.press(encode(Tap(Act.REVIEW, "en", made.id)))
    seen = []
    while True:
        seen.append(html.unescape(bora.screen.text))
        assert telegram_length(bora.screen.text) <= 4096
        if "Next part" not in " ".join(bora.labels()):
            break
        assert "Approve" not in " ".join(bora.labels())
        await bora.tap("Next part")
    assert len(seen) > 1 and "+86 10 5555 0199" in seen[-1]
    await bora.tap("Approve")
    assert "Approved" in bora.screen.text


async def test_leaving_the_desk_drops_its_question(desk: Desk) -> None:
    """Words typed after turning to something else are never taken as an answer."""
    await desk.admin.send("/volunteer")
    await desk.admin.tap("Volunteers")
    await desk.admin.tap("Add a volunteer")
    await desk.admin.send("/start")
    await desk.admin.tap("In China")
    await desk.admin.send("13800138000")
    assert "No person reads what you send here" in desk.admin.screen.text
    assert await staff.role_of(desk.core.sessions, 13800138000) is None

    await propose_name(desk.anna, "en", "cn-shelter-zh", "Some Name")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.REJECT, "en", made.id)))
    await desk.bora.tap("Write a reason")
    await desk.bora.send("/help")
    await desk.bora.send("my sister is at the shelter")
    assert [p.state for p in await desk.proposals()] == ["open"]
    sent = [p["text"] for m, p in desk.harness.fake.api.calls if m == "sendMessage"]
    assert not any("my sister" in text for text in sent)


async def test_a_recheck_after_a_proposal_is_not_a_conflict(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-shelter-ko", "Fresh Name")
    await desk.bora.send("/volunteer")
    await desk.bora.tap("Find by id")
    await desk.bora.send("cn-shelter-ko")
    await desk.bora.tap("Still correct")
    row = await desk.entry("cn-shelter-ko")
    assert row is not None and row.verified_on == TODAY
    [made] = await desk.proposals()
    await desk.admin.send("/volunteer")
    await desk.admin.press(encode(Tap(Act.APPROVE, "en", made.id)))
    assert "Approved" in desk.admin.screen.text
    row = await desk.entry("cn-shelter-ko")
    assert row is not None and row.verified_on == TODAY
    assert "Fresh Name" in await user_sees(desk.user, "In China", "A safe place to stay")


async def test_a_corrected_stale_entry_comes_back(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-stale", "Corrected Shelter")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.REVIEW, "en", made.id)))
    assert f"+verified_on: {TODAY.isoformat()}" in desk.bora.screen.text
    await desk.bora.tap("Approve")
    assert "Corrected Shelter" in await user_sees(desk.user, "In China", "A safe place to stay")


async def test_discarding_one_draft_of_a_file_keeps_the_others(desk: Desk) -> None:
    changed = [
        entry("cn-added-one", name={"en": "Added One"}),
        entry("cn-added-two", name={"en": "Added Two"}),
    ]
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "two.yaml", as_yaml(changed).encode())
    )
    await desk.anna.send("/volunteer")
    await desk.anna.tap("My drafts")
    await desk.anna.tap("cn-added-one")
    await desk.anna.tap("Discard this draft")
    assert [p.entry_id for p in await desk.proposals()] == ["cn-added-two"]


async def test_files_too_large_or_too_deep_are_refused_calmly(desk: Desk) -> None:
    many = as_yaml([entry(f"cn-bulk-{i}") for i in range(201)])
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "many.yaml", many.encode())
    )
    assert "at most 200 entries" in desk.anna.screen.text
    deep = b"version: 1\nentries: " + b"[" * 5000
    await desk.anna.harness.deliver(desk.anna.api.user_sends_file(desk.anna.user, "x.yaml", deep))
    assert "not valid YAML" in desk.anna.screen.text
    binary = bytes(range(256)) * 10
    await desk.anna.harness.deliver(desk.anna.api.user_sends_file(desk.anna.user, "x.yaml", binary))
    assert "UTF-8" in desk.anna.screen.text
    assert await desk.proposals() == []


async def test_long_text_in_any_script_still_fits_a_screen(desk: Desk) -> None:
    await open_change(desk.anna, "cn-shelter-all")
    await desk.anna.tap("Description")
    await desk.anna.tap("English")
    await desk.anna.send("🏠" * 2100)  # 4,200 UTF-16 units
    screen = desk.anna.screen
    assert "Choose what to change" in screen.text and telegram_length(screen.text) <= 4096
    await desk.anna.tap("Description")
    await desk.anna.tap("English")
    assert telegram_length(desk.anna.screen.text) <= 4096
    await desk.anna.send("see www.example.org")  # an error on top of a long text
    assert "tappable" in desk.anna.screen.text
    assert telegram_length(desk.anna.screen.text) <= 4096


async def test_history_shows_the_newest_change_however_long(desk: Desk) -> None:
    await propose_name(desk.anna, "en", "cn-shelter-all", "Renamed Shelter")
    [made] = await desk.proposals()
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.APPROVE, "en", made.id)))
    await desk.admin.send("/history cn-shelter-all")
    text = html.unescape(desk.admin.screen.text)
    assert "Renamed Shelter" in text and telegram_length(desk.admin.screen.text) <= 4096
    await desk.admin.send("/history " + "x" * 4000)
    assert "No changes are recorded" in desk.admin.screen.text


def _report_lines(text: str, lang: str) -> list[str]:
    """The lines of a screen that speak of users' reports: those marked ⚠, and in English
    any that says "report"."""
    lines = html.unescape(text).splitlines()
    return [line for line in lines if "⚠" in line or (lang == "en" and "report" in line.lower())]


@pytest.mark.parametrize(("lang", "min_count"), [("en", 1), ("en", 10), ("ko", 10), ("zh", 10)])
async def test_the_desk_shows_that_users_reported_an_entry_never_how_many(
    tmp_path: Path, lang: str, min_count: int
) -> None:
    """Three reports for one entry and seven for another: both are on top, oldest check
    first, and no screen or digest gives either number, whatever STATS_MIN_COUNT is. A count
    that a volunteer can read, and read again the next day, tells her when one more person
    reported."""
    older = TODAY - dt.timedelta(days=100)
    entries = [
        {**e, "verified_on": older} if e["id"] == "cn-shelter-ko" else e for e in standard_entries()
    ]
    async with open_desk(tmp_path, lang, entries=entries, stats_min_count=str(min_count)) as d:
        async with d.core.sessions() as session, session.begin():
            for entry_id, days_ago, count in [
                ("cn-shelter-ko", 1, 3),
                ("cn-shelter-zh", 1, 4),
                ("cn-shelter-zh", 5, 3),
            ]:
                day = TODAY - dt.timedelta(days=days_ago)
                session.add(DailyCount(day=day, metric="not_working", key=entry_id, count=count))
        anna = d.anna
        await anna.send("/volunteer")
        home = anna.screen.text
        await anna.press(encode(Tap(Act.QUEUE, lang, 0)))
        queue = anna.screen
        listed = [
            (decode(data).arg, label)
            for row in queue.buttons()
            for label, data in row
            if decode(data).act is Act.ENTRY
        ]
        assert [entry_id for entry_id, _label in listed] == [
            "cn-shelter-ko",  # three reports, checked longest ago
            "cn-shelter-zh",  # seven reports
            "cn-stale",
        ]
        screens_seen = {"home": home, "queue": queue.text}
        for entry_id, label in listed[:2]:
            assert "⚠" in label and not re.search(r"\d", label), label
            await anna.press(encode(Tap(Act.ENTRY, lang, 0, entry_id)))
            staff_part = anna.screen.text.split("—")[0]
            assert _report_lines(staff_part, lang), staff_part  # the signal is kept
            assert not re.search(r"\d", staff_part), staff_part
            screens_seen[entry_id] = anna.screen.text
        assert d.harness.app is not None and d.harness.app.job_queue is not None
        [job] = d.harness.app.job_queue.get_jobs_by_name("digest")
        await job.run(d.harness.app)
        [digest] = [
            p["text"]
            for m, p in d.harness.fake.api.calls
            if m == "sendMessage" and p["chat_id"] == ANNA and "/volunteer" in p["text"]
        ]
        screens_seen["digest"] = digest
        for name in ("queue", "digest"):
            assert _report_lines(screens_seen[name], lang), (name, screens_seen[name])
        for name, text in screens_seen.items():
            for line in _report_lines(text, lang):
                assert not re.search(r"\d", line), (name, line)


async def test_a_recheck_approved_too_late_says_the_entry_is_still_hidden(desk: Desk) -> None:
    """The check is dated to the day its author made it; approved more than
    VERIFY_MAX_AGE_DAYS later, it brings nothing back, and the reviewer is told so."""
    await desk.anna.send("/volunteer")
    await desk.anna.tap("Find by id")
    await desk.anna.send("cn-stale")
    await desk.anna.tap("Still correct")
    [made] = await desk.proposals()
    desk.core.today = lambda: TODAY + dt.timedelta(days=200)
    await desk.bora.send("/volunteer")
    await desk.bora.press(encode(Tap(Act.APPROVE, "en", made.id)))
    assert "users still do not see the entry" in desk.bora.screen.text
    row = await desk.entry("cn-stale")
    assert row is not None and row.verified_on == TODAY


@contextlib.asynccontextmanager
async def loop_lag() -> AsyncIterator[list[float]]:
    """How late a ticker that wants to run every 10 ms wakes up, each time, while the block
    runs: anything holding the event loop shows as a late tick."""
    lags: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append(time.perf_counter() - before - 0.01)

    ticker = asyncio.create_task(tick())
    try:
        yield lags
    finally:
        done.set()
        await ticker


async def test_a_hostile_file_is_refused_at_once_and_never_holds_up_the_bot(desk: Desk) -> None:
    content = hostile_file().encode()
    started = time.perf_counter()
    async with loop_lag() as lags:
        await desk.anna.harness.deliver(
            desk.anna.api.user_sends_file(desk.anna.user, "hostile.yaml", content)
        )
    took = time.perf_counter() - started
    # Unloaded, the refusal takes 0.2-0.7 s and the loop is never held 0.05 s; before the fix
    # it took 40 s or more, holding the loop about a second at a time. The bounds leave room
    # for a shared, loaded machine, where a ticker is late for reasons of its own: half the
    # hold the defect made, ten times what an unloaded run shows.
    assert took < 3.0, f"the file took {took:.1f} s to refuse"
    assert lags and max(lags) < 0.5, f"the event loop was held for {max(lags):.2f} s"
    shown = html.unescape(desk.anna.screen.text)
    assert "anchor (&e)" in shown and "entry (number 1, line 3)" in shown
    assert await desk.proposals() == []


async def test_a_large_ordinary_file_still_becomes_proposals(desk: Desk) -> None:
    content = large_file().encode()
    assert 900_000 < len(content) < 1_000_000
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "large.yaml", content)
    )
    assert any("Discard" in label for label in desk.anna.labels())  # a preview, in parts
    made = await desk.proposals()
    assert len(made) == 200 and {p.kind for p in made} == {"new"}


async def test_a_file_without_a_size_is_refused_unopened(desk: Desk) -> None:
    content = as_yaml([entry("cn-unsized")]).encode()
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "x.yaml", content, file_size=None)
    )
    asked = [method for method, _params in desk.anna.api.calls]
    assert "getFile" not in asked and "download" not in asked
    assert "was not opened" in desk.anna.screen.text
    assert await desk.proposals() == []
    big = b"#" * 1_000_001
    await desk.anna.harness.deliver(desk.anna.api.user_sends_file(desk.anna.user, "x.yaml", big))
    assert "too big" in desk.anna.screen.text
    assert "getFile" not in [method for method, _params in desk.anna.api.calls]


async def test_a_check_that_runs_too_long_is_stopped_calmly(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.directory.file_check.WALL_SECONDS", 0.01)
    content = as_yaml([entry("cn-slow")]).encode()
    await desk.anna.harness.deliver(
        desk.anna.api.user_sends_file(desk.anna.user, "slow.yaml", content)
    )
    assert "so it was stopped" in desk.anna.screen.text
    assert any("Volunteer desk" in label for label in desk.anna.labels())
    assert await desk.proposals() == []
