"""Database rows turned into the plain values the desk's screens are given
(bot/desk/summaries.py): the one place that knows both, used by the code that read the rows."""

from __future__ import annotations

from bot.db.models import Proposal, Staff
from bot.desk import draft
from bot.desk.summaries import Member, ProposalDetail, ProposalTitle


def title_of(proposal: Proposal) -> ProposalTitle:
    return ProposalTitle(proposal.id, proposal.kind, proposal.entry_id)


def detail_of(proposal: Proposal) -> ProposalDetail:
    """Its before/after is worked out here, once, for the screen that shows it."""
    return ProposalDetail(
        title_of(proposal),
        proposal.batch,
        proposal.created_at.date(),
        tuple(draft.diff(proposal.base, proposal.proposed)),
    )


def member_of(member: Staff) -> Member:
    return Member(member.user_id, member.role, member.added_on)
