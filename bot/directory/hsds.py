"""Open Referral's Human Services Data Specification (HSDS) 3.0, both ways.

Out: the directory as the specification's `/services` answer, one page of services, each
with its organization, phones, contacts, languages, service areas, weekly schedules,
`assured_date` (the last check) and `metadata` (the audit trail). HSDS holds one text per
field, so the standard fields carry English (else the first language present) and every
language is kept as an attribute of the project's own taxonomies, as are the entry's id, its
needs and the contacts HSDS has no field for (Telegram, KakaoTalk, WeChat, Signal): a reader
that knows only HSDS reads a complete service, and this module reads back the whole entry.

Staff ids never leave: the audit trail names staff by pseudonyms made with a key drawn for
each export and never kept (`Pseudonyms`).

In: services another Open Referral organisation publishes become drafts for volunteers
(`bot.desk.proposals.from_drafts`), never entries users see; what does not map is reported.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from babel import Locale

from bot.directory import hours
from bot.directory.schema import TEXT_FIELDS, EntryModel, is_entry_id, known_languages
from bot.taxonomy import CONTACT_TYPES, ENTRY_ID_MAX, NEEDS, REGION_CODES, USER_LANGUAGES

HSDS_VERSION = "3.0"
# A fixed namespace, so that the same entry always gets the same HSDS ids.
NAMESPACE = uuid.UUID("0b8f2d3c-6a52-5c1e-9d0e-5f1e0a7b9c11")
STATUS = {"verified": "active", "draft": "inactive", "archived": "defunct"}
# The project's own taxonomies, for what HSDS has no field for.
NEEDS_TAXONOMY = "helpline-needs"
ENTRY_TAXONOMY = "helpline-entry"  # term `entry_id`: the entry's id in the directory file
TEXT_TAXONOMY = "helpline-text"  # term `FIELD:LANG`: a text in one language
CONTACT_TAXONOMY = "helpline-contact"  # term: the contact's type; in the entry's order
NOTE_TAXONOMY = "helpline-staff-note"  # only with --include-internal
OPENING_TAXONOMY = "helpline-opening"  # terms `rule`, `zone`, `holidays` (file format)
AREA_NAMES = {
    "CN": "China",
    "KR": "South Korea",
    "TRANSIT": "A country on the way (Thailand, Laos, Vietnam, Cambodia, Mongolia, ...)",
    "OTHER": "Somewhere else",
    "ANY": "Anywhere: reachable from any country",
}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
PHONE_TYPES = {"phone": "voice", "signal": "text"}


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


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


def _ordered(langs: Iterable[str]) -> list[str]:
    order = {lang: i for i, lang in enumerate(USER_LANGUAGES)}
    return sorted(langs, key=lambda k: (order.get(k, len(order)), k))


def _english_first(texts: dict[str, str]) -> str:
    for lang in ("en", *_ordered(texts)):
        if lang in texts:
            return texts[lang]
    return ""


def _attribute(
    owner: str, taxonomy: str, code: str, value: str, *, index: int = 0
) -> dict[str, Any]:
    """An HSDS attribute: a term of one of the project's taxonomies, with a value."""
    term_id = _id("term", taxonomy, code)
    return {
        "id": _id("attribute", owner, taxonomy, code, str(index)),
        "link_id": owner,
        "link_type": taxonomy,
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "value": value,
        "taxonomy_term": {
            "id": term_id,
            "code": code,
            "name": code,
            "description": f"{code} in the helpline directory's taxonomy {taxonomy}",
            "taxonomy": taxonomy,
        },
    }


def _offset(zone: str, at: dt.datetime) -> tuple[float, str]:
    """The zone's offset from UTC at `at`: in hours (HSDS `timezone`) and as `+09:00`."""
    delta = at.astimezone(ZoneInfo(zone)).utcoffset() or dt.timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    text = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    number = minutes / 60
    return (int(number) if number == int(number) else number), text


def _has_daylight_saving(zone: str, year: int) -> bool:
    tz = ZoneInfo(zone)
    offsets = {dt.datetime(year, month, 1, tzinfo=tz).utcoffset() for month in range(1, 13)}
    return len(offsets) > 1


