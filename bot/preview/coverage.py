"""Which catalog strings the preview shows, and any it cannot, each with the reason.

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

# Catalog strings that no screen of the preview shows, and why: none today. A string that a
# user or a member of staff can see belongs on a screen of the preview, however rare the state
# that shows it (extras.py stages what one run cannot wait for); list one here only with the
# reason no screen can show it.
NOT_ON_SCREENS: dict[str, str] = {}


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
    listed in NOT_ON_SCREENS."""
    texts = list(screens)
    catalog: Catalog = read_catalog(lang)
    absent = []
    for message in catalog:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if msgid in NOT_ON_SCREENS:
            continue
        found = [pattern(form) for form in _forms(message.string)]
        if not any(p.search(text) for p in found for text in texts):
            absent.append(msgid)
    return absent
