"""The staff's side: the volunteer desk (re-check queue, entries, a proposal built a field at a
time and from a file, review by a second member of staff), the daily digest while proposals
wait, the admins' staff list and an entry's history, the admins' statistics, and a desk with
nothing due.

An admin and a volunteer take turns, as a second review needs. Files are sent as a member of
staff sends them; a file past the checking process's limits is shown by lowering the limit
for that one file.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Iterator

import yaml

from bot.desk import proposals, recheck
from bot.desk.callback import Act, Tap, encode
from bot.directory import file_check, file_format, queries, replace
from bot.menus.callback import Screen
from bot.preview import extras, usage
from bot.preview.record import ARROW, Person, Recorder, Shot
from bot.preview.walk import Walker, desk_button, find, nav_of, tap_of
from bot.stats.periods import Kind
from bot.stats.screen import page_of

NEW_ID = "example-new-service"
GROWN_ID = "example-discarded-draft"
# The hours a file gives every entry: long enough that their changes need several screens.
ALL_HOURS = (
    "Day and night, every day of the year, public holidays too. Calls and messages are"
    " answered within the hour."
)


@contextlib.contextmanager
def _check_limit(seconds: float) -> Iterator[None]:
    kept = file_check.WALL_SECONDS
    file_check.WALL_SECONDS = seconds
    try:
        yield
    finally:
        file_check.WALL_SECONDS = kept


class StaffSide:
    def __init__(self, recorder: Recorder, lang: str, admin: Person, volunteer: Person) -> None:
        self.recorder = recorder
        self.lang = lang
        self.admin = Walker(recorder, admin)
        self.volunteer = Walker(recorder, volunteer)

    async def all(self) -> None:
        await self._desk()
        await self._proposals()
        await self._files()
        await self._digest()
        await self._review()
        await self._staff()
        await self._stats()

    async def _desk(self) -> None:
        self.recorder.section(
            "Volunteer desk",
            "The desk, the re-check queue (a first check, a stale entry's check), all entries,"
            " one entry as staff see it, finding by id.",
        )
        a = self.admin
        desk = await a.command("/volunteer")
        queue = await a.press(desk_button(Act.QUEUE), on=desk)
        first = await a.press(desk_button(Act.ENTRY), on=queue)
        await a.press(desk_button(Act.CHECKED), on=first)
        new = await a.press(desk_button(Act.ENTRY, "example-draft-entry"), on=queue)
        await a.press(desk_button(Act.CHECKED), on=new)
        stale = await a.press(desk_button(Act.ENTRY, "example-stale-entry"), on=queue)
        await a.press(desk_button(Act.CHECKED), on=stale)
        await a.press(desk_button(Act.CHECKED), on=stale)
        await self._checked_at_once(queue)
        entries = await a.press(desk_button(Act.ENTRIES), on=desk)
        await a.press(desk_button(Act.ENTRIES), on=entries)
        closed = await a.press(desk_button(Act.LISTED, "example-archived-entry"), on=entries)
        old = encode(Tap(Act.CHECKED, self.lang, 0, "example-archived-entry"))
        await a.tap(old, closed.title + ARROW + "(an old “Still correct” button: retired since)")
        await a.press(desk_button(Act.FIND), on=desk)
        await a.say("Not an id!", "(she types “Not an id!”)")
        await a.say("no-such-entry", "(she types “no-such-entry”)")
        await a.press(desk_button(Act.FIND), on=desk)
        await a.say("example-safe-line", "(she types “example-safe-line”)")
        unchanged = await a.press(desk_button(Act.CHANGE))  # checked today: nothing differs
        await a.press(desk_button(Act.DISCARD), on=unchanged)

    async def _checked_at_once(self, queue: Shot) -> None:
        """Where a second review is not required, a first check shows the entry at once."""
        a = self.admin
        core = self.recorder.bot.core
        imported = await a.press(desk_button(Act.ENTRY, extras.IMPORTED_ID), on=queue)
        label, data = find(imported, desk_button(Act.CHECKED))
        kept = core.settings
        core.settings = kept.model_copy(update={"require_second_review": False})
        try:
            await a.tap(data, imported.title + ARROW + label + " (REQUIRE_SECOND_REVIEW=false)")
        finally:
            core.settings = kept

    async def _proposals(self) -> None:
        self.recorder.section(
            "A proposal, a field at a time",
            "A new entry built in the editor, every kind of field, checked and submitted; a"
            " draft discarded; a change and a retirement proposed.",
        )
        a = self.admin
        desk = await a.command("/volunteer", keep=False)
        await a.press(desk_button(Act.NEW), on=desk)
        await a.say("example-safe-line", "(she types an id that is taken)")
        editor = await a.say(NEW_ID, f"(she types “{NEW_ID}”)")
        fields = await a.press(desk_button(Act.FIELD, "name"), on=editor)
        await a.press(desk_button(Act.TEXT, f"name-{self.lang}"), on=fields)
        editor = await a.say("Example New Service", "(she types a name)")
        fields = await a.press(desk_button(Act.FIELD, "name"), on=editor)
        asked = await a.press(desk_button(Act.TEXT, f"name-{self.lang}"), on=fields)
        await a.press(desk_button(Act.CLEAR), on=asked)
        fields = await a.press(desk_button(Act.FIELD, "name"), on=editor)
        await a.press(desk_button(Act.TEXT, f"name-{self.lang}"), on=fields, keep=False)
        editor = await a.say("Example New Service", "(she types a name)", keep=False)
        places = await a.press(desk_button(Act.PLACES), on=editor)
        await a.press(desk_button(Act.PLACE, "cn"), on=places)
        needs = await a.press(desk_button(Act.NEEDS), on=editor)
        await a.press(desk_button(Act.NEED, "shelter"), on=needs)
        langs = await a.press(desk_button(Act.LANGS), on=editor)
        await a.press(desk_button(Act.LANG, self.lang), on=langs)
        await self._contacts_note_hours(editor)
        checked = await a.press(desk_button(Act.PREVIEW), on=editor)
        await a.press(desk_button(Act.SUBMIT), on=checked)
        await self._more_drafts(desk)

    async def _contacts_note_hours(self, editor: Shot) -> None:
        a = self.admin
        contacts = await a.press(desk_button(Act.CONTACTS), on=editor)
        kinds = await a.press(desk_button(Act.CONTACT_ADD), on=contacts)
        await a.press(desk_button(Act.CONTACT_TYPE, "phone"), on=kinds)
        await a.say("call me", "(she types “call me”)")
        listed = await a.say("+82 2 0000 0009", "(she types a number)")
        await a.press(desk_button(Act.CONTACT_DROP), on=listed)
        await a.press(desk_button(Act.CONTACT_ADD), keep=False)
        await a.press(desk_button(Act.CONTACT_TYPE, "phone"), keep=False)
        await a.say("+82 2 0000 0009", "(she types a number)", keep=False)
        note = await a.press(desk_button(Act.NOTE), on=editor)
        await a.press(desk_button(Act.NOTE_TYPE), on=note)
        written = await a.say("Checked by phone with the director.", "(she types a note)")
        await a.press(desk_button(Act.NOTE_CLEAR), on=written)
        await a.press(desk_button(Act.NOTE_TYPE), keep=False)
        await a.say("Checked by phone with the director.", "(she types a note)", keep=False)
        hours = await a.press(desk_button(Act.OPENING), on=editor)
        await a.press(desk_button(Act.OPENING_TYPE), on=hours)
        await a.say("Mo-Fr 9-18", "(she types hours that do not parse)")
        rule = "Mo-Fr 09:00-18:00; PH off\nAsia/Seoul\nKR"
        shown = await a.say(rule, "(she types hours, a time zone and a country)")
        await a.press(desk_button(Act.OPENING_CLEAR), on=shown)
        await a.press(desk_button(Act.OPENING_TYPE), keep=False)
        await a.say(rule, "(she types them again)", keep=False)

    async def _more_drafts(self, desk: object) -> None:
        a = self.admin
        desk = await a.command("/volunteer", keep=False)
        await a.press(desk_button(Act.NEW), on=desk, keep=False)
        editor = await a.say(GROWN_ID, f"(she types “{GROWN_ID}”)", keep=False)
        unchecked = await a.press(desk_button(Act.PREVIEW), on=editor)
        await a.press(desk_button(Act.DISCARD), on=unchecked)
        await a.press(desk_button(Act.FIELD), on=editor)  # a button of the discarded draft
        desk = await a.command("/volunteer", keep=False)
        entries = await a.press(desk_button(Act.ENTRIES), on=desk, keep=False)
        entry = await a.press(desk_button(Act.LISTED, "example-kids-school"), on=entries)
        change = await a.press(desk_button(Act.CHANGE), on=entry)
        fields = await a.press(desk_button(Act.FIELD, "description"), on=change, keep=False)
        await a.press(desk_button(Act.TEXT, f"description-{self.lang}"), on=fields)
        await a.say("A new description.", "(she types a description)", keep=False)
        checked = await a.press(desk_button(Act.PREVIEW), keep=False)
        await a.press(desk_button(Act.SUBMIT), on=checked, keep=False)
        again = await a.press(desk_button(Act.CHANGE), on=entry, keep=False)
        fields = await a.press(desk_button(Act.FIELD, "description"), on=again, keep=False)
        await a.press(desk_button(Act.TEXT, f"description-{self.lang}"), on=fields, keep=False)
        await a.say("Another description.", "(she types a description)", keep=False)
        desk = await a.command("/volunteer")
        drafts = await a.press(desk_button(Act.DRAFTS), on=desk)
        draft = await a.press(desk_button(Act.DRAFT), on=drafts)
        checked = await a.press(desk_button(Act.PREVIEW), on=draft, keep=False)
        await a.press(desk_button(Act.SUBMIT), on=checked, keep=False)
        retire = await a.press(desk_button(Act.RETIRE), on=entry)
        await a.press(desk_button(Act.SUBMIT), on=retire, keep=False)

    async def _files(self) -> None:
        self.recorder.section(
            "Proposals from a file",
            "A directory file sent to the desk: what changes, errors, and files it refuses.",
        )
        a = self.admin
        await a.command("/volunteer", keep=False)
        core = self.recorder.bot.core
        async with core.sessions() as session:
            now = await queries.all_entries(session)
        same = file_format.dump(now).encode()
        await a.file("directory.yaml", same, "(she sends the directory as it is)")
        one = [e.model_copy(update={"internal_note": None}) for e in now]
        parsed = yaml.safe_load(file_format.dump(one))
        for entry in parsed["entries"][1:]:  # the first is left as it is
            entry["hours"] = {**entry.get("hours", {}), "en": ALL_HOURS}
        everywhere = yaml.safe_dump(parsed, allow_unicode=True, sort_keys=False).encode()
        shown = await a.file(
            "directory.yaml", everywhere, "(she sends a file changing every entry but one)"
        )
        await a.press(desk_button(Act.PREVIEW), on=shown)  # its next part
        await a.press(desk_button(Act.DISCARD), on=shown, keep=False)
        broken = copy.deepcopy(parsed)
        for entry in broken["entries"]:  # more errors than one screen lists
            entry["regions"] = ["NOWHERE"]
            entry["categories"] = ["nothing"]
        bad = yaml.safe_dump(broken, allow_unicode=True).encode()
        await a.file("directory.yaml", bad, "(she sends a file with many errors)")
        await a.file("directory.yaml", b"\xff\xfe\x00", "(she sends a file that is not UTF-8)")
        await a.file("big.yaml", b"version: 2", "(she sends a file over 1 MB)", file_size=2**21)
        await a.file("odd.yaml", b"version: 2", "(Telegram gives no size)", file_size=None)
        first = parsed["entries"][0]
        many = {
            "version": 2,
            "entries": [{**copy.deepcopy(first), "id": f"x-{n}"} for n in range(201)],
        }
        await a.file("many.yaml", yaml.safe_dump(many).encode(), "(she sends 201 entries)")
        with _check_limit(0.0):
            await a.file("slow.yaml", everywhere, "(a file past the checking limits)")

    async def _review(self) -> None:
        self.recorder.section(
            "Review by a second member of staff",
            "The volunteer reviews the admin's proposals: approves (a first check among them),"
            " rejects with a reason, and finds one already reviewed, one overtaken by another"
            " change, a re-check that waited past the maximum age, and a change made under"
            " rules that no longer hold (these two staged for the preview).",
        )
        a, v = self.admin, self.volunteer
        desk = await a.command("/volunteer", keep=False)
        waiting = await a.press(desk_button(Act.REVIEWS), on=desk, keep=False)
        first = await self._proposal_numbers()
        own = encode(Tap(Act.APPROVE, self.lang, first[0]))
        await a.tap(own, waiting.title + ARROW + "(an old Approve button, on her own proposal)")
        desk = await v.command("/volunteer")
        waiting = await v.press(desk_button(Act.REVIEWS), on=desk)
        changes = 0
        for number in await self._proposal_numbers():
            kind = await self._kind_of(number)
            shown = await v.press(desk_button_number(Act.REVIEW, number), on=waiting)
            if kind == proposals.RETIRE:
                await v.press(desk_button(Act.REJECT), on=shown)
                await v.press(desk_button(Act.REASON_TYPE))
                await v.say("Please ask the service first.", "(she types a reason)")
                continue
            approved = await v.press(desk_button(Act.APPROVE), on=shown)
            if kind == proposals.CHANGE:
                changes += 1
                if changes == 2:  # overtaken by the first change: rejected with a reason
                    again = await v.press(desk_button(Act.REVIEW), on=approved)
                    reasons = await v.press(desk_button(Act.REJECT), on=again)
                    await v.press(desk_button(Act.REASON), on=reasons)
        old = encode(Tap(Act.REVIEW, self.lang, first[0]))
        await v.tap(old, waiting.title + ARROW + "(an old button of a reviewed proposal)")
        desk = await v.command("/volunteer")
        await v.press(desk_button(Act.REVIEWS), on=desk)
        await v.press(desk_button(Act.QUEUE), on=desk)
        await v.press(desk_button(Act.FIND), on=desk, keep=False)
        await v.say("example-safe-line", "(she types “example-safe-line”)")
        await v.press(desk_button(Act.CHECKED))
        await v.press(desk_button(Act.FIND), on=desk, keep=False)
        await v.say(NEW_ID, f"(she types “{NEW_ID}”)")
        await self._late_and_outdated()

    async def _late_and_outdated(self) -> None:
        """Proposals whose state one run cannot reach by waiting, staged through the desk's
        functions (bot/preview/extras.py): approved, the first is too old, and the second
        fails the checks, so it is rejected."""
        core = self.recorder.bot.core
        author, today = self.admin.person.chat_id, core.today()
        max_age = core.settings.verify_max_age_days
        late = await extras.late_recheck(core.sessions, author, today, max_age)
        outdated = await extras.outdated_change(core.sessions, author, today)
        v = self.volunteer
        desk = await v.command("/volunteer", keep=False)
        waiting = await v.press(desk_button(Act.REVIEWS), on=desk)
        shown = await v.press(desk_button_number(Act.REVIEW, late), on=waiting)
        await v.press(desk_button(Act.APPROVE), on=shown)
        shown = await v.press(desk_button_number(Act.REVIEW, outdated), on=waiting)
        refused = await v.press(desk_button(Act.APPROVE), on=shown)
        again = await v.press(desk_button(Act.REVIEW), on=refused, keep=False)
        reasons = await v.press(desk_button(Act.REJECT), on=again, keep=False)
        await v.press(desk_button(Act.REASON, "2"), on=reasons)  # check it, propose it again

    async def _proposal_numbers(self) -> list[int]:
        """The proposals that wait for review, oldest first."""
        core = self.recorder.bot.core
        async with core.sessions() as session:
            waiting = await proposals.review_queue(session, 0, second_review=True)
            return sorted(proposal.id for proposal in waiting)

    async def _kind_of(self, number: int) -> str:
        core = self.recorder.bot.core
        async with core.sessions() as session:
            found = await proposals.get(session, number)
            assert found is not None
            return found.kind

    async def _staff(self) -> None:
        self.recorder.section(
            "Volunteers and history",
            "The admins' staff list, adding and removing a volunteer; an entry's history.",
        )
        a = self.admin
        desk = await a.command("/volunteer", keep=False)
        members = await a.press(desk_button(Act.STAFF), on=desk)
        await a.press(desk_button(Act.STAFF_ADD), on=members)
        await a.say("abc", "(she types “abc”)")
        await a.say("800003", "(she types “800003”)")
        added = await a.press(desk_button(Act.STAFF_ADD_YES))
        asked = await a.press(desk_button(Act.STAFF_DROP, "800003"), on=added)
        await a.press(desk_button(Act.STAFF_DROP_YES), on=asked)
        await a.command(f"/history {NEW_ID}")
        await a.command("/history example-nothing")

    async def _digest(self) -> None:
        self.recorder.section(
            "The daily digest",
            "Sent once a day to each member of staff with something waiting: re-checks due,"
            " and the proposals she may review (here the admin's, waiting for the volunteer).",
        )
        await self.recorder.run_job("digest", "(the daily digest, at DIGEST_HOUR)")

    async def _stats(self) -> None:
        self.recorder.section(
            "Statistics, for admins",
            "Published weeks and months of anonymous counts, small ones hidden. The counts are"
            " made up for the preview: a busy week, a quiet one, and their month.",
        )
        a = self.admin
        await a.command("/stats")
        core = self.recorder.bot.core
        await usage.count_past_weeks(core.sessions, self.lang, core.today())
        week = await a.command("/stats")
        earlier = await a.press(_stats_button(Kind.WEEK, 1), on=week)
        await a.press(_stats_button(Kind.WEEK, 0), on=earlier)
        await a.press(_stats_button(Kind.MONTH, 0), on=week)

    async def nothing_due(self) -> None:
        """An empty re-check queue: the directory replaced (as an import replaces it) by the
        demo's entries that users see, checked today, without those users reported as not
        working (they wait for a re-check however recent theirs)."""
        self.recorder.section(
            "A desk with nothing due",
            "The demo directory's entries that users see, all checked today, none reported as"
            " not working: the re-check queue is empty.",
        )
        core = self.recorder.bot.core
        today = core.today()
        rules = recheck.Rules.of(core.settings, today)
        async with core.sessions() as session:
            reported = await recheck.reported(session, rules)
        async with core.sessions() as session, session.begin():
            await replace.replace_all(session, extras.checked_today(today, reported))
        a = self.admin
        desk = await a.command("/volunteer")
        await a.press(desk_button(Act.QUEUE), on=desk)


def desk_button_number(act: Act, number: int) -> Callable[[str], bool]:
    def wanted(data: str) -> bool:
        tap = tap_of(data)
        return tap is not None and tap.act is act and tap.number == number

    return wanted


def _stats_button(kind: Kind, back: int) -> Callable[[str], bool]:
    wanted_page = page_of(kind, back)

    def wanted(data: str) -> bool:
        nav = nav_of(data)
        return nav is not None and nav.screen is Screen.STATS and nav.page == wanted_page

    return wanted
