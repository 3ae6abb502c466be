"""The directory as HSDS 3.0: one page of the `/services` answer.

Staff are named by pseudonyms (`Pseudonyms`), never by their Telegram ids, and the staff
note stays home unless asked for, in the audit trail's copies of an entry too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from babel import Locale

from bot.directory.hsds.schedules import schedules
from bot.directory.hsds.terms import (
    AREA_NAMES,
    CONTACT_TAXONOMY,
    ENTRY_TAXONOMY,
    NEEDS_TAXONOMY,
    NOTE_TAXONOMY,
    PHONE_TYPES,
    STATUS,
    TEXT_TAXONOMY,
    attribute,
    english_first,
    hsds_id,
    ordered,
)
from bot.directory.schema import TEXT_FIELDS, EntryModel


@dataclass(frozen=True)
class Change:
    """One record of the audit trail (`bot.db.models.AuditRecord`), as the export reads it."""

    at: dt.datetime
    actor: str
    entry_id: str
    action: str
    field: str = ""
    lang: str = ""
    old: str = ""
    new: str = ""
    approved_by: str = ""


class Pseudonyms:
    """Staff named without their Telegram ids: `staff-` and ten letters from an HMAC of the
    id under a key drawn for this export and never stored. One export names each member of
    staff the same way throughout, so a reader sees who made which changes together; two
    exports cannot be linked, and nobody, the server's admin included, can test a guessed id
    against a pseudonym, since the key is gone. Letters only, so a pseudonym can never hold
    an id's digits. The command line's own actor, `cli`, is not a person and stays."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = key if key is not None else secrets.token_bytes(32)

    def __call__(self, actor: str) -> str:
        if not actor or actor == "cli":
            return actor
        digest = hmac.new(self._key, actor.encode(), hashlib.sha256).digest()
        return "staff-" + "".join(chr(ord("a") + byte % 26) for byte in digest[:10])


def _without_note(text: str) -> str:
    """An entry's YAML as the audit trail keeps it, without its staff-only note."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return ""
    if not isinstance(data, dict):
        return text
    data.pop("internal_note", None)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096)


def _utc(at: dt.datetime) -> dt.datetime:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _metadata(
    sid: str, changes: Sequence[Change], name: Pseudonyms, *, internal: bool
) -> list[dict[str, Any]]:
    records = []
    for index, change in enumerate(changes):
        if change.field == "internal_note" and not internal:
            continue
        old, new = change.old, change.new
        if not change.field and not internal:  # a whole entry: its note stays home
            old, new = _without_note(old) if old else "", _without_note(new) if new else ""
        who = name(change.actor)
        if change.approved_by:
            who += f" (approved by {name(change.approved_by)})"
        at = _utc(change.at)
        records.append(
            {
                "id": hsds_id("metadata", sid, str(index), at.isoformat()),
                "resource_id": sid,
                "resource_type": "service",
                "last_action_date": at.date().isoformat(),
                "last_action_type": change.action,
                "field_name": ":".join(p for p in (change.field, change.lang) if p) or "entry",
                "previous_value": old,
                "replacement_value": new,
                "updated_by": who,
            }
        )
    return records


def _attributes(entry: EntryModel, sid: str, *, internal: bool) -> list[dict[str, Any]]:
    """Everything HSDS has no field for, in the project's own taxonomies."""
    found = [attribute(sid, ENTRY_TAXONOMY, "entry_id", entry.id)]
    found += [attribute(sid, NEEDS_TAXONOMY, need, need) for need in entry.categories]
    for text_field in TEXT_FIELDS:
        texts: dict[str, str] = getattr(entry, text_field)
        for lang in ordered(texts):
            found.append(attribute(sid, TEXT_TAXONOMY, f"{text_field}:{lang}", texts[lang]))
    for index, contact in enumerate(entry.contacts):
        found.append(attribute(sid, CONTACT_TAXONOMY, contact.type, contact.value, index=index))
    if internal and entry.internal_note:
        found.append(attribute(sid, NOTE_TAXONOMY, "internal_note", entry.internal_note))
    return found


