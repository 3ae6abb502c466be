"""HSDS 3.0 services as drafts of directory entries, and a report of what did not map.

Nothing read here reaches users: the drafts are a volunteer's (`bot.desk.imports`), a new
entry comes with status `draft`, and the publisher's status and check date are reported,
never taken. What the project's own attributes hold (`terms.py`) comes back exactly.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from bot.directory.hsds.schedules import opening_of
from bot.directory.hsds.terms import (
    CONTACT_TAXONOMY,
    ENTRY_TAXONOMY,
    NEEDS_TAXONOMY,
    NOTE_TAXONOMY,
    TEXT_TAXONOMY,
    ordered,
    terms,
)
from bot.directory.schema import TEXT_FIELDS, is_entry_id, known_languages
from bot.taxonomy import CONTACT_TYPES, ENTRY_ID_MAX, NEEDS, REGION_CODES

# What a service may carry that becomes part of an entry; anything else is reported.
_MAPPED = {
    "id", "name", "description", "application_process", "url", "email", "status",
    "assured_date", "last_modified", "organization_id", "organization", "phones", "contacts",
    "languages", "service_areas", "schedules", "attributes", "metadata",
}  # fmt: skip
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


class NotHsds(ValueError):
    """A file that is not HSDS 3.0 services in JSON."""


@dataclass
class Imported:
    """Entries as drafts (plain data in the file's shape, possibly incomplete), and, one line
    each, what did not map."""

    drafts: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


@dataclass
class _Ours:
    """What a service's attributes in the project's own taxonomies say."""

    entry_id: str = ""
    needs: list[str] = field(default_factory=list)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    contacts: list[tuple[str, str]] = field(default_factory=list)
    note: str | None = None


def _services(document: Any) -> list[dict[str, Any]]:
    """The services of a `/services` page, a list of services, or a single service."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, list):
        items = document
    elif isinstance(document, dict) and "name" in document:
        items = [document]
    else:
        raise NotHsds("expected HSDS services: a page with 'contents', a list, or a service")
    if not all(isinstance(item, dict) for item in items):
        raise NotHsds("every service must be a JSON object")
    return [dict(item) for item in items]


def _lang_of(text: str) -> str:
    """The language a publisher's single text is in, by its script: Korean, Chinese, else
    English (HSDS does not say). A volunteer sees and corrects it in the draft."""
    if _HANGUL.search(text):
        return "ko"
    if _HAN.search(text):
        return "zh"
    return "en"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:ENTRY_ID_MAX].strip("-")


def _ours(item: dict[str, Any], label: str, unmapped: list[str]) -> _Ours:
    said = _Ours()
    for taxonomy, code, value in terms(item):
        text_field, _sep, lang = code.partition(":")
        if taxonomy == ENTRY_TAXONOMY and code == "entry_id":
            said.entry_id = value
        elif taxonomy == NEEDS_TAXONOMY and code in NEEDS:
            said.needs.append(code)
        elif taxonomy == TEXT_TAXONOMY and text_field in TEXT_FIELDS:
            said.texts.setdefault(text_field, {})[lang] = value
        elif taxonomy == CONTACT_TAXONOMY and code in CONTACT_TYPES:
            said.contacts.append((code, value))
        elif taxonomy == NOTE_TAXONOMY:
            said.note = value
        else:
            unmapped.append(f"{label}: attribute {code!r} of taxonomy {taxonomy!r}")
    return said


def _texts(item: dict[str, Any], said: _Ours) -> dict[str, dict[str, str]]:
    """Each text in every language the attributes give, else HSDS's one text."""
    texts = dict(said.texts)
    for key, text_field in (
        ("name", "name"),
        ("description", "description"),
        ("application_process", "expect"),
    ):
        if text_field not in texts and item.get(key):
            texts[text_field] = {_lang_of(str(item[key])): str(item[key])}
    words = [
        str(s["description"])
        for s in item.get("schedules") or []
        if isinstance(s, dict) and s.get("description") and not terms(s)
    ]
    if "hours" not in texts and words:
        joined = " ".join(words)
        texts["hours"] = {_lang_of(joined): joined}
    return texts


