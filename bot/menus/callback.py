"""Button data: where the user is in the menus, carried by the button itself.

The server keeps no per-user record (docs/PRIVACY.md), so every button says the whole
position: language, place, need, page, entry, the auto-erase choice, and for the erase question
the screen to go back to. A modified client can send any bytes, so `decode` accepts exactly
what `encode` produces and nothing else.

Format, version 2, ASCII, at most 64 bytes:
    2.<screen>.<lang>.<place>.<need>.<page>.<auto>.<origin>.<entry>
with `-` for a field that is absent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.taxonomy import ENTRY_ID_PATTERN, NEEDS, PLACES, USER_LANGUAGES, topic_of

VERSION = "2"
MAX_BYTES = 64
MAX_PAGE = 999
ABSENT = "-"
# Auto-erase choices in minutes after her last tap; 0 is off.
AUTO_ERASE_MINUTES = (0, 10, 30, 60)

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
    SAFETY = "t"
    SAFETY_MORE = "u"  # the safety tips past the first three
    AUTO_ERASE = "m"
    ERASE = "e"
    ERASE_NOW = "x"
    STATS = "z"  # admins only; `page` holds the number of days
    REPORT = "r"  # "this contact did not work"
    REPORT_ASK = "v"  # the question before it: Yes, report / No, go back
    # Talk to a person (bot/relay/screens.py). `origin`: the screen Back returns to.
    TALK = "k"  # what talking to a person means, and Start
    TALK_START = "j"  # Start: a conversation if someone is on duty, else she is told so
    TALK_LEAVE = "w"  # a conversation though nobody is on duty: her message waits
    TALK_END = "d"  # she ends her conversation (hers only: found by her chat, not the data)
    TALK_KEEP = "y"  # the same, keeping the messages in her chat
    # A topic of the needs menu that holds several needs; `need` is its first need there.
    TOPIC = "o"
    MORE = "f"  # the utilities; `origin`: the screen Back returns to


_SCREENS = "".join(s.value for s in Screen)
_PATTERN = re.compile(
    rf"{VERSION}\.(?P<screen>[{_SCREENS}])"
    rf"\.(?P<lang>{'|'.join(USER_LANGUAGES)})"
    rf"\.(?P<place>{'|'.join(_PLACE_FROM_CODE)}|-)"
    r"\.(?P<need>\d{1,2}|-)"
    r"\.(?P<page>0|[1-9]\d{0,2})"
    rf"\.(?P<auto>[0-{len(AUTO_ERASE_MINUTES) - 1}])"
    rf"\.(?P<origin>[{_SCREENS}]|-)"
    rf"\.(?P<entry>{ENTRY_ID_PATTERN}|-)"
)

# What each screen cannot be shown without.
_REQUIRED: dict[Screen, tuple[str, ...]] = {
    Screen.NEEDS: ("place",),
    Screen.LIST: ("place", "need"),
    Screen.CARD: ("place", "need", "entry"),
    Screen.REPORT: ("place", "need", "entry"),
    Screen.REPORT_ASK: ("place", "need", "entry"),
    Screen.ERASE: ("origin",),
    Screen.TOPIC: ("place", "need"),
}


# Screens a button never returns to: an action, not a place to be.
_NO_RETURN = (
    Screen.ERASE,
    Screen.ERASE_NOW,
    Screen.SET_LANGUAGE,
    Screen.TALK_LEAVE,
    Screen.TALK_END,
    Screen.TALK_KEEP,
)


class BadCallback(ValueError):
    """Callback data that this version of the bot did not make. It carries no words: any is
    answered with the same calm notice, and nothing of it is logged."""


@dataclass(frozen=True, slots=True)
class Nav:
    """A position in the menus. `lang` is the language to show the target screen in;
    `auto` the auto-erase delay in minutes (0: off); `origin` the screen the button sits on,
    set where it matters: for the erase question and More to return to, and to tell a choice
    (a place, a need, a contact picked from its menu) from moving back and forth."""

    screen: Screen
    lang: str
    place: str | None = None
    need: str | None = None
    page: int = 0
    entry: str | None = None
    auto: int = 0
    origin: Screen | None = None

    def to(self, screen: Screen, **changes: object) -> Nav:
        """The same position on another screen, with some fields changed. `origin` is not
        carried over: it says where a button sits, and belongs to one button only."""
        changes.setdefault("origin", None)
        return replace(self, screen=screen, **changes)  # type: ignore[arg-type]

    def fresh(
        self,
        screen: Screen,
        place: str | None = None,
        need: str | None = None,
        page: int = 0,
        origin: Screen | None = None,
    ) -> Nav:
        """A new position that keeps only what she chose for the whole chat: the language
        and the auto-erase delay (no entry: a card is opened from a list, with `to`)."""
        return Nav(screen, self.lang, place, need, page, None, self.auto, origin)

    def back_from_erase(self) -> Nav:
        """The screen the erase question was asked from."""
        assert self.origin is not None
        return replace(self, screen=self.origin, origin=None)


def encode(nav: Nav) -> str:
    """Encode `nav`; a value that could not be decoded again is a programming error."""
    fields = (
        VERSION,
        nav.screen.value,
        nav.lang,
        _PLACE_CODES[nav.place] if nav.place is not None else ABSENT,
        str(NEEDS.index(nav.need)) if nav.need is not None else ABSENT,
        str(nav.page),
        str(AUTO_ERASE_MINUTES.index(nav.auto)),
        nav.origin.value if nav.origin is not None else ABSENT,
        nav.entry or ABSENT,
    )
    data = ".".join(fields)
    if decode(data) != nav:
        raise ValueError(f"cannot encode {nav!r}")
    return data


def decode(data: str | None) -> Nav:
    """Parse untrusted callback data; anything not made by `encode` raises BadCallback."""
    if not isinstance(data, str) or not data.isascii() or len(data) > MAX_BYTES:
        raise BadCallback  # not text, or longer than Telegram allows
    match = _PATTERN.fullmatch(data)
    if match is None:
        raise BadCallback  # not made by this version
    fields = match.groupdict()
    need: str | None = None
    if fields["need"] != ABSENT:
        index = int(fields["need"])
        if index >= len(NEEDS) or fields["need"] != str(index):
            raise BadCallback  # no such need
        need = NEEDS[index]
    nav = Nav(
        screen=Screen(fields["screen"]),
        lang=fields["lang"],
        place=_PLACE_FROM_CODE.get(fields["place"]),
        need=need,
        page=int(fields["page"]),
        entry=None if fields["entry"] == ABSENT else fields["entry"],
        auto=AUTO_ERASE_MINUTES[int(fields["auto"])],
        origin=None if fields["origin"] == ABSENT else Screen(fields["origin"]),
    )
    for screen in (nav.screen, nav.origin):
        if screen is None:
            continue
        if any(getattr(nav, name) is None for name in _REQUIRED.get(screen, ())):
            raise BadCallback  # a screen without what it is shown with
    if nav.origin in _NO_RETURN:
        raise BadCallback  # Back would lead to a screen that is not one to go back to
    if Screen.TOPIC in (nav.screen, nav.origin) and not is_topic(nav):
        raise BadCallback  # a topic that is not one in that place
    return nav


def is_topic(nav: Nav) -> bool:
    """`nav` names a topic with a screen of its own: its first need, in a place whose topic
    holds several."""
    assert nav.place is not None and nav.need is not None
    topic = topic_of(nav.place, nav.need)
    return topic is not None and len(topic[1]) > 1 and topic[1][0] == nav.need
