"""Case codes and the names of the volunteers' topics.

A topic's name is all the volunteers learn about her before she writes: a random case code,
her language, her place and her need, each from the bot's fixed vocabulary, never a name, a
username or an id. Anything else is refused rather than written into the group.
"""

from __future__ import annotations

import re
import secrets

from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud or typed without doubt
CODE_LENGTH = 4
_CODE = re.compile(f"[{ALPHABET}]{{{CODE_LENGTH}}}")
UNKNOWN = "-"  # a place or need she did not give
SEPARATOR = " · "


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def is_code(text: object) -> bool:
    return isinstance(text, str) and _CODE.fullmatch(text) is not None


def topic_name(code: str, lang: str, place: str, need: str) -> str:
    """`K7F3 · ko · CN · shelter`; an empty place or need is shown as `-`."""
    if not is_code(code):
        raise ValueError("not a case code")
    if lang not in USER_LANGUAGES:
        raise ValueError("not a user language")
    if place and place not in PLACES:
        raise ValueError("not a place")
    if need and need not in NEEDS:
        raise ValueError("not a need")
    return SEPARATOR.join((code, lang, place or UNKNOWN, need or UNKNOWN))
