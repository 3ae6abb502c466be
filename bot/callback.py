"""Button data: where the user is in the menus, carried by the button itself.

The server keeps no per-user record (PRODUCT.md, rule 2), so every button says the whole
position: language, place, need, page and entry. A modified client can send any bytes, so
`decode` accepts exactly what `encode` produces and nothing else.

Format, version 1, ASCII, at most 64 bytes:
    1.<screen>.<lang>.<place>.<need>.<page>.<entry>
with `-` for a field that is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.taxonomy import NEEDS, PLACES, USER_LANGUAGES

VERSION = "1"
MAX_BYTES = 64
MAX_PAGE = 999
ENTRY_ID_PATTERN = r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?"
ENTRY_ID_MAX = 40
ABSENT = "-"

_PLACE_CODES = {"CN": "CN", "KR": "KR", "TRANSIT": "TR", "OTHER": "OT"}
_PLACE_FROM_CODE = {code: place for place, code in _PLACE_CODES.items()}
assert set(_PLACE_CODES) == set(PLACES)


class Screen(StrEnum):
    PLACES = "p"
    NEEDS = "n"
    LIST = "l"
    CARD = "c"
    LANGUAGES = "g"
    SET_LANGUAGE = "s"
    HELP = "h"
    ABOUT = "a"


_PATTERN = re.compile(
    rf"^{VERSION}\.(?P<screen>[{''.join(s.value for s in Screen)}])"
    rf"\.(?P<lang>{'|'.join(USER_LANGUAGES)})"
    rf"\.(?P<place>{'|'.join(_PLACE_FROM_CODE)}|-)"
    r"\.(?P<need>\d{1,2}|-)"
    r"\.(?P<page>0|[1-9]\d{0,2})"
    rf"\.(?P<entry>{ENTRY_ID_PATTERN}|-)$"
)


# What each screen cannot be shown without.
_REQUIRED: dict[Screen, tuple[str, ...]] = {
    Screen.NEEDS: ("place",),
    Screen.LIST: ("place", "need"),
    Screen.CARD: ("place", "need", "entry"),
}


class BadCallback(ValueError):
    """Callback data that this version of the bot did not make."""


@dataclass(frozen=True, slots=True)
class Nav:
    """A position in the menus. `lang` is the language to show the target screen in."""

    screen: Screen
    lang: str
    place: str | None = None
    need: str | None = None
    page: int = 0
    entry: str | None = None

    def to(self, screen: Screen, **changes: object) -> Nav:
        return replace(self, screen=screen, **changes)  # type: ignore[arg-type]


def encode(nav: Nav) -> str:
    """Encode `nav`; a value that could not be decoded again is a programming error."""
    need = str(NEEDS.index(nav.need)) if nav.need is not None else ABSENT
    place = _PLACE_CODES[nav.place] if nav.place is not None else ABSENT
    data = ".".join(
        (VERSION, nav.screen.value, nav.lang, place, need, str(nav.page), nav.entry or ABSENT)
    )
    if decode(data) != nav:
        raise ValueError(f"cannot encode {nav!r}")
    return data


def decode(data: str | None) -> Nav:
    """Parse untrusted callback data; anything not made by `encode` raises BadCallback."""
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        raise BadCallback("not version-1 callback data")
    match = _PATTERN.fullmatch(data)
    if match is None:
        raise BadCallback("not version-1 callback data")
    fields = match.groupdict()
    need: str | None = None
    if fields["need"] != ABSENT:
        index = int(fields["need"])
        if index >= len(NEEDS) or fields["need"] != str(index):
            raise BadCallback("unknown need")
        need = NEEDS[index]
    page = int(fields["page"])
    if page > MAX_PAGE:
        raise BadCallback("page out of range")
    nav = Nav(
        screen=Screen(fields["screen"]),
        lang=fields["lang"],
        place=_PLACE_FROM_CODE.get(fields["place"]),
        need=need,
        page=page,
        entry=None if fields["entry"] == ABSENT else fields["entry"],
    )
    missing = [name for name in _REQUIRED.get(nav.screen, ()) if getattr(nav, name) is None]
    if missing:
        raise BadCallback("a required field is absent")
    return nav
