"""Directory exports for other tools: CSV for spreadsheets, Open Referral HSDS JSON.

The YAML file (`directory_file.dump`) is the format the directory lives in; these are
one-way views of it, written in the same stable order.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from bot.directory.schema import TEXT_FIELDS, EntryModel
from bot.taxonomy import USER_LANGUAGES

# A fixed namespace so that the same entry always gets the same HSDS id.
HSDS_NAMESPACE = uuid.UUID("0b8f2d3c-6a52-5c1e-9d0e-5f1e0a7b9c11")
HSDS_STATUS = {"verified": "active", "draft": "inactive", "archived": "defunct"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _sorted_langs(langs: set[str]) -> list[str]:
    order = {lang: i for i, lang in enumerate(USER_LANGUAGES)}
    return sorted(langs, key=lambda k: (order.get(k, len(order)), k))


def _cell(value: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (a phone number starts with +)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(entries: list[EntryModel], *, internal: bool = False) -> str:
    """One row per entry; list fields joined with ';', texts one column per language."""
    entries = sorted(entries, key=lambda e: e.id)
    text_columns = [
        (field, lang)
        for field in TEXT_FIELDS
        for lang in _sorted_langs({lang for e in entries for lang in getattr(e, field)})
    ]
    header = ["id", "status", "verified_on", "categories", "regions", "languages"]
    header += [f"{field}_{lang}" for field, lang in text_columns]
    header.append("contacts")
    if internal:
        header.append("internal_note")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for e in entries:
        row = [
            e.id,
            e.status,
            e.verified_on.isoformat() if e.verified_on else "",
            ";".join(e.categories),
            ";".join(e.regions),
            ";".join(e.languages),
        ]
        row += [getattr(e, field).get(lang, "") for field, lang in text_columns]
        row.append("; ".join(f"{c.type}: {c.value}" for c in e.contacts))
        if internal:
            row.append(e.internal_note or "")
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _hsds_id(*parts: str) -> str:
    return str(uuid.uuid5(HSDS_NAMESPACE, "/".join(parts)))


def _first_text(entry: EntryModel, field: str) -> str:
    found = entry.text(field, "en")
    return found[0] if found else ""


def _hsds_need(entry: EntryModel, need: str) -> dict[str, Any]:
    """A need as an HSDS attribute, its term in the project's own taxonomy of needs."""
    return {
        "id": _hsds_id("attribute", entry.id, need),
        "taxonomy_term": {
            "id": _hsds_id("term", need),
            "code": need,
            "term": need,
            "taxonomy": "helpline-needs",
        },
    }


def _translations(entry: EntryModel) -> dict[str, dict[str, str]]:
    """Every text field in every language it has, the users' languages first."""
    translations = {}
    for field in TEXT_FIELDS:
        texts: dict[str, str] = getattr(entry, field)
        translations[field] = {lang: texts[lang] for lang in _sorted_langs(set(texts))}
    return translations


def to_hsds_service(entry: EntryModel, *, internal: bool = False) -> dict[str, Any]:
    """An entry as an HSDS 3.0 service: English (or the first language present) in the standard
    fields, because HSDS has one text per field; every language under `x_translations`."""
    sid = _hsds_id("service", entry.id)
    contact_of = {c.type: c.value for c in reversed(entry.contacts)}
    service: dict[str, Any] = {
        "id": sid,
        "name": _first_text(entry, "name"),
        "description": _first_text(entry, "description") or None,
        # HSDS: "the steps needed to access the service"; here, what happens when she does.
        "application_process": _first_text(entry, "expect") or None,
        "url": contact_of.get("website"),
        "email": contact_of.get("email"),
        "status": HSDS_STATUS[entry.status],
        "assured_date": entry.verified_on.isoformat() if entry.verified_on else None,
        "phones": [
            {"id": _hsds_id("phone", entry.id, str(i)), "number": c.value, "type": c.type}
            for i, c in enumerate(entry.contacts)
            if c.type in ("phone", "signal")
        ],
        "languages": [
            {"id": _hsds_id("language", entry.id, lang), "code": lang} for lang in entry.languages
        ],
        "service_areas": [
            {"id": _hsds_id("area", entry.id, region), "name": region} for region in entry.regions
        ],
        "attributes": [_hsds_need(entry, need) for need in entry.categories],
        "schedules": (
            [{"id": _hsds_id("schedule", entry.id), "description": _first_text(entry, "hours")}]
            if entry.hours
            else []
        ),
        "contacts": [
            {"id": _hsds_id("contact", entry.id, str(i)), "type": c.type, "value": c.value}
            for i, c in enumerate(entry.contacts)
        ],
        "x_entry_id": entry.id,
        "x_translations": _translations(entry),
    }
    if internal and entry.internal_note:
        service["x_internal_note"] = entry.internal_note
    return service


def to_hsds(entries: list[EntryModel], *, internal: bool = False) -> str:
    """HSDS services as a JSON document; fields HSDS lacks carry an `x_` prefix."""
    services = [to_hsds_service(e, internal=internal) for e in sorted(entries, key=lambda e: e.id)]
    document = {"hsds_version": "3.0", "services": services}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
