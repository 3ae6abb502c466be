"""The volunteer desk: what each staff tap, typed answer and uploaded file does.

The handlers check the role in the database first and call in here only for staff; this module
reads and writes the directory, the proposals and the staff row, and returns screens as data
(plus any message for another member of staff, such as a rejection for its author).

Between a tap that asks for text ("send the new name") and the message that answers it, the
question is kept in the staff member's row (`waiting_for`), not in memory, so that it survives a
restart and works whichever bot process receives the answer. It lapses after WAIT_MINUTES.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.core import Core
from bot.db.models import DailyJob, Entry, EntryText, Proposal, Staff
from bot.desk import draft, proposals, recheck, screens, staff
from bot.desk.callback import Act, Tap
from bot.directory import audit, file_check, schema
from bot.directory.file_format import DirectoryFileInvalid, TooManyEntries
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.taxonomy import CONTACT_TYPES, NEEDS, REGION_CODES
from bot.ui.view import View

log = logging.getLogger(__name__)
WAIT_MINUTES = 30
MAX_UPLOAD_BYTES = 1_000_000
MAX_UPLOAD_ENTRIES = 200  # each becomes a proposal to review one by one; counted first


@dataclass
class Result:
    view: View
    toast: str | None = None  # a short notice on the tap itself
    notify: list[tuple[int, str]] = field(default_factory=list)  # (staff id, HTML text)


def rules(core: Core) -> recheck.Rules:
    s = core.settings
    return recheck.Rules(
        core.today(),
        s.verify_max_age_days,
        s.verify_due_days,
        s.reports_for_recheck,
    )


# --- the staff row: language and the question waiting for a typed answer --------------------


async def _remember(session: AsyncSession, me: int, lang: str, waiting: str | None) -> None:
    await session.execute(
        update(Staff)
        .where(Staff.user_id == me)
        .values(lang=lang, waiting_for=waiting, waiting_since=utc_now() if waiting else None)
    )


async def _waiting(session: AsyncSession, me: int) -> tuple[str, str] | None:
    """(question, language) if the bot waits for her typed answer and it has not lapsed."""
    row = (
        await session.execute(
            select(Staff.waiting_for, Staff.waiting_since, Staff.lang).where(Staff.user_id == me)
        )
    ).one_or_none()
    if row is None or not row.waiting_for or row.waiting_since is None:
        return None
    since = row.waiting_since
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    if utc_now() - since > dt.timedelta(minutes=WAIT_MINUTES):
        return None
    return row.waiting_for, row.lang


async def drop_question(core: Core, me: int) -> None:
    """She turned to something else: the question no longer takes her next words."""
    async with core.sessions() as session, session.begin():
        await session.execute(
            update(Staff)
            .where(Staff.user_id == me, Staff.waiting_for.is_not(None))
            .values(waiting_for=None, waiting_since=None)
        )


# --- counts for the desk and the digest ------------------------------------------------------


@dataclass(frozen=True)
class _Counts:
    due: int
    reported: bool  # whether users reported any of them; never how often
    waiting: int
    drafts: int


async def _counts(session: AsyncSession, core: Core, me: int) -> _Counts:
    due = await recheck.queue(session, rules(core))
    waiting = await proposals.waiting_count(
        session, me, second_review=core.settings.require_second_review
    )
    mine = len(await proposals.drafts_of(session, me))
    return _Counts(len(due), any(d.reported for d in due), waiting, mine)


def _home_screen(t: Texts, tap: Tap, counts: _Counts, role: str) -> View:
    return screens.home(
        t,
        tap,
        due=counts.due,
        reported=counts.reported,
        waiting=counts.waiting,
        drafts=counts.drafts,
        admin=role == "admin",
    )


async def home(core: Core, me: int, role: str, lang: str) -> View:
    """The desk, as /volunteer opens it; any question waiting for a typed answer is dropped."""
    tap = Tap(Act.HOME, lang)
    async with core.sessions() as session, session.begin():
        await _remember(session, me, lang, None)
        counts = await _counts(session, core, me)
    return _home_screen(Texts(lang), tap, counts, role)


async def _claim(core: Core, job: str) -> bool:
    """Claim today's run of `job` for this process; False if another process has it."""
    try:
        async with core.sessions() as session, session.begin():
            session.add(DailyJob(name=job, day=core.today()))
    except IntegrityError:
        return False
    return True


