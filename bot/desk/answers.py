"""What she types in answer to the question the desk asked: an entry's id, a volunteer's user
id, a reason for a rejection, a value for her draft, or the first name she signs with.

The question is read back typed (bot/desk/question.py) and each kind has its answer here. A
value that does not pass is refused with the validator's words and the question stays open;
anything else ends it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.desk import (
    browsing,
    draft,
    editing,
    pending,
    proposals,
    relaying,
    reviewing,
    staffing,
)
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Result
from bot.desk.screens import duty, editor, preview, queue, staff_admin
from bot.directory import schema
from bot.i18n import Texts
from bot.relay.duty import MAX_SIGNATURE
from bot.ui.text import escape, paragraphs
from bot.ui.view import View, fit

MAX_REASON = 500  # characters of a typed reason kept for its author


@dataclass(frozen=True)
class _Asked:
    """The question being answered, and who answers it where."""

    session: AsyncSession
    core: Core
    me: int
    role: str
    question: Question
    lang: str

    @property
    def t(self) -> Texts:
        return Texts(self.lang)

    @property
    def tap(self) -> Tap:
        """The desk, in her language: what screens that answer no tap are made from."""
        return Tap(Act.HOME, self.lang)

    async def ask_again(self) -> None:
        await pending.remember(self.session, self.me, self.lang, self.question)


async def on_text(core: Core, me: int, role: str, text: str) -> Result | None:
    """Her answer to the question the bot asked; None if it asked none (or it lapsed)."""
    async with core.sessions() as session:
        waiting = await pending.waiting(session, me)
        if waiting is None:
            return None
        await pending.remember(session, me, waiting.lang, None)
        if waiting.question is None:
            result = editing.gone(Tap(Act.HOME, waiting.lang))
        else:
            asked = _Asked(session, core, me, role, waiting.question, waiting.lang)
            result = await _ANSWERS[waiting.question.ask](asked, text.strip())
        if session.in_transaction():
            await session.commit()
    result.view = fit(result.view)
    return result


def _told(message: str, view: View) -> View:
    """A screen with a line on top: typed answers have no tap to show a notice on."""
    return View(paragraphs(escape(message), view.text), view.rows)


async def _entry_id(asked: _Asked, text: str) -> Result:
    t, tap, new = asked.t, asked.tap, asked.question.ask is Ask.NEW
    if not schema.is_entry_id(text):
        await asked.ask_again()
        return Result(_told(t.gettext("That is not a valid id."), queue.ask_id(t, tap, new=new)))
    if not new:
        return await browsing.entry_view(asked.session, asked.core, tap.to(Act.ENTRY, 0, text))
    proposal = await proposals.start_new(asked.session, asked.me, text, asked.core.today())
    if proposal is None:
        await asked.ask_again()
        message = t.gettext("This id is already used. Choose another one.")
        return Result(_told(message, queue.ask_id(t, tap, new=True)))
    return editing.overview(tap, proposal)


async def _user_id(asked: _Asked, text: str) -> Result:
    if asked.role != "admin":  # no longer an admin: nothing of hers is open
        return editing.gone(asked.tap)
    t, tap = asked.t, asked.tap
    target = staffing.user_id_from(text)
    if target is None:
        await asked.ask_again()
        return Result(_told(t.gettext("Please send digits only."), staff_admin.ask_user_id(t, tap)))
    return Result(staff_admin.add_question(t, tap, target))  # one more tap to add


async def _reason(asked: _Asked, text: str) -> Result:
    tap = asked.tap.to(Act.REJECT, asked.question.proposal)
    return await reviewing.reject(asked.session, asked.core, tap, asked.me, text[:MAX_REASON])


def _changed(question: Question, data: draft.Data, text: str) -> tuple[draft.Data, str]:
    """The draft with her value in, and the field the validator is asked about."""
    if question.ask is Ask.TEXT:
        return draft.set_text(data, question.field, question.lang, text), question.field
    if question.ask is Ask.CONTACT:
        return draft.add_contact(data, question.contact, text), "contacts"
    if question.ask is Ask.OPENING:
        return draft.set_opening(data, text), "opening"
    return draft.set_note(data, text), "internal_note"


def _asked_again(t: Texts, here: Tap, question: Question, data: draft.Data) -> View:
    if question.ask is Ask.TEXT:
        now = str((data.get(question.field) or {}).get(question.lang, ""))
        return editor.ask_text(t, here, question.proposal, question.field, question.lang, now)
    if question.ask is Ask.CONTACT:
        return editor.ask_contact(t, here, question.proposal, question.contact)
    if question.ask is Ask.OPENING:
        return editor.ask_opening(t, here, question.proposal)
    return editor.ask_note(t, here, question.proposal)


async def _draft_value(asked: _Asked, text: str) -> Result:
    """A text, a contact or a note for her draft, kept only if it passes the checks."""
    found = await editing.open_draft(asked.session, asked.me, asked.question.proposal)
    if found is None:
        return editing.gone(asked.tap)
    t, question, proposal = asked.t, asked.question, found.proposal
    here = asked.tap.to(Act.DRAFT, proposal.id)
    changed, checked = _changed(question, found.data, text)
    errors = draft.errors_in(changed, checked)
    if errors:
        await asked.ask_again()
        again = _asked_again(t, here, question, found.data)
        refused = preview.invalid(t, errors, then=t.gettext("Please send it again, or cancel."))
        return Result(View(paragraphs(refused, again.text), again.rows))
    proposals.save(proposal, changed)
    if question.ask is Ask.CONTACT:
        return Result(editor.contacts(t, here, proposal.id, changed))
    if question.ask is Ask.NOTE:
        return Result(editor.note(t, here, proposal.id, changed))
    if question.ask is Ask.OPENING:
        return Result(editor.opening(t, here, proposal.id, changed))
    return editing.overview(here, proposal)


async def _signature(asked: _Asked, text: str) -> Result:
    """The first name her answers to a conversation are signed with."""
    if not asked.core.settings.relay_on:  # set up no longer: nothing of it is open
        return editing.gone(asked.tap)
    done = await relaying.signature_typed(asked.session, asked.tap, asked.me, text)
    if done is None:
        await asked.ask_again()
        again = duty.ask_signature(asked.t, asked.tap, longest=MAX_SIGNATURE, refused=True)
        return Result(again)
    return done


Answer = Callable[[_Asked, str], Awaitable[Result]]
_ANSWERS: dict[Ask, Answer] = {
    Ask.FIND: _entry_id,
    Ask.NEW: _entry_id,
    Ask.STAFF_ID: _user_id,
    Ask.SIGNATURE: _signature,
    Ask.REASON: _reason,
    Ask.TEXT: _draft_value,
    Ask.CONTACT: _draft_value,
    Ask.NOTE: _draft_value,
    Ask.OPENING: _draft_value,
}
assert set(_ANSWERS) == set(Ask), f"no answer for {set(Ask) - set(_ANSWERS)}"
