"""The screen each chat was last shown, kept in memory only, for an hour at most.

Navigation is stateless: where she is travels in her buttons. But what she types carries no
button, so without this the bot could only answer it with the first screen, in the language
of her Telegram app rather than the one she chose, and she would lose her place. So the last
screen shown in each chat (its message id and the position it shows: language, place, need,
page, contact) is kept here, in memory only, and nowhere else: not in the database, not in a
log, not in a file.

Each chat's screen is forgotten an hour after it was shown (a newer screen starts the hour
again), when she erases the chat, and at a restart; then typed text is answered as before,
with the first screen in her Telegram language. The hour is shorter than the 48 hours the
erase memory keeps message ids: this memory holds more (where she is and what she needs), and
an hour covers a pause to read a card and write.

`clock` is monotonic time: only the age of what is kept matters.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from bot.menus.callback import Nav, Screen
from bot.menus.rows import home_of

SCREEN_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Shown:
    """The last screen of a chat. `covered`: the bot has sent a message below it since (a
    notice, a volunteer's answer), so an edit of it might not be seen."""

    message_id: int
    nav: Nav
    covered: bool = False


@dataclass(slots=True)
class _Kept:
    shown: Shown
    at: float


class ScreenMemory:
    """Per chat: the last screen shown, forgotten `seconds` after it was shown."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, seconds: float = SCREEN_SECONDS
    ) -> None:
        self._clock = clock
        self._seconds = seconds
        self._chats: OrderedDict[int, _Kept] = OrderedDict()  # oldest first

    def showed(self, chat_id: int, message_id: int, nav: Nav) -> None:
        """The message `message_id` now shows the screen of `nav`."""
        now = self._clock()
        self._prune(now)
        self._chats.pop(chat_id, None)
        self._chats[chat_id] = _Kept(Shown(message_id, resting(nav)), now)

    def sent(self, chat_id: int, message_id: int) -> None:
        """The bot sent a message in the chat: unless it is the screen, it covers the screen.
        A chat with no screen kept is not added."""
        kept = self._chats.get(chat_id)
        if kept is not None and kept.shown.message_id != message_id:
            shown = kept.shown
            kept.shown = Shown(shown.message_id, shown.nav, covered=True)

    def last(self, chat_id: int) -> Shown | None:
        self._prune(self._clock())
        kept = self._chats.get(chat_id)
        return kept.shown if kept is not None else None

    def forget(self, chat_id: int) -> None:
        self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        self._prune(self._clock())
        return len(self._chats)

    def _prune(self, now: float) -> None:
        while self._chats:
            chat_id, kept = next(iter(self._chats.items()))
            if kept.at > now - self._seconds:
                return
            del self._chats[chat_id]


def resting(nav: Nav) -> Nav:
    """The position a screen shows, without the act that led to it, so that showing it again
    does nothing a second time: no choice counted again (a choice is told by `origin`), no
    second "did not work" report, the language already set."""
    if nav.screen is Screen.SET_LANGUAGE:
        return home_of(nav)
    if nav.screen is Screen.REPORT:
        return nav.to(Screen.LIST, entry=None)
    if nav.screen is Screen.ERASE:  # the erase question needs the screen No returns to
        return nav
    return nav.to(nav.screen, origin=None)
