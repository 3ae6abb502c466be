"""Her drafts at the desk: opening one, changing it a field at a time, the preview of a batch,
submitting it for review or discarding it.

Every tap on a draft first finds it (`on_draft`): hers, still a draft, with its data; a draft
that is gone (submitted, discarded, someone else's) gets one calm answer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import Core
from bot.db.models import Proposal
from bot.desk import draft, pending, proposals, summarize
from bot.desk.callback import Act, Tap
from bot.desk.question import Ask, Question
from bot.desk.result import Action, Result
from bot.desk.screens import diff, editor, frame, preview, toggles
from bot.directory import schema
from bot.directory.file_format import FileError
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.taxonomy import CONTACT_TYPES, NEEDS, REGION_CODES


@dataclass(frozen=True)
class OpenDraft:
    proposal: Proposal
    data: draft.Data


async def open_draft(session: AsyncSession, me: int, proposal_id: int) -> OpenDraft | None:
    """Her draft with this number and its data; None if it is not hers, or not a draft."""
    proposal = await proposals.own(session, me, proposal_id)
    return OpenDraft(proposal, draft.load(proposal.proposed)) if proposal is not None else None


def gone(tap: Tap) -> Result:
    t = Texts(tap.lang)
    return Result(frame.notice(t, tap, t.gettext("This draft is no longer open.")))


DraftAction = Callable[[AsyncSession, Tap, int, OpenDraft], Awaitable[Result]]


def on_draft(action: DraftAction) -> Action:
    """A tap on the draft its number names: run only if she still has that draft open."""

    async def run(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
        found = await open_draft(session, me, tap.number)
        if found is None:
            return gone(tap)
        return await action(session, tap, me, found)

    return run


def overview(tap: Tap, proposal: Proposal) -> Result:
    """The draft's editor as it stands, any change just saved to it included."""
    return Result(editor.overview(Texts(tap.lang), tap, summarize.detail_of(proposal)))