def _schedules(entry: EntryModel, sid: str, now: dt.datetime) -> tuple[list[dict[str, Any]], str]:
    """The entry's hours as HSDS weekly schedules; and what they cannot say, if anything."""
    opening = entry.opening
    note = _english_first(entry.hours)
    if opening is None:
        if not note:
            return [], ""
        return [{"id": _id("schedule", entry.id), "service_id": sid, "description": note}], ""
    number, suffix = _offset(opening.zone, now)
    words = [note] if note else []
    words.append(f"Times are in {opening.zone} (UTC{suffix}).")
    if _has_daylight_saving(opening.zone, now.year):
        words.append(
            f"The offset changes with daylight saving time; it is given for {now:%Y-%m-%d}."
        )
    if opening.holidays:
        words.append(f"Closed on the public holidays of {opening.holidays}.")
    words.append("A closing time not after the opening time is on the next day.")
    week = hours.weekly(opening.rule, opening.zone)
    unsaid = ""
    if week is None:
        unsaid = f"{entry.id}: the hours {opening.rule!r} depend on dates; written as text only"
        words.append(f"Hours (OpenStreetMap notation): {opening.rule}")
        week = []
    groups: dict[tuple[dt.time, dt.time], list[int]] = {}
    for item in week:
        groups.setdefault((item.opens, item.closes), []).append(item.day)
    extra = [
        ("rule", opening.rule),
        ("zone", opening.zone),
        *([("holidays", opening.holidays)] if opening.holidays else []),
    ]
    schedules = []
    for index, ((opens, closes), days) in enumerate(sorted(groups.items(), key=lambda g: g[1])):
        schedule_id = _id("schedule", entry.id, str(index))
        schedules.append(
            {
                "id": schedule_id,
                "service_id": sid,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(DAYS[d] for d in sorted(days)),
                "opens_at": f"{opens:%H:%M}{suffix}",
                "closes_at": f"{closes:%H:%M}{suffix}",
                "timezone": number,
                "description": " ".join(words),
                "attributes": [
                    _attribute(schedule_id, OPENING_TAXONOMY, code, value) for code, value in extra
                ],
            }
        )
    if not schedules:  # closed all week, or dates only: the words and the rule still travel
        schedule_id = _id("schedule", entry.id, "0")
        schedules.append(
            {
                "id": schedule_id,
                "service_id": sid,
                "description": " ".join(words),
                "attributes": [
                    _attribute(schedule_id, OPENING_TAXONOMY, code, value) for code, value in extra
                ],
            }
        )
    return schedules, unsaid


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
        field_name = ":".join(part for part in (change.field, change.lang) if part) or "entry"
        at = change.at if change.at.tzinfo else change.at.replace(tzinfo=dt.UTC)
        records.append(
            {
                "id": _id("metadata", sid, str(index), at.isoformat()),
                "resource_id": sid,
                "resource_type": "service",
                "last_action_date": at.astimezone(dt.UTC).date().isoformat(),
                "last_action_type": change.action,
                "field_name": field_name,
                "previous_value": old,
                "replacement_value": new,
                "updated_by": who,
            }
        )
    return records


def _language_name(code: str) -> str:
    return str(Locale("en").languages.get(code, code))


