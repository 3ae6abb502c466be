"""What both directions of HSDS share: ids, the project's own taxonomies, and attributes."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from bot.taxonomy import USER_LANGUAGES

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


def hsds_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def ordered(langs: Iterable[str]) -> list[str]:
    """The users' languages first, then the others by code."""
    order = {lang: i for i, lang in enumerate(USER_LANGUAGES)}
    return sorted(langs, key=lambda k: (order.get(k, len(order)), k))


def english_first(texts: dict[str, str]) -> str:
    for lang in ("en", *ordered(texts)):
        if lang in texts:
            return texts[lang]
    return ""


def attribute(
    owner: str, taxonomy: str, code: str, value: str, *, index: int = 0
) -> dict[str, Any]:
    """An HSDS attribute: a term of one of the project's taxonomies, with a value."""
    term_id = hsds_id("term", taxonomy, code)
    return {
        "id": hsds_id("attribute", owner, taxonomy, code, str(index)),
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


def terms(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(taxonomy, code, value) of each attribute of a service or schedule."""
    found = []
    for each in item.get("attributes") or []:
        if not isinstance(each, dict):
            continue
        term = each.get("taxonomy_term") or {}
        if not isinstance(term, dict):
            continue
        taxonomy = str(term.get("taxonomy") or each.get("link_type") or "")
        code = str(term.get("code") or term.get("name") or "")
        found.append((taxonomy, code, str(each.get("value") or "")))
    return found
