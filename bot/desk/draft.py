"""A proposed entry while a volunteer builds it, one field at a time, and its checks.

A draft is plain data in the directory file's shape. It may be incomplete while she works on
it (a new entry has no contacts yet), so it is checked in two ways: one field at a time, as
she types, and whole before it is submitted. Both use the file validator itself, so a volunteer
in the bot and one running `helpline directory validate` read the same messages.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

import yaml

from bot.directory.file_format import (
    FORMAT_VERSION,
    DirectoryFileInvalid,
    FileError,
    entry_to_data,
    entry_yaml,
    parse,
)
from bot.directory.schema import TEXT_FIELDS, EntryModel
from bot.taxonomy import CONTACT_TYPES, NEEDS, REGION_CODES

Data = dict[str, Any]
LISTS = {"categories": NEEDS, "regions": REGION_CODES}
# Languages offered as buttons for "staff speak"; a file can name any ISO 639-1 code.
SPOKEN_CHOICES = ("ko", "zh", "en", "ru", "ja", "mn", "th", "lo", "vi", "km", "my")


def blank(entry_id: str, today: dt.date) -> Data:
    """A new entry, to be filled in: verified today by the volunteer who proposes it."""
    return {
        "id": entry_id,
        "status": "verified",
        "verified_on": today,
        "categories": [],
        "regions": [],
        "languages": [],
        "name": {},
        "contacts": [],
    }


def from_entry(entry: EntryModel) -> Data:
    return entry_to_data(entry, internal=True)


def load(text: str) -> Data:
    """A draft stored as YAML; `verified_on` comes back as a date."""
    data = yaml.safe_load(text) if text else {}
    if not isinstance(data, dict):
        raise ValueError("a stored draft is not a mapping")
    return data


def dump(data: Data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)


def _copy(data: Data) -> Data:
    return load(dump(data))


def set_text(data: Data, field: str, lang: str, text: str | None) -> Data:
    """Set (or with None remove) the text of `field` in `lang`."""
    if field not in TEXT_FIELDS:
        raise ValueError(f"not a text field: {field}")
    changed = _copy(data)
    texts = dict(changed.get(field) or {})
    if text is None:
        texts.pop(lang, None)
    else:
        texts[lang] = text.strip()
    changed[field] = texts
    if not texts and field != "name":
        del changed[field]
    return changed


def toggle(data: Data, key: str, value: str) -> Data:
    """Add `value` to the list `key`, or take it away; the list keeps the menu's order."""
    changed = _copy(data)
    items = list(changed.get(key) or [])
    if value in items:
        items.remove(value)
    else:
        items.append(value)
    order = LISTS.get(key)
    if order is not None:
        items.sort(key=lambda item: order.index(item) if item in order else len(order))
    changed[key] = items
    return changed


def add_contact(data: Data, kind: str, value: str) -> Data:
    if kind not in CONTACT_TYPES:
        raise ValueError(f"not a contact type: {kind}")
    changed = _copy(data)
    changed["contacts"] = [*(changed.get("contacts") or []), {"type": kind, "value": value.strip()}]
    return changed


def remove_contact(data: Data, index: int) -> Data:
    changed = _copy(data)
    contacts = list(changed.get("contacts") or [])
    if 0 <= index < len(contacts):
        del contacts[index]
    changed["contacts"] = contacts
    return changed


def set_note(data: Data, text: str | None) -> Data:
    changed = _copy(data)
    if text is None or not text.strip():
        changed.pop("internal_note", None)
    else:
        changed["internal_note"] = text.strip()
    return changed


def set_opening(data: Data, text: str | None) -> Data:
    """Set the weekly hours from what she typed: the rule, the time zone and, if the service
    closes on public holidays, the country, one to a line (None removes them). The validator
    says what is wrong with them, as it does in a file."""
    changed = _copy(data)
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if text is None or not lines:
        changed.pop("opening", None)
        return changed
    opening: dict[str, Any] = {"rule": lines[0]}
    if len(lines) > 1:
        opening["zone"] = lines[1]
    if len(lines) > 2:
        opening["holidays"] = lines[2].upper()
    if len(lines) > 3:
        opening["more"] = " ".join(lines[3:])  # refused by the validator: at most three lines
    rebuilt: Data = {}
    for key, value in changed.items():  # in the file's order: after the texts, before contacts
        if key == "contacts":
            rebuilt["opening"] = opening
        if key != "opening":
            rebuilt[key] = value
    rebuilt.setdefault("opening", opening)
    return rebuilt


def retired(data: Data) -> Data:
    changed = _copy(data)
    changed["status"] = "archived"
    return changed


def check(data: Data) -> EntryModel | list[FileError]:
    """The whole entry through the file validator: the entry, or every error in it."""
    try:
        parsed = parse(dump({"version": FORMAT_VERSION, "entries": [data]}), source="proposal")
    except DirectoryFileInvalid as invalid:
        return invalid.errors
    return parsed.entries[0]


def errors_in(data: Data, field: str) -> list[FileError]:
    """Only the errors about `field` (and what is inside it): what she has just typed."""
    found = check(data)
    if isinstance(found, EntryModel):
        return []
    return [e for e in found if e.field == field or e.field.startswith((field + ".", field + "["))]


def as_yaml(data: Data) -> str:
    """The text a proposal is compared and stored by: the file's form when the draft is
    complete, the draft as it stands otherwise."""
    found = check(data)
    return entry_yaml(found) if isinstance(found, EntryModel) else dump(data)


def diff(before: str, after: str) -> list[str]:
    """What changes, line by line: `-` before, `+` after, a line of context either side."""
    lines = difflib.unified_diff(
        before.splitlines(), after.splitlines(), "before", "after", lineterm="", n=1
    )
    return [line for line in list(lines)[2:] if not line.startswith("@@")]