def _reach(entry: EntryModel, sid: str, title: str) -> dict[str, Any]:
    """Phones, contacts, languages and service areas: HSDS's own lists."""
    english = Locale("en").languages
    return {
        "phones": [
            {
                "id": hsds_id("phone", entry.id, str(i)),
                "service_id": sid,
                "number": c.value,
                "type": PHONE_TYPES[c.type],
                **({"description": "Signal"} if c.type == "signal" else {}),
            }
            for i, c in enumerate(entry.contacts)
            if c.type in PHONE_TYPES
        ],
        "contacts": [
            {"id": hsds_id("contact", entry.id, str(i)), "service_id": sid, "name": title}
            | {"email": c.value}
            for i, c in enumerate(entry.contacts)
            if c.type == "email"
        ],
        "languages": [
            {"id": hsds_id("language", entry.id, lang), "service_id": sid, "code": lang}
            | {"name": str(english.get(lang, lang))}
            for lang in entry.languages
        ],
        "service_areas": [
            {"id": hsds_id("area", entry.id, region), "service_id": sid, "name": region}
            | {"description": AREA_NAMES[region]}
            for region in entry.regions
        ],
    }


def service(
    entry: EntryModel,
    changes: Sequence[Change],
    name: Pseudonyms,
    now: dt.datetime,
    *,
    internal: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """One entry as an HSDS 3.0 service; and what HSDS could not say of it."""
    sid = hsds_id("service", entry.id)
    title, description = english_first(entry.name), english_first(entry.description)
    first = {c.type: c.value for c in reversed(entry.contacts)}
    organization = {"id": hsds_id("organization", entry.id), "name": title}
    organization["description"] = description or title
    web = {"url": first["website"]} if "website" in first else {}
    mail = {"email": first["email"]} if "email" in first else {}
    organization |= {"website": first["website"]} if web else {}
    organization |= mail
    found: dict[str, Any] = {"id": sid, "organization_id": organization["id"], "name": title}
    found["status"] = STATUS[entry.status]
    found |= ({"description": description} if description else {}) | web | mail
    # HSDS: "the steps needed to access the service"; here, what happens when she does.
    expect = english_first(entry.expect)
    found |= {"application_process": expect} if expect else {}
    if entry.verified_on is not None:
        found["assured_date"] = entry.verified_on.isoformat()
    if changes:
        last = max(_utc(change.at) for change in changes)
        found["last_modified"] = last.isoformat().replace("+00:00", "Z")
    times, unsaid = schedules(entry, sid, now)
    found |= {"organization": organization, **_reach(entry, sid, title), "schedules": times}
    found["attributes"] = _attributes(entry, sid, internal=internal)
    found["metadata"] = _metadata(sid, changes, name, internal=internal)
    return found, [unsaid] if unsaid else []


@dataclass
class Exported:
    text: str
    unsaid: list[str] = field(default_factory=list)  # what HSDS could not hold, per entry


def export(
    entries: Sequence[EntryModel],
    changes: Iterable[Change] = (),
    *,
    now: dt.datetime,
    internal: bool = False,
    key: bytes | None = None,
) -> Exported:
    """The directory as one page of the HSDS `/services` answer, entries by id."""
    name = Pseudonyms(key)
    by_entry: dict[str, list[Change]] = {}
    for change in changes:
        by_entry.setdefault(change.entry_id, []).append(change)
    services, unsaid = [], []
    for entry in sorted(entries, key=lambda e: e.id):
        found, missing = service(entry, by_entry.get(entry.id, []), name, now, internal=internal)
        services.append(found)
        unsaid += missing
    page = {
        "total_items": len(services),
        "total_pages": 1,
        "page_number": 1,
        "size": len(services),
        "first_page": True,
        "last_page": True,
        "empty": not services,
        "contents": services,
    }
    return Exported(json.dumps(page, ensure_ascii=False, indent=2) + "\n", unsaid)