def _new_id(wanted: str, item: dict[str, Any], label: str, taken: set[str]) -> str:
    """The entry id the attributes give, else one from the name in Latin letters, else from
    the service's HSDS id; unique in this import."""
    if is_entry_id(wanted) and wanted not in taken:
        return wanted
    entry_id = _slug(label)
    if not is_entry_id(entry_id):
        entry_id = _slug("hsds-" + str(item.get("id") or "")[:8])
    if not is_entry_id(entry_id) or entry_id == "hsds":
        entry_id = "hsds-" + uuid.uuid4().hex[:8]
    base, number = entry_id[: ENTRY_ID_MAX - 4].strip("-"), 2
    while entry_id in taken:
        entry_id, number = f"{base}-{number}", number + 1
    return entry_id


def _codes(
    items: Any, key: str, allowed: Any, what: str, label: str, unmapped: list[str]
) -> list[str]:
    """Place codes from service areas, or language codes from languages."""
    found: list[str] = []
    for item in items or []:
        written = str(item.get(key) or "").strip() if isinstance(item, dict) else ""
        code = written.upper() if what == "service area" else written.lower()
        if code in allowed and code not in found:
            found.append(code)
        else:
            unmapped.append(f"{label}: {what} {written or item!r}")
    return found


def _contacts(item: dict[str, Any], ours: list[tuple[str, str]]) -> list[dict[str, str]]:
    if ours:
        return [{"type": kind, "value": value} for kind, value in ours]
    found: list[dict[str, str]] = []

    def add(kind: str, value: Any) -> None:
        text = str(value or "").strip()
        if text and {"type": kind, "value": text} not in found:
            found.append({"type": kind, "value": text})

    organization = item.get("organization") if isinstance(item.get("organization"), dict) else {}
    people = [c for c in item.get("contacts") or [] if isinstance(c, dict)]
    phones = [p for p in item.get("phones") or [] if isinstance(p, dict)]
    phones += [p for person in people for p in person.get("phones") or [] if isinstance(p, dict)]
    for phone in phones:
        add("phone", phone.get("number"))
    add("website", item.get("url") or (organization or {}).get("website"))
    add("email", item.get("email") or (organization or {}).get("email"))
    for person in people:
        add("email", person.get("email"))
    return found


def _entry(item: dict[str, Any], taken: set[str], unmapped: list[str]) -> dict[str, Any]:
    label = str(item.get("name") or item.get("id") or "a service")
    said = _ours(item, label, unmapped)
    texts = _texts(item, said)
    entry_id = _new_id(said.entry_id, item, label, taken)
    taken.add(entry_id)
    data: dict[str, Any] = {"id": entry_id, "status": "draft", "categories": said.needs}
    data["regions"] = _codes(
        item.get("service_areas"), "name", REGION_CODES, "service area", label, unmapped
    )
    data["languages"] = _codes(
        item.get("languages"), "code", known_languages(), "language", label, unmapped
    )
    for text_field in TEXT_FIELDS:
        if texts.get(text_field) or text_field == "name":
            found = texts.get(text_field, {})
            data[text_field] = {lang: found[lang] for lang in ordered(found)}
    opening = opening_of(item, label, unmapped)
    if opening is not None:
        data["opening"] = opening
    data["contacts"] = _contacts(item, said.contacts)
    if said.note is not None:
        data["internal_note"] = said.note
    left = sorted(k for k, v in item.items() if k not in _MAPPED and v not in (None, "", [], {}))
    if left:
        unmapped.append(f"{label}: fields {', '.join(left)}")
    if item.get("assured_date") or item.get("status"):
        unmapped.append(
            f"{label}: the publisher's status {item.get('status')!r} and check date"
            f" {item.get('assured_date')!r} are not taken: a volunteer checks the entry"
        )
    return data


def read(text: str) -> Imported:
    """Services from an HSDS 3.0 JSON file as drafts; raise NotHsds if it holds none."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NotHsds(f"not JSON: {exc.msg}, line {exc.lineno}") from None
    found = Imported()
    taken: set[str] = set()
    for item in _services(document):
        found.drafts.append(_entry(item, taken, found.unmapped))
    return found
