"""The directory as CSV, for spreadsheets (Open Referral HSDS is `bot.directory.hsds`).

The YAML file (`file_format.dump`) is the format the directory lives in; this is a one-way
view of it, written in the same stable order.
"""

from __future__ import annotations

import csv
import io

from bot.directory.schema import TEXT_FIELDS, EntryModel
from bot.taxonomy import USER_LANGUAGES

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
    header += ["opening_rule", "opening_zone", "opening_holidays", "contacts"]
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
        opening = e.opening
        row += [opening.rule, opening.zone, opening.holidays or ""] if opening else ["", "", ""]
        row.append("; ".join(f"{c.type}: {c.value}" for c in e.contacts))
        if internal:
            row.append(e.internal_note or "")
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()
