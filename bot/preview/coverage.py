"""Which catalog strings the preview shows, and the few it cannot, each with the reason.

A string is shown when its translation stands on a rendered screen (a message, a button, a
notice) of the page in that language. Placeholders are filled in on screens, so a translation
is matched by its fixed parts, in order, within one screen; a plural is matched by any of its
forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from babel.messages.catalog import Catalog

from bot.i18n import read_catalog

PLACEHOLDER = re.compile(r"\{[^{}]*\}")

# Catalog strings that no screen of the preview shows, and why. Keep it short: a string that
# a user or a member of staff can see belongs on a screen of the preview.
NOT_ON_SCREENS: dict[str, str] = {
    "Approved, but that check is too old by now: users still do not see the entry. Check it"
    " again.": "shown only when a re-check is approved after the entry's age limit has passed"
    " since it was proposed: months later, which the preview's one run cannot wait for",
    "Not applied: it no longer passes the directory's checks. Reject it.": "shown only when"
    " the directory's rules change between a proposal and its review (a new version of the"
    " bot): one run of one version cannot show it",
}


# Screens the walk does not reach yet: a list to shorten, not to grow. Each is a real screen;
# until the walk shows it, a translator reads it only in the catalog.
NOT_YET_SHOWN: dict[str, str] = {
    msgid: "a screen the preview does not reach yet"
    for msgid in (
        "Next part",
        "Part {part} of {parts}",
        "No change yet.",
        "No complete period has been published yet.",
        "Nothing is due. Thank you.",
        "Other cells: {small}",
        "not given",
        "{count} entry in the file is the same as now and was left out.",
        "{count} proposal waits for your review.",
        "…and {count} more.",
    )
}


def _forms(string: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if isinstance(string, str):
        return [string]
    return [form for form in (string or ()) if form]


def pattern(translation: str) -> re.Pattern[str]:
    """A translation with its placeholders as wildcards: its fixed parts, in order."""
    parts = PLACEHOLDER.split(translation)
    return re.compile(".*?".join(re.escape(part) for part in parts), re.DOTALL)


def missing(lang: str, screens: Iterable[str]) -> list[str]:
    """The msgids whose translation in `lang` is on none of `screens` (plain texts) and is not
    listed in NOT_ON_SCREENS or NOT_YET_SHOWN."""
    texts = list(screens)
    catalog: Catalog = read_catalog(lang)
    absent = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if msgid in NOT_ON_SCREENS or msgid in NOT_YET_SHOWN:
            continue
        found = [pattern(form) for form in _forms(message.string)]
        if not any(p.search(text) for p in found for text in texts):
            absent.append(msgid)
    return absent