def service(
    entry: EntryModel,
    changes: Sequence[Change],
    name: Pseudonyms,
    now: dt.datetime,
    *,
    internal: bool = False,
) -> tuple[dict[str, Any], list[str]]:
    """One entry as an HSDS 3.0 service; and what HSDS could not say of it."""
    sid = _id("service", entry.id)
    title = _english_first(entry.name)
    description = _english_first(entry.description)
    first = {c.type: c.value for c in reversed(entry.contacts)}
    attributes = [_attribute(sid, ENTRY_TAXONOMY, "entry_id", entry.id)]
    attributes += [_attribute(sid, NEEDS_TAXONOMY, need, need) for need in entry.categories]
    for text_field in TEXT_FIELDS:
        texts: dict[str, str] = getattr(entry, text_field)
        for lang in _ordered(texts):
            code = f"{text_field}:{lang}"
            attributes.append(_attribute(sid, TEXT_TAXONOMY, code, texts[lang]))
    for index, contact in enumerate(entry.contacts):
        attributes.append(
            _attribute(sid, CONTACT_TAXONOMY, contact.type, contact.value, index=index)
        )
    if internal and entry.internal_note:
        attributes.append(_attribute(sid, NOTE_TAXONOMY, "internal_note", entry.internal_note))
    schedules, unsaid = _schedules(entry, sid, now)
    organization: dict[str, Any] = {
        "id": _id("organization", entry.id),
        "name": title,
        "description": description or title,
    }
    if "website" in first:
        organization["website"] = first["website"]
    if "email" in first:
        organization["email"] = first["email"]
    found: dict[str, Any] = {
        "id": sid,
        "organization_id": organization["id"],
        "name": title,
        "status": STATUS[entry.status],
    }
    if description:
        found["description"] = description
    if "website" in first:
        found["url"] = first["website"]
    if "email" in first:
        found["email"] = first["email"]
    if entry.verified_on is not None:
        found["assured_date"] = entry.verified_on.isoformat()
    if changes:
        last = max(change.at for change in changes)
        last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
        found["last_modified"] = last.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    found.update(
        organization=organization,
        phones=[
            {
                "id": _id("phone", entry.id, str(i)),
                "service_id": sid,
                "number": c.value,
                "type": PHONE_TYPES[c.type],
                **({"description": "Signal"} if c.type == "signal" else {}),
            }
            for i, c in enumerate(entry.contacts)
            if c.type in PHONE_TYPES
        ],
        contacts=[
            {
                "id": _id("contact", entry.id, str(i)),
                "service_id": sid,
                "name": title,
                "email": c.value,
            }
            for i, c in enumerate(entry.contacts)
            if c.type == "email"
        ],
        languages=[
            {
                "id": _id("language", entry.id, lang),
                "service_id": sid,
                "code": lang,
                "name": _language_name(lang),
            }
            for lang in entry.languages
        ],
        service_areas=[
            {
                "id": _id("area", entry.id, region),
                "service_id": sid,
                "name": region,
                "description": AREA_NAMES[region],
            }
            for region in entry.regions
        ],
        schedules=schedules,
        attributes=attributes,
        metadata=_metadata(sid, changes, name, internal=internal),
    )
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


# --- reading HSDS ------------------------------------------------------------------------------

# What a service may carry that becomes part of an entry; anything else is reported.
_MAPPED = {
    "id", "name", "description", "url", "email", "status", "assured_date", "last_modified",
    "organization_id", "organization", "phones", "contacts", "languages", "service_areas",
    "schedules", "attributes", "metadata",
}  # fmt: skip
_HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TIME = re.compile(r"^(\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")


class NotHsds(ValueError):
    """A file that is not HSDS 3.0 services in JSON."""


@dataclass
class Imported:
    """Entries as drafts (plain data in the file's shape, possibly incomplete), and, one line
    each, what did not map."""

    drafts: list[dict[str, Any]] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


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