async def digest(core: Core) -> list[tuple[int, str]] | None:
    """Each member of staff with something waiting, and the one message for them; None if
    another bot process sends today's digest."""
    if not await _claim(core, "digest"):
        return None
    out = []
    async with core.sessions() as session:
        due = await recheck.queue(session, rules(core))
        reported = any(d.reported for d in due)
        for member in await session.scalars(select(Staff).order_by(Staff.user_id)):
            waiting = await proposals.waiting_count(
                session, member.user_id, second_review=core.settings.require_second_review
            )
            if due or waiting:
                t = Texts(member.lang)
                text = screens.digest(t, due=len(due), reported=reported, waiting=waiting)
                out.append((member.user_id, text))
    return out


async def history(core: Core, entry_id: str, lang: str) -> View:
    t = Texts(lang)
    if not schema.is_entry_id(entry_id):
        return View(screens.history(t, "?", []))
    async with core.sessions() as session:
        records = await audit.history(session, entry_id)
    return View(screens.history(t, entry_id, [audit.describe(r) for r in records]))


# --- taps ----------------------------------------------------------------------------------


Action = Callable[[AsyncSession, Core, Tap, int, str], Awaitable[Result]]
_ACTIONS: dict[Act, Action] = {}


def _action(*acts: Act) -> Callable[[Action], Action]:
    def register(function: Action) -> Action:
        for act in acts:
            _ACTIONS[act] = function
        return function

    return register


async def on_tap(core: Core, tap: Tap, me: int, role: str) -> Result:
    """Run a staff tap. The caller has checked that `me` is staff with `role` (and an admin
    for the admin-only actions)."""
    action = _ACTIONS[tap.act]
    async with core.sessions() as session:
        await _remember(session, me, tap.lang, None)
        result = await action(session, core, tap, me, role)
        if session.in_transaction():
            await session.commit()
    result.view = screens.fit(result.view)
    return result


