"""The question the desk waits for a typed answer to ("send the new name"), as it is written in
the staff row: `find`, `new`, `add`, `signature`, `reason:N`, `note:N`, `contact:N:TYPE`,
`opening:N`, `text:N:FIELD:LANG` (N a proposal).

The row outlives the tap that asked, so what is read back is checked as strictly as a button's
data: only what `encode` writes decodes, and a value that does not is refused whole rather
than read in part. A question is typed, so the answer is dispatched on its kind, never on the
pieces of a string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.directory.schema import TEXT_FIELDS
from bot.taxonomy import CONTACT_TYPES

MAX_LENGTH = 64  # the staff row's `waiting_for` column holds this many characters
LANG_PATTERN = r"[a-z0-9-]{1,40}"  # what a tap's argument may carry as a language


class BadQuestion(ValueError):
    """Stored text that is not a question the desk writes."""


class Ask(StrEnum):
    FIND = "find"  # an entry's id, to open it
    NEW = "new"  # a new entry's id
    STAFF_ID = "add"  # the user id of a volunteer to add (admins)
    SIGNATURE = "signature"  # the first name she signs her answers to a conversation with
    REASON = "reason"  # why a proposal is rejected
    NOTE = "note"  # a draft's staff note
    OPENING = "opening"  # a draft's weekly hours: rule, time zone and holidays, one per line
    CONTACT = "contact"  # a draft's new contact, of one type
    TEXT = "text"  # a draft's text field, in one language


def _choice(values: tuple[str, ...]) -> str:
    return "|".join(re.escape(value) for value in values)


_PROPOSAL = r":(?P<proposal>[1-9][0-9]{0,8})"
_FORMS = {
    Ask.FIND: re.compile("find"),
    Ask.NEW: re.compile("new"),
    Ask.STAFF_ID: re.compile("add"),
    Ask.SIGNATURE: re.compile("signature"),
    Ask.REASON: re.compile("reason" + _PROPOSAL),
    Ask.NOTE: re.compile("note" + _PROPOSAL),
    Ask.OPENING: re.compile("opening" + _PROPOSAL),
    Ask.CONTACT: re.compile("contact" + _PROPOSAL + rf":(?P<contact>{_choice(CONTACT_TYPES)})"),
    Ask.TEXT: re.compile(
        "text" + _PROPOSAL + rf":(?P<field>{_choice(TEXT_FIELDS)}):(?P<lang>{LANG_PATTERN})"
    ),
}


@dataclass(frozen=True, slots=True)
class Question:
    ask: Ask
    proposal: int = 0  # the proposal a reason, note, contact or text is for
    field: str = ""  # TEXT: name, description, expect or hours
    lang: str = ""  # TEXT: the language it is written in
    contact: str = ""  # CONTACT: the contact's type


def encode(question: Question) -> str:
    parts = [question.ask.value]
    if question.proposal:
        parts.append(str(question.proposal))
    parts += [part for part in (question.field, question.lang, question.contact) if part]
    data = ":".join(parts)
    try:
        if decode(data) == question:
            return data
    except BadQuestion:
        pass
    raise ValueError(f"cannot encode {question!r}")


def decode(data: object) -> Question:
    """Read untrusted stored text; anything `encode` did not make raises BadQuestion."""
    if not isinstance(data, str) or len(data) > MAX_LENGTH:
        raise BadQuestion
    try:
        ask = Ask(data.partition(":")[0])
    except ValueError:
        raise BadQuestion from None
    match = _FORMS[ask].fullmatch(data)
    if match is None:
        raise BadQuestion
    found = match.groupdict()
    return Question(
        ask,
        int(found.get("proposal") or 0),
        found.get("field") or "",
        found.get("lang") or "",
        found.get("contact") or "",
    )