def _terms(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(taxonomy, code, value) of each attribute."""
    found = []
    for attribute in item.get("attributes") or []:
        if not isinstance(attribute, dict):
            continue
        term = attribute.get("taxonomy_term") or {}
        if not isinstance(term, dict):
            continue
        taxonomy = str(term.get("taxonomy") or attribute.get("link_type") or "")
        code = str(term.get("code") or term.get("name") or "")
        found.append((taxonomy, code, str(attribute.get("value") or "")))
    return found


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:ENTRY_ID_MAX].strip("-")
    return slug


def _time(text: Any) -> tuple[str, str | None] | None:
    """`HH:MM` and the offset written with it, if any."""
    match = _TIME.match(str(text or ""))
    if match is None:
        return None
    return f"{match[1]}:{match[2]}", match[3]


def _zone_of(offset: str | None, number: Any) -> str:
    """A fixed-offset IANA zone from an offset (`+09:00`, `Z`) or HSDS `timezone` hours."""
    if offset and offset != "Z":
        sign, digits = offset[0], offset[1:].replace(":", "")
        hours_part, minutes = int(digits[:2]), int(digits[2:] or 0)
        if minutes:
            raise ValueError(offset)
        return "Etc/UTC" if hours_part == 0 else f"Etc/GMT{'-' if sign == '+' else '+'}{hours_part}"
    if isinstance(number, int | float) and number == int(number):
        value = int(number)
        return "Etc/UTC" if value == 0 else f"Etc/GMT{'-' if value > 0 else '+'}{abs(value)}"
    if offset == "Z" or number is None:
        return "Etc/UTC"
    raise ValueError(str(number))


def _rule_from(schedules: list[dict[str, Any]], label: str, unmapped: list[str]) -> tuple[str, str]:
    """An OpenStreetMap rule and a zone from weekly HSDS schedules; ("", "") if none."""
    by_day: dict[int, list[str]] = {}
    zone = ""
    for schedule in schedules:
        if not schedule.get("byday") and not schedule.get("opens_at"):
            continue
        freq = schedule.get("freq") or "WEEKLY"
        opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
        days = [d.strip().upper() for d in str(schedule.get("byday") or "").split(",") if d.strip()]
        if freq != "WEEKLY" or opens is None or closes is None or not all(d in DAYS for d in days):
            unmapped.append(f"{label}: a schedule that is not weekly opening times was left out")
            continue
        try:
            zone = _zone_of(opens[1], schedule.get("timezone"))
        except ValueError:
            unmapped.append(f"{label}: a schedule's time zone could not be read")
            continue
        span = f"{opens[0]}-{'24:00' if closes[0] == '00:00' else closes[0]}"
        for name in days or DAYS:
            by_day.setdefault(DAYS.index(name), []).append(span)
    if not by_day:
        return "", ""
    groups: dict[str, list[int]] = {}
    for number, spans in sorted(by_day.items()):
        groups.setdefault(",".join(sorted(spans)), []).append(number)
    rule = "; ".join(
        f"{','.join(OSM_DAYS[d] for d in days)} {spans}"
        for spans, days in sorted(groups.items(), key=lambda g: g[1])
    )
    return rule, zone


def _opening(item: dict[str, Any], label: str, unmapped: list[str]) -> dict[str, str] | None:
    """Structured hours: the project's own attributes when they say what the schedules say,
    else what the schedules say."""
    schedules = [s for s in item.get("schedules") or [] if isinstance(s, dict)]
    ours: dict[str, str] = {}
    for schedule in schedules:
        for taxonomy, code, value in _terms(schedule):
            if taxonomy == OPENING_TAXONOMY and code in ("rule", "zone", "holidays"):
                ours.setdefault(code, value)
    rule, zone = _rule_from(schedules, label, unmapped)
    if ours.get("rule") and ours.get("zone"):
        try:
            hours.check(ours["rule"], ours["zone"], ours.get("holidays"))
            said = hours.weekly(ours["rule"], ours["zone"])
            same = not rule or (said == hours.weekly(rule, ours["zone"]))
        except hours.HoursError:
            same = False
        if same:
            found = {"rule": ours["rule"], "zone": ours["zone"]}
            if ours.get("holidays"):
                found["holidays"] = ours["holidays"]
            return found
    if not rule:
        return None
    try:
        hours.check(rule, zone, None)
    except hours.HoursError as exc:
        unmapped.append(f"{label}: the schedules did not make readable hours ({exc})")
        return None
    if zone.startswith("Etc/"):
        unmapped.append(
            f"{label}: the schedules give only an offset from UTC: the zone was set to {zone};"
            " choose the place's zone (such as Asia/Seoul)"
        )
    return {"rule": rule, "zone": zone}


def _contacts(item: dict[str, Any], ours: list[tuple[str, str]]) -> list[dict[str, str]]:
    if ours:
        return [{"type": kind, "value": value} for kind, value in ours]
    found: list[dict[str, str]] = []

    def add(kind: str, value: Any) -> None:
        text = str(value or "").strip()
        if text and {"type": kind, "value": text} not in found:
            found.append({"type": kind, "value": text})

    organization = item.get("organization") if isinstance(item.get("organization"), dict) else {}
    phones = [p for p in item.get("phones") or [] if isinstance(p, dict)]
    for contact in item.get("contacts") or []:
        if isinstance(contact, dict):
            phones += [p for p in contact.get("phones") or [] if isinstance(p, dict)]
    for phone in phones:
        add("phone", phone.get("number"))
    add("website", item.get("url") or (organization or {}).get("website"))
    add("email", item.get("email") or (organization or {}).get("email"))
    for contact in item.get("contacts") or []:
        if isinstance(contact, dict):
            add("email", contact.get("email"))
    return found


def _entry(item: dict[str, Any], taken: set[str], unmapped: list[str]) -> dict[str, Any]:
    label = str(item.get("name") or item.get("id") or "a service")
    terms = _terms(item)
    texts: dict[str, dict[str, str]] = {}
    needs: list[str] = []
    contacts: list[tuple[str, str]] = []
    entry_id, note = "", None
    for taxonomy, code, value in terms:
        if taxonomy == ENTRY_TAXONOMY and code == "entry_id":
            entry_id = value
        elif taxonomy == NEEDS_TAXONOMY and code in NEEDS:
            needs.append(code)
        elif taxonomy == TEXT_TAXONOMY and code.partition(":")[0] in TEXT_FIELDS:
            text_field, _sep, lang = code.partition(":")
            texts.setdefault(text_field, {})[lang] = value
        elif taxonomy == CONTACT_TAXONOMY and code in CONTACT_TYPES:
            contacts.append((code, value))
        elif taxonomy == NOTE_TAXONOMY:
            note = value
        else:
            unmapped.append(f"{label}: attribute {code!r} of taxonomy {taxonomy!r} not mapped")
    if "name" not in texts and item.get("name"):
        texts["name"] = {_lang_of(str(item["name"])): str(item["name"])}
    if "description" not in texts and item.get("description"):
        texts["description"] = {_lang_of(str(item["description"])): str(item["description"])}
    if "hours" not in texts:
        words = [
            str(s["description"])
            for s in item.get("schedules") or []
            if isinstance(s, dict) and s.get("description") and not _terms(s)
        ]
        if words:
            joined = " ".join(words)
            texts["hours"] = {_lang_of(joined): joined}
    if not is_entry_id(entry_id) or entry_id in taken:
        entry_id = _slug(label)  # a name in Latin letters, else the service's HSDS id
        if not is_entry_id(entry_id):
            entry_id = _slug("hsds-" + str(item.get("id") or "")[:8])
        if not is_entry_id(entry_id) or entry_id == "hsds":
            entry_id = "hsds-" + uuid.uuid4().hex[:8]
        base, number = entry_id[: ENTRY_ID_MAX - 4].strip("-"), 2
        while entry_id in taken:
            entry_id, number = f"{base}-{number}", number + 1
    taken.add(entry_id)
    regions: list[str] = []
    for area in item.get("service_areas") or []:
        written = str(area.get("name") or "").strip() if isinstance(area, dict) else ""
        code = written.upper()
        if code in REGION_CODES and code not in regions:
            regions.append(code)
        else:
            unmapped.append(f"{label}: service area {written or area!r} is not one of the places")
    languages: list[str] = []
    for language in item.get("languages") or []:
        code = str((language or {}).get("code") or "").lower() if isinstance(language, dict) else ""
        if code in known_languages() and code not in languages:
            languages.append(code)
        else:
            unmapped.append(f"{label}: language {code or language!r} is not a two-letter code")
    data: dict[str, Any] = {"id": entry_id, "status": "draft", "categories": needs}
    data["regions"] = regions
    data["languages"] = languages
    for text_field in TEXT_FIELDS:
        if texts.get(text_field) or text_field == "name":
            data[text_field] = {
                k: texts[text_field][k] for k in _ordered(texts.get(text_field, {}))
            }
    opening = _opening(item, label, unmapped)
    if opening is not None:
        data["opening"] = opening
    data["contacts"] = _contacts(item, contacts)
    if note is not None:
        data["internal_note"] = note
    left = sorted(k for k, v in item.items() if k not in _MAPPED and v not in (None, "", [], {}))
    if left:
        unmapped.append(f"{label}: not mapped: {', '.join(left)}")
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