async def _drafts(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    items = [summarize.title_of(p) for p in await proposals.drafts_of(session, me)]
    return Result(preview.drafts(Texts(tap.lang), tap, items))


async def _draft(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    """Opened from her list or a preview: the editor submits and discards this one only."""
    await proposals.on_its_own(session, found.proposal)
    return overview(tap, found.proposal)


def _field_lang(arg: str) -> tuple[str, str] | None:
    field, _sep, lang = arg.partition("-")
    if field not in schema.TEXT_FIELDS or not lang:
        return None
    return field, lang


async def _text(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    t = Texts(tap.lang)
    proposal, data = found.proposal, found.data
    if tap.act is Act.FIELD:
        if tap.arg not in schema.TEXT_FIELDS:
            return overview(tap, proposal)
        return Result(editor.text_field(t, tap, proposal.id, tap.arg, data))
    spot = _field_lang(tap.arg)
    if spot is None:
        return overview(tap, proposal)
    field, lang = spot
    if tap.act is Act.CLEAR:
        proposals.save(proposal, draft.set_text(data, field, lang, None))
        return overview(tap, proposal)
    asked = Question(Ask.TEXT, proposal.id, field=field, lang=lang)
    await pending.remember(session, me, tap.lang, asked)
    now = str((data.get(field) or {}).get(lang, ""))
    return Result(editor.ask_text(t, tap, proposal.id, field, lang, now))


_TOGGLES = {
    Act.PLACES: ("regions", toggles.places),
    Act.NEEDS: ("categories", toggles.needs),
    Act.LANGS: ("languages", toggles.languages),
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


async def _toggle(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    data = found.data
    key, screen = _TOGGLES[_TOGGLE_OF.get(tap.act, tap.act)]
    if tap.act in _TOGGLE_OF:
        value = _choice(tap.act, tap.arg)
        if value is not None:
            data = draft.toggle(data, key, value)
            proposals.save(found.proposal, data)
    return Result(screen(Texts(tap.lang), tap, found.proposal.id, data))


async def _contacts(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    t = Texts(tap.lang)
    proposal, data = found.proposal, found.data
    if tap.act is Act.CONTACT_ADD:
        return Result(editor.contact_types(t, tap, proposal.id))
    if tap.act is Act.CONTACT_TYPE and tap.arg in CONTACT_TYPES:
        asked = Question(Ask.CONTACT, proposal.id, contact=tap.arg)
        await pending.remember(session, me, tap.lang, asked)
        return Result(editor.ask_contact(t, tap, proposal.id, tap.arg))
    if tap.act is Act.CONTACT_DROP and tap.arg.isdigit():
        data = draft.remove_contact(data, int(tap.arg))
        proposals.save(proposal, data)
    return Result(editor.contacts(t, tap, proposal.id, data))


async def _note(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    t = Texts(tap.lang)
    proposal, data = found.proposal, found.data
    if tap.act is Act.NOTE_TYPE:
        await pending.remember(session, me, tap.lang, Question(Ask.NOTE, proposal.id))
        return Result(editor.ask_note(t, tap, proposal.id))
    if tap.act is Act.NOTE_CLEAR:
        data = draft.set_note(data, None)
        proposals.save(proposal, data)
    return Result(editor.note(t, tap, proposal.id, data))


async def _opening(session: AsyncSession, tap: Tap, me: int, found: OpenDraft) -> Result:
    t = Texts(tap.lang)
    proposal, data = found.proposal, found.data
    if tap.act is Act.OPENING_TYPE:
        await pending.remember(session, me, tap.lang, Question(Ask.OPENING, proposal.id))
        return Result(editor.ask_opening(t, tap, proposal.id))
    if tap.act is Act.OPENING_CLEAR:
        data = draft.set_opening(data, None)
        proposals.save(proposal, data)
    return Result(editor.opening(t, tap, proposal.id, data))


async def batch_preview(
    session: AsyncSession, tap: Tap, me: int, unchanged: int = 0, part: int = 0
) -> Result:
    """Her drafts of the batch the tap names, before and after, with every error in them."""
    batch = await proposals.batch(session, me, tap.number)
    if not batch:
        return gone(tap)
    errors: list[FileError] = []
    for proposal in batch:
        found = draft.check(draft.load(proposal.proposed))
        if not isinstance(found, EntryModel):
            errors.extend(found)
    shown = [summarize.detail_of(proposal) for proposal in batch]
    return Result(preview.batch_preview(Texts(tap.lang), tap, shown, errors, unchanged, part))


async def _preview(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    return await batch_preview(session, tap, me, part=diff.part_of(tap.arg))


async def _submit(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    outcome = await proposals.submit(session, me, tap.number)
    if not outcome:
        return gone(tap)
    if not isinstance(outcome[0], Proposal):
        return await batch_preview(session, tap, me)
    message = t.ngettext(
        "{count} proposal sent for review. Another volunteer will check it.",
        "{count} proposals sent for review. Another volunteer will check them.",
        len(outcome),
    ).format(count=len(outcome))
    return Result(frame.notice(t, tap, message), toast=message)


async def _discard(session: AsyncSession, core: Core, tap: Tap, me: int, role: str) -> Result:
    t = Texts(tap.lang)
    await proposals.discard(session, me, tap.number)
    return Result(frame.notice(t, tap, t.gettext("The draft was discarded.")))


ACTIONS: dict[Act, Action] = {
    Act.DRAFTS: _drafts,
    Act.DRAFT: on_draft(_draft),
    **dict.fromkeys((Act.FIELD, Act.TEXT, Act.CLEAR), on_draft(_text)),
    **dict.fromkeys((*_TOGGLES, *_TOGGLE_OF), on_draft(_toggle)),
    **dict.fromkeys(
        (Act.CONTACTS, Act.CONTACT_DROP, Act.CONTACT_ADD, Act.CONTACT_TYPE), on_draft(_contacts)
    ),
    **dict.fromkeys((Act.NOTE, Act.NOTE_TYPE, Act.NOTE_CLEAR), on_draft(_note)),
    **dict.fromkeys((Act.OPENING, Act.OPENING_TYPE, Act.OPENING_CLEAR), on_draft(_opening)),
    Act.PREVIEW: _preview,
    Act.SUBMIT: _submit,
    Act.DISCARD: _discard,
}
