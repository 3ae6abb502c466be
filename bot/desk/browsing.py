"""Going through the directory at the desk: the desk itself, the re-check queue, all entries,
one entry, and what a volunteer does from there (still correct, needs a change, retire, find
by id, start a new entry)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.db.models import Entry, EntryText
from bot.desk import editing, pending, proposals, recheck, summarize
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Action, Result
from bot.desk.screens import frame, home, preview, queue, review
from bot.i18n import Texts
from bot.relay import duty
from bot.ui.paging import on_page, page_of
from bot.ui.view import View


@dataclass(frozen=True)
class _Counts:
    due: int
    reported: bool  # whether users reported any of them; never how often
    waiting: int
    drafts: int
    on_duty: bool | None  # Talk to a person: None where it is not set up


async def _counts(session: AsyncSession, core: Core, me: int) -> _Counts:
    due = await recheck.queue(session, recheck.Rules.of(core.settings, core.today()))
    waiting = await proposals.waiting_count(
        session, me, second_review=core.settings.require_second_review
    )
    mine = len(await proposals.drafts_of(session, me))
    on_duty = (await duty.duty_in(session, me)).on_duty if core.settings.relay_on else None
    return _Counts(len(due), any(d.reported for d in due), waiting, mine, on_duty)


def _desk(t: Texts, tap: Tap, counts: _Counts, role: str) -> View:
    return home.desk(
        t,
        tap,
        due=counts.due,
        reported=counts.reported,
        waiting=counts.waiting,
        drafts=counts.drafts,
        admin=role == "admin",
        on_duty=counts.on_duty,
    )


async def open_desk(core: Core, me: int, role: str, lang: str) -> View:
    """The desk, as /volunteer opens it; any question waiting for a typed answer is dropped."""
    tap = Tap(Act.HOME, lang)
    async with core.sessions() as session, session.begin():
        await pending.remember(session, me, lang, None)
        counts = await _counts(session, core, me)
    return _desk(Texts(lang), tap, counts, role)


async def desk_home(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return Result(_desk(Texts(tap.lang), tap, await _counts(session, core, me), role))


async def _names(session: AsyncSession, t: Texts, ids: list[str]) -> dict[str, str]:
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


async def _queue(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    rules = recheck.Rules.of(core.settings, core.today())
    items = await recheck.queue(session, rules)
    page, _pages = page_of(len(items), tap.number, frame.PAGE_SIZE)
    shown = on_page(items, page, frame.PAGE_SIZE)
    names = await _names(session, t, [d.entry_id for d in shown])
    listed = [
        queue.Listed(
            d.entry_id,
            names[d.entry_id],
            queue.due_mark(reported=d.reported, stale=rules.stale(d.verified_on), draft=d.draft),
        )
        for d in shown
    ]
    return Result(queue.recheck_queue(t, tap.to(Act.QUEUE, page), listed, page, len(items)))


async def _entries(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    total = int(await session.scalar(select(func.count()).select_from(Entry)) or 0)
    page, _pages = page_of(total, tap.number, frame.PAGE_SIZE)
    ids = list(
        await session.scalars(
            select(Entry.id)
            .order_by(Entry.id)
            .offset(page * frame.PAGE_SIZE)
            .limit(frame.PAGE_SIZE)
        )
    )
    names = await _names(session, t, ids)
    listed = [queue.Listed(i, names[i]) for i in ids]
    return Result(queue.all_entries(t, tap, listed, page, total))


def _no_entry(tap: Tap) -> Result:
    t = Texts(tap.lang)
    return Result(frame.notice(t, tap, t.gettext("There is no entry with this id.")))


async def entry_view(session: AsyncSession, core: Core, tap: Tap, notice: str = "") -> Result:
    """The entry named by the tap, as staff see it, with `notice` on top."""
    model = await recheck.entry(session, tap.arg)
    if model is None:
        return _no_entry(tap)
    rules = recheck.Rules.of(core.settings, core.today())
    reported = model.id in await recheck.reported(session, rules, model.id)
    view = queue.entry_card(
        Texts(tap.lang),
        tap,
        model,
        stale=rules.stale(model.verified_on),
        reported=reported,
        notice=notice,
        now=core.now(),
    )
    return Result(view)


async def _entry(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return await entry_view(session, core, tap)


def _checked_message(t: Texts, outcome: recheck.Outcome, *, first: bool = False) -> str:
    if first and outcome is recheck.Outcome.PROPOSED:
        return t.gettext(
            "Sent for review. Users see this entry once another volunteer approves its first check."
        )
    if first and outcome is recheck.Outcome.CHECKED:
        return t.gettext("Marked as checked today: users see this entry now. Thank you.")
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
    return messages.get(outcome, "")


async def _checked(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    second_review = core.settings.require_second_review
    rules = recheck.Rules.of(core.settings, core.today())
    done = await recheck.mark_checked(session, tap.arg, me, rules, second_review=second_review)
    if done.outcome is recheck.Outcome.WAITING and done.proposal is not None:
        # Her tap is the second look another volunteer's re-check waits for (or her own
        # again): the review screen, where it is approved as any proposal is.
        message = t.gettext("A re-check of this entry already waits for review.")
        may_decide = done.proposal.author != me or not second_review
        shown = summarize.detail_of(done.proposal)
        view = review.proposal(t, tap.to(Act.REVIEW), shown, may_decide=may_decide)
        return Result(view, toast=message)
    message = _checked_message(t, done.outcome, first=done.first)
    result = await entry_view(session, core, tap.to(Act.ENTRY, 0, tap.arg), message)
    result.toast = message
    return result


async def _change(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    proposal = await proposals.start_change(session, me, tap.arg, core.today())
    if proposal is None:
        return _no_entry(tap)
    await proposals.on_its_own(session, proposal)
    return editing.overview(tap, proposal)


async def _retire(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    proposal = await proposals.start_retire(session, me, tap.arg)
    if proposal is None:
        return _no_entry(tap)
    shown = [summarize.detail_of(proposal)]
    return Result(preview.batch_preview(Texts(tap.lang), tap, shown, []))


async def _ask_id(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    new = tap.act is Act.NEW
    await pending.remember(session, me, tap.lang, Question(Ask.NEW if new else Ask.FIND))
    return Result(queue.ask_id(Texts(tap.lang), tap, new=new))


ACTIONS: dict[Act, Action] = {
    Act.HOME: desk_home,
    Act.QUEUE: _queue,
    Act.ENTRIES: _entries,
    Act.ENTRY: _entry,
    Act.LISTED: _entry,
    Act.CHECKED: _checked,
    Act.CHANGE: _change,
    Act.RETIRE: _retire,
    Act.FIND: _ask_id,
    Act.NEW: _ask_id,
}
