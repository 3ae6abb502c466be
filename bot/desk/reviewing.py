"""Reviewing proposals at the desk: the queue of what waits for her, a proposal part by part,
approving it, and rejecting it with a reason its author is told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.db.models import Proposal, Staff
from bot.desk import pending, proposals, recheck, summarize
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Action, Result
from bot.desk.screens import diff, frame, review
from bot.i18n import Texts


def _already_reviewed(tap: Tap) -> Result:
    t = Texts(tap.lang)
    return Result(frame.notice(t, tap, t.gettext("This proposal was already reviewed.")))


async def _reviews(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    second_review = core.settings.require_second_review
    items = await proposals.review_queue(session, me, second_review=second_review)
    titles = [summarize.title_of(p) for p in items]
    return Result(review.waiting_list(Texts(tap.lang), tap, titles, tap.number))


async def _open_proposal(session: AsyncSession, tap: Tap) -> Proposal | None:
    proposal = await proposals.get(session, tap.number)
    return proposal if proposal is not None and proposal.state == proposals.OPEN else None


async def _review(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    proposal = await _open_proposal(session, tap)
    if proposal is None:
        return _already_reviewed(tap)
    may_decide = proposal.author != me or not core.settings.require_second_review
    if tap.act is Act.REVIEW or not may_decide:
        shown = summarize.detail_of(proposal)
        part = diff.part_of(tap.arg)
        return Result(review.proposal(t, tap, shown, may_decide=may_decide, part=part))
    if tap.act is Act.REASON_TYPE:
        await pending.remember(session, me, tap.lang, Question(Ask.REASON, proposal.id))
        return Result(review.ask_reason(t, tap, proposal.id))
    return Result(review.reasons(t, tap, proposal.id))


def _approve_messages(t: Texts) -> dict[proposals.Outcome, str]:
    return {
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


async def _approve(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    await session.commit()  # the staff row; the approval is a transaction of its own
    second_review = core.settings.require_second_review
    outcome = await proposals.approve(session, tap.number, me, second_review=second_review)
    if outcome is proposals.Outcome.APPLIED:
        await session.commit()
    else:
        await session.rollback()
    message = _approve_messages(t)[outcome]
    if outcome is proposals.Outcome.APPLIED and await _still_hidden(session, core, tap.number):
        message = t.gettext(
            "Approved, but that check is too old by now: users still do not see the entry."
            " Check it again."
        )
    back = tap.to(Act.REVIEWS, 0) if outcome is proposals.Outcome.APPLIED else tap.to(Act.REVIEW)
    return Result(frame.notice(t, tap, message, back), toast=message)


async def _still_hidden(session: AsyncSession, core: Core, proposal_id: int) -> bool:
    """Whether an approved re-check left its entry hidden: it dates the check to the day the
    author made it, which may itself be too old by the time someone approves it."""
    proposal = await proposals.get(session, proposal_id)
    if proposal is None or proposal.kind != proposals.RECHECK:
        return False
    entry = await proposals.current(session, proposal.entry_id)
    rules = recheck.Rules.of(core.settings, core.today())
    return entry is not None and rules.stale(entry.verified_on)


async def reject(session: AsyncSession, core: Core, tap: Tap, me: int, reason: str) -> Result:
    """Reject the proposal the tap names; its author (if still staff, and not her) is told
    why, in the author's own language."""
    t = Texts(tap.lang)
    second_review = core.settings.require_second_review
    proposal = await proposals.reject(session, tap.number, me, reason, second_review=second_review)
    if proposal is None:
        return _already_reviewed(tap)
    author_lang = await session.scalar(select(Staff.lang).where(Staff.user_id == proposal.author))
    notify = []
    if author_lang is not None and proposal.author != me:  # still staff, and someone else
        title = summarize.title_of(proposal)
        told = review.rejected_notice(Texts(author_lang), title, proposal.reason)
        notify.append((proposal.author, told))
    message = t.gettext("Rejected. The author is told why.")
    return Result(frame.notice(t, tap, message, tap.to(Act.REVIEWS, 0)), message, notify)


async def _preset_reason(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    if not tap.arg.isdigit() or int(tap.arg) >= len(review.REJECT_REASONS):
        return await _review(session, core, tap.to(Act.REVIEW), me, role)
    return await reject(session, core, tap, me, review.preset_reason(int(tap.arg)))


ACTIONS: dict[Act, Action] = {
    Act.REVIEWS: _reviews,
    Act.REVIEW: _review,
    Act.REJECT: _review,
    Act.REASON_TYPE: _review,
    Act.APPROVE: _approve,
    Act.REASON: _preset_reason,
}