@_action(Act.HOME)
async def _home(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return Result(_home_screen(Texts(tap.lang), tap, await _counts(session, core, me), role))


async def _listed(session: AsyncSession, t: Texts, ids: list[str]) -> dict[str, str]:
    """Names of entries in her language (else English, else any), for list buttons."""
    query = select(EntryText.entry_id, EntryText.lang, EntryText.text).where(
        EntryText.entry_id.in_(ids), EntryText.field == "name"
    )
    names: dict[str, dict[str, str]] = {}
    for entry_id, lang, text in await session.execute(query):
        names.setdefault(entry_id, {})[lang] = text
    found = {}
    for entry_id in ids:
        texts = names.get(entry_id, {})
        for candidate in (t.lang, "en", *sorted(texts)):
            if candidate in texts:
                found[entry_id] = texts[candidate]
                break
        else:
            found[entry_id] = entry_id
    return found


@_action(Act.QUEUE)
async def _queue(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    now = rules(core)
    items = await recheck.queue(session, now)
    page, _pages = screens.page_of(len(items), tap.number)
    shown = items[page * screens.PAGE_SIZE : (page + 1) * screens.PAGE_SIZE]
    names = await _listed(session, t, [d.entry_id for d in shown])
    listed = [
        screens.Listed(d.entry_id, names[d.entry_id], screens.due_mark(t, d, now)) for d in shown
    ]
    return Result(screens.recheck_queue(t, tap.to(Act.QUEUE, page), listed, page, len(items)))


@_action(Act.ENTRIES)
async def _entries(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    total = int(await session.scalar(select(func.count()).select_from(Entry)) or 0)
    page, _pages = screens.page_of(total, tap.number)
    ids = list(
        await session.scalars(
            select(Entry.id)
            .order_by(Entry.id)
            .offset(page * screens.PAGE_SIZE)
            .limit(screens.PAGE_SIZE)
        )
    )
    names = await _listed(session, t, ids)
    listed = [screens.Listed(i, names[i]) for i in ids]
    return Result(screens.all_entries(t, tap, listed, page, total))


async def _entry_view(session: AsyncSession, core: Core, tap: Tap, notice: str = "") -> Result:
    t = Texts(tap.lang)
    model = await recheck.entry(session, tap.arg)
    if model is None:
        return Result(screens.notice(t, tap, t.gettext("There is no entry with this id.")))
    now = rules(core)
    reported = model.id in await recheck.reported(session, now, model.id)
    return Result(screens.entry(t, tap, model, now, reported, notice))


@_action(Act.ENTRY, Act.LISTED)
async def _entry(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return await _entry_view(session, core, tap)


@_action(Act.CHECKED)
async def _checked(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    second_review = _second_review(core)
    done = await recheck.mark_checked(
        session, tap.arg, me, rules(core), second_review=second_review
    )
    if done.outcome is recheck.Outcome.WAITING and done.proposal is not None:
        # Her tap is the second look another volunteer's re-check waits for (or her own
        # again): the review screen, where it is approved as any proposal is.
        message = t.gettext("A re-check of this entry already waits for review.")
        may_decide = done.proposal.author != me or not second_review
        view = screens.review(t, tap.to(Act.REVIEW), done.proposal, may_decide=may_decide)
        return Result(view, toast=message)
    messages = {
        recheck.Outcome.CHECKED: t.gettext("Marked as checked today. Thank you."),
        recheck.Outcome.PROPOSED: t.gettext(
            "Sent for review. Users see this entry again once another volunteer approves"
            " the re-check."
        ),
        recheck.Outcome.NOT_VERIFIED: t.gettext(
            "Only a verified entry can be re-checked. Propose a change instead."
        ),
    }
    message = messages.get(done.outcome, "")
    result = await _entry_view(session, core, tap.to(Act.ENTRY, 0, tap.arg), message)
    result.toast = message
    return result


@_action(Act.CHANGE)
async def _change(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    proposal = await proposals.start_change(session, me, tap.arg, core.today())
    if proposal is None:
        t = Texts(tap.lang)
        return Result(screens.notice(t, tap, t.gettext("There is no entry with this id.")))
    await proposals.on_its_own(session, proposal)
    return Result(screens.editor(Texts(tap.lang), tap, proposal))


@_action(Act.RETIRE)
async def _retire(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    proposal = await proposals.start_retire(session, me, tap.arg)
    if proposal is None:
        return Result(screens.notice(t, tap, t.gettext("There is no entry with this id.")))
    return Result(screens.preview(t, tap, [proposal], []))


@_action(Act.FIND, Act.NEW)
async def _ask_id(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    await _remember(session, me, tap.lang, "new" if tap.act is Act.NEW else "find")
    return Result(screens.ask_id(Texts(tap.lang), tap, new=tap.act is Act.NEW))


@_action(Act.DRAFTS)
async def _drafts(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return Result(screens.drafts(Texts(tap.lang), tap, await proposals.drafts_of(session, me)))


def _gone(tap: Tap) -> Result:
    t = Texts(tap.lang)
    return Result(screens.notice(t, tap, t.gettext("This draft is no longer open.")))


@_action(Act.DRAFT)
async def _draft(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    proposal = await proposals.own(session, me, tap.number)
    if proposal is None:
        return _gone(tap)
    await proposals.on_its_own(session, proposal)  # the editor submits and discards this one only
    return Result(screens.editor(Texts(tap.lang), tap, proposal))


async def _draft_of(
    session: AsyncSession, tap: Tap, me: int
) -> tuple[Proposal, draft.Data] | Result:
    """Her open draft named by the tap, with its data; or the screen saying it is gone."""
    proposal = await proposals.own(session, me, tap.number)
    if proposal is None:
        return _gone(tap)
    return proposal, draft.load(proposal.proposed)


def _field_lang(arg: str) -> tuple[str, str] | None:
    field, _sep, lang = arg.partition("-")
    if field not in schema.TEXT_FIELDS or not lang:
        return None
    return field, lang


@_action(Act.FIELD, Act.TEXT, Act.CLEAR)
async def _text(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    found = await _draft_of(session, tap, me)
    if isinstance(found, Result):
        return found
    proposal, data = found
    if tap.act is Act.FIELD:
        if tap.arg not in schema.TEXT_FIELDS:
            return Result(screens.editor(t, tap, proposal))
        return Result(screens.text_field(t, tap, proposal, tap.arg, data))
    spot = _field_lang(tap.arg)
    if spot is None:
        return Result(screens.editor(t, tap, proposal))
    field, lang = spot
    if tap.act is Act.CLEAR:
        proposals.save(proposal, draft.set_text(data, field, lang, None))
        return Result(screens.editor(t, tap, proposal))
    await _remember(session, me, tap.lang, f"text:{proposal.id}:{field}:{lang}")
    now = str((data.get(field) or {}).get(lang, ""))
    return Result(screens.ask_text(t, tap, proposal, field, lang, now))


_TOGGLES = {
    Act.PLACES: ("regions", screens.places),
    Act.NEEDS: ("categories", screens.needs),
    Act.LANGS: ("languages", screens.languages),
}
_TOGGLE_OF = {Act.PLACE: Act.PLACES, Act.NEED: Act.NEEDS, Act.LANG: Act.LANGS}


def _choice(act: Act, arg: str) -> str | None:
    """The value a toggle button stands for, if it is one the screen offers."""
    if act is Act.PLACE:
        value = arg.upper()
        return value if value in REGION_CODES else None
    if act is Act.NEED:
        value = arg.replace("-", "_")
        return value if value in NEEDS else None
    return arg if arg in schema.known_languages() else None


@_action(Act.PLACES, Act.NEEDS, Act.LANGS, Act.PLACE, Act.NEED, Act.LANG)
async def _toggle(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    found = await _draft_of(session, tap, me)
    if isinstance(found, Result):
        return found
    proposal, data = found
    screen_act = _TOGGLE_OF.get(tap.act, tap.act)
    key, screen = _TOGGLES[screen_act]
    if tap.act in _TOGGLE_OF:
        value = _choice(tap.act, tap.arg)
        if value is not None:
            data = draft.toggle(data, key, value)
            proposals.save(proposal, data)
    return Result(screen(Texts(tap.lang), tap, proposal, data))


@_action(Act.CONTACTS, Act.CONTACT_DROP, Act.CONTACT_ADD, Act.CONTACT_TYPE)
async def _contacts(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    found = await _draft_of(session, tap, me)
    if isinstance(found, Result):
        return found
    proposal, data = found
    if tap.act is Act.CONTACT_ADD:
        return Result(screens.contact_types(t, tap, proposal))
    if tap.act is Act.CONTACT_TYPE and tap.arg in CONTACT_TYPES:
        await _remember(session, me, tap.lang, f"contact:{proposal.id}:{tap.arg}")
        return Result(screens.ask_contact(t, tap, proposal, tap.arg))
    if tap.act is Act.CONTACT_DROP and tap.arg.isdigit():
        data = draft.remove_contact(data, int(tap.arg))
        proposals.save(proposal, data)
    return Result(screens.contacts(t, tap, proposal, data))


@_action(Act.NOTE, Act.NOTE_TYPE, Act.NOTE_CLEAR)
async def _note(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    found = await _draft_of(session, tap, me)
    if isinstance(found, Result):
        return found
    proposal, data = found
    if tap.act is Act.NOTE_TYPE:
        await _remember(session, me, tap.lang, f"note:{proposal.id}")
        return Result(screens.ask_note(t, tap, proposal))
    if tap.act is Act.NOTE_CLEAR:
        data = draft.set_note(data, None)
        proposals.save(proposal, data)
    return Result(screens.note(t, tap, proposal, data))


async def _preview(
    session: AsyncSession, tap: Tap, me: int, unchanged: int = 0, part: int = 0
) -> Result:
    t = Texts(tap.lang)
    batch = await proposals.batch(session, me, tap.number)
    if not batch:
        return _gone(tap)
    errors = []
    for proposal in batch:
        found = draft.check(draft.load(proposal.proposed))
        if not isinstance(found, EntryModel):
            errors.extend(found)
    return Result(screens.preview(t, tap, batch, errors, unchanged, part))


@_action(Act.PREVIEW)
async def _show_preview(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return await _preview(session, tap, me, part=_part(tap))


def _part(tap: Tap) -> int:
    return int(tap.arg) if tap.arg.isdigit() and len(tap.arg) < 6 else 0


@_action(Act.SUBMIT)
async def _submit(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    outcome = await proposals.submit(session, me, tap.number)
    if not outcome:
        return _gone(tap)
    if not isinstance(outcome[0], Proposal):
        return await _preview(session, tap, me)
    message = t.ngettext(
        "{count} proposal sent for review. Another volunteer will check it.",
        "{count} proposals sent for review. Another volunteer will check them.",
        len(outcome),
    ).format(count=len(outcome))
    return Result(screens.notice(t, tap, message), toast=message)


@_action(Act.DISCARD)
async def _discard(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    await proposals.discard(session, me, tap.number)
    return Result(screens.notice(t, tap, t.gettext("The draft was discarded.")))


def _second_review(core: Core) -> bool:
    return core.settings.require_second_review


@_action(Act.REVIEWS)
async def _reviews(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    items = await proposals.review_queue(session, me, second_review=_second_review(core))
    return Result(screens.review_queue(Texts(tap.lang), tap, items, tap.number))


async def _open_proposal(session: AsyncSession, tap: Tap) -> Proposal | None:
    proposal = await proposals.get(session, tap.number)
    return proposal if proposal is not None and proposal.state == proposals.OPEN else None


@_action(Act.REVIEW, Act.REJECT, Act.REASON_TYPE)
async def _review(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    proposal = await _open_proposal(session, tap)
    if proposal is None:
        return Result(screens.notice(t, tap, t.gettext("This proposal was already reviewed.")))
    may_decide = proposal.author != me or not _second_review(core)
    if tap.act is Act.REVIEW or not may_decide:
        view = screens.review(t, tap, proposal, may_decide=may_decide, part=_part(tap))
        return Result(view)
    if tap.act is Act.REASON_TYPE:
        await _remember(session, me, tap.lang, f"reason:{proposal.id}")
        return Result(screens.ask_reason(t, tap, proposal))
    return Result(screens.reasons(t, tap, proposal))


@_action(Act.APPROVE)
async def _approve(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    await session.commit()  # the staff row; the approval is a transaction of its own
    outcome = await proposals.approve(session, tap.number, me, second_review=_second_review(core))
    if outcome is proposals.Outcome.APPLIED:
        await session.commit()
    else:
        await session.rollback()
    messages = {
        proposals.Outcome.APPLIED: t.gettext("Approved. The directory is changed now."),
        proposals.Outcome.OWN: t.gettext("You cannot approve your own proposal."),
        proposals.Outcome.CONFLICT: t.gettext(
            "Not applied: the entry changed after this proposal was made. Reject it and ask"
            " for a new proposal."
        ),
        proposals.Outcome.GONE: t.gettext("This proposal was already reviewed."),
        proposals.Outcome.INVALID: t.gettext(
            "Not applied: it no longer passes the directory's checks. Reject it."
        ),
    }
    message = messages[outcome]
    if outcome is proposals.Outcome.APPLIED and await _still_hidden(session, core, tap.number):
        message = t.gettext(
            "Approved, but that check is too old by now: users still do not see the entry."
            " Check it again."
        )
    back = tap.to(Act.REVIEWS, 0) if outcome is proposals.Outcome.APPLIED else tap.to(Act.REVIEW)
    return Result(screens.notice(t, tap, message, back), toast=message)


async def _still_hidden(session: AsyncSession, core: Core, proposal_id: int) -> bool:
    """Whether an approved re-check left its entry hidden: it dates the check to the day the
    author made it, which may itself be too old by the time someone approves it."""
    proposal = await proposals.get(session, proposal_id)
    if proposal is None or proposal.kind != proposals.RECHECK:
        return False
    entry = await proposals.current(session, proposal.entry_id)
    return entry is not None and rules(core).stale(entry.verified_on)


async def _reject(session: AsyncSession, core: Core, tap: Tap, me: int, reason: str) -> Result:
    t = Texts(tap.lang)
    proposal = await proposals.reject(
        session, tap.number, me, reason, second_review=_second_review(core)
    )
    if proposal is None:
        return Result(screens.notice(t, tap, t.gettext("This proposal was already reviewed.")))
    author_lang = await session.scalar(select(Staff.lang).where(Staff.user_id == proposal.author))
    notify = []
    if author_lang is not None and proposal.author != me:  # still staff, and someone else
        notify.append((proposal.author, screens.rejected_notice(Texts(author_lang), proposal)))
    message = t.gettext("Rejected. The author is told why.")
    return Result(screens.notice(t, tap, message, tap.to(Act.REVIEWS, 0)), message, notify)


@_action(Act.REASON)
async def _preset_reason(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    if not tap.arg.isdigit() or int(tap.arg) >= len(screens.REJECT_REASONS):
        return await _review(session, core, tap.to(Act.REVIEW), me, role)
    return await _reject(session, core, tap, me, f"preset:{int(tap.arg)}")


@_action(Act.STAFF)
async def _staff(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    members = list(await session.scalars(select(Staff).order_by(Staff.role, Staff.user_id)))
    return Result(screens.staff_list(Texts(tap.lang), tap, members, me, tap.number))


@_action(Act.STAFF_ADD)
async def _staff_add(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    await _remember(session, me, tap.lang, "add")
    return Result(screens.ask_staff_id(Texts(tap.lang), tap))


def user_id_from(text: str) -> int | None:
    """A Telegram user id as typed or carried by a button: ASCII digits, in range."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    value = int(text)
    return value if 0 < value < 2**63 else None


@_action(Act.STAFF_DROP, Act.STAFF_DROP_YES)
async def _staff_drop(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    target = user_id_from(tap.arg)
    member = await session.get(Staff, target) if target else None
    if target is None or member is None or member.role != "volunteer" or target == me:
        return await _staff(session, core, tap.to(Act.STAFF, 0), me, role)
    if tap.act is Act.STAFF_DROP:
        return Result(screens.staff_drop_question(t, tap, target))
    await staff.remove_in(session, target)
    await session.flush()
    core.staff_ids.forget()
    log.info("an admin removed a volunteer in the bot")
    result = await _staff(session, core, tap.to(Act.STAFF, 0), me, role)
    result.toast = t.gettext("Removed.")
    return result


@_action(Act.STAFF_ADD_YES)
async def _staff_add_yes(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    target = user_id_from(tap.arg)
    if target is not None and await session.get(Staff, target) is None:
        session.add(Staff(user_id=target, role="volunteer", added_on=core.today(), lang=tap.lang))
        await session.flush()
        core.staff_ids.forget()
        log.info("an admin added a volunteer in the bot")
    return await _staff(session, core, tap.to(Act.STAFF, 0), me, role)


assert set(_ACTIONS) == set(Act), f"no action for {set(Act) - set(_ACTIONS)}"


# --- typed answers ---------------------------------------------------------------------------


async def on_text(core: Core, me: int, role: str, text: str) -> Result | None:
    """Her answer to the question the bot asked; None if it asked none (or it lapsed)."""
    async with core.sessions() as session:
        waiting = await _waiting(session, me)
        if waiting is None:
            return None
        question, lang = waiting
        await _remember(session, me, lang, None)
        result = await _answer(session, core, me, role, question, lang, text.strip())
        if session.in_transaction():
            await session.commit()
    result.view = screens.fit(result.view)
    return result


def _told(message: str, view: View) -> View:
    """A screen with a line on top: typed answers have no tap to show a notice on."""
    return View(html.escape(message) + "\n\n" + view.text, view.rows)


async def _answer(
    session: AsyncSession, core: Core, me: int, role: str, question: str, lang: str, text: str
) -> Result:
    t = Texts(lang)
    kind, _sep, rest = question.partition(":")
    parts = rest.split(":")
    tap = Tap(Act.HOME, lang)
    if kind in ("find", "new"):
        if not schema.is_entry_id(text):
            await _remember(session, me, lang, kind)
            asked = screens.ask_id(t, tap, new=kind == "new")
            return Result(_told(t.gettext("That is not a valid id."), asked))
        if kind == "find":
            return await _entry_view(session, core, tap.to(Act.ENTRY, 0, text))
        proposal = await proposals.start_new(session, me, text, core.today())
        if proposal is None:
            message = t.gettext("This id is already used. Choose another one.")
            await _remember(session, me, lang, kind)
            return Result(_told(message, screens.ask_id(t, tap, new=True)))
        return Result(screens.editor(t, tap, proposal))
    if kind == "add" and role == "admin":
        target = user_id_from(text)
        if target is None:
            await _remember(session, me, lang, kind)
            asked = screens.ask_staff_id(t, tap)
            return Result(_told(t.gettext("Please send digits only."), asked))
        return Result(screens.staff_add_question(t, tap, target))  # one more tap to add
    if kind == "reason" and parts[0].isdigit():
        return await _reject(session, core, tap.to(Act.REJECT, int(parts[0])), me, text[:500])
    if not parts[0].isdigit():
        return Result(screens.notice(t, tap, t.gettext("This draft is no longer open.")))
    proposal = await proposals.own(session, me, int(parts[0]))
    if proposal is None:
        return _gone(tap)
    data = draft.load(proposal.proposed)
    here = tap.to(Act.DRAFT, proposal.id)
    if kind == "text" and len(parts) == 3:
        field, text_lang = parts[1], parts[2]
        changed, checked = draft.set_text(data, field, text_lang, text), field
        now = str((data.get(field) or {}).get(text_lang, ""))
        again = screens.ask_text(t, here, proposal, field, text_lang, now)
    elif kind == "contact" and len(parts) == 2:
        changed, checked = draft.add_contact(data, parts[1], text), "contacts"
        again = screens.ask_contact(t, here, proposal, parts[1])
    elif kind == "note":
        changed, checked = draft.set_note(data, text), "internal_note"
        again = screens.ask_note(t, here, proposal)
    else:
        return _gone(tap)
    errors = draft.errors_in(changed, checked)
    if errors:
        await _remember(session, me, lang, question)
        text_out = screens.invalid(t, errors, then=t.gettext("Please send it again, or cancel."))
        return Result(View(text_out + "\n\n" + again.text, again.rows))
    proposals.save(proposal, changed)
    if kind == "contact":
        return Result(screens.contacts(t, here, proposal, changed))
    if kind == "note":
        return Result(screens.note(t, here, proposal, changed))
    return Result(screens.editor(t, here, proposal))


# --- uploaded files --------------------------------------------------------------------------


def too_big(lang: str) -> Result:
    t = Texts(lang)
    message = t.gettext("The file is too big. Send at most 1 MB, or use the server's import.")
    return Result(screens.notice(t, Tap(Act.HOME, lang), message))


def unsized(lang: str) -> Result:
    """A document whose size Telegram does not give is never downloaded: its size could be
    anything."""
    t = Texts(lang)
    message = t.gettext(
        "This file was not opened: Telegram did not say how big it is. Send it again, or use"
        " the server's import."
    )
    return Result(screens.notice(t, Tap(Act.HOME, lang), message))


async def on_file(core: Core, me: int, lang: str, content: bytes) -> Result:
    """A directory file sent in the chat: every error as the validator reports it, or drafts
    for what it changes, shown as a before/after to submit. It is parsed in a separate process
    with limits of time and memory (bot/file_check.py), so that no file, however crafted,
    holds up anyone else's taps (an Erase least of all)."""
    t = Texts(lang)
    tap = Tap(Act.HOME, lang)
    if len(content) > MAX_UPLOAD_BYTES:
        return too_big(lang)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return Result(screens.notice(t, tap, t.gettext("The file must be text in UTF-8.")))
    try:
        parsed = await file_check.parse(text, "file", max_entries=MAX_UPLOAD_ENTRIES)
    except TooManyEntries:
        message = t.gettext(
            "A file may propose at most {count} entries. Split it, or use the server's import."
        ).format(count=MAX_UPLOAD_ENTRIES)
        return Result(screens.notice(t, tap, message))
    except DirectoryFileInvalid as invalid:
        view = View(screens.invalid(t, invalid.errors), [[screens.desk_button(t, tap)]])
        return Result(screens.fit(view))
    except file_check.CheckStopped:
        log.info("a file check was stopped at its limits")
        message = t.gettext(
            "Checking this file needed more time or memory than the bot allows, so it was"
            " stopped. Send a smaller file, or use the server's import."
        )
        return Result(screens.notice(t, tap, message))
    async with core.sessions() as session, session.begin():
        made = await proposals.from_file(session, me, parsed)
        await _remember(session, me, lang, None)
        if not made.proposals:
            message = t.gettext("Nothing in this file differs from the directory.")
            return Result(screens.notice(t, tap, message))
        preview = tap.to(Act.PREVIEW, made.proposals[0].batch)
        result = await _preview(session, preview, me, len(made.unchanged))
    result.view = screens.fit(result.view)
    return result
