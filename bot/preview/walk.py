"""Walking through the bot: pressing buttons by what they do, not by their words.

Buttons are found by their data (the menus' `Nav`, the desk's `Tap`), never by their labels,
so that a walk reads the same in every language and follows the screens as they change. The
title of each screen is the way there: the command, then each label pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.desk import callback as desk_callback
from bot.desk.callback import Act, Tap
from bot.menus.callback import BadCallback, Nav, decode
from bot.preview.record import ARROW, Person, Recorder, Shot, buttons_of


def nav_of(data: str) -> Nav | None:
    try:
        return decode(data)
    except BadCallback:
        return None


def tap_of(data: str) -> Tap | None:
    try:
        return desk_callback.decode(data)
    except BadCallback:
        return None


def find(shot: Shot, wanted: Callable[[str], bool]) -> tuple[str, str]:
    """The first button of `shot` whose data is `wanted`: (label, data)."""
    for row in shot.rows:
        for label, data in row:
            if wanted(data):
                return label, data
    raise LookupError(f"no such button on {shot.title!r}")


def user_button(**fields: object) -> Callable[[str], bool]:
    """A menu button whose position has these fields (`screen=Screen.LIST`, `need=...`)."""

    def wanted(data: str) -> bool:
        nav = nav_of(data)
        return nav is not None and all(getattr(nav, k) == v for k, v in fields.items())

    return wanted


def desk_button(act: Act, arg: str | None = None) -> Callable[[str], bool]:
    def wanted(data: str) -> bool:
        tap = tap_of(data)
        return tap is not None and tap.act is act and (arg is None or tap.arg == arg)

    return wanted


class Walker:
    """One person's way through the bot, recorded."""

    def __init__(self, recorder: Recorder, person: Person) -> None:
        self.recorder = recorder
        self.person = person
        self.last: Shot | None = None

    def _main(self, shots: list[Shot], title: str, keep: bool) -> Shot:
        """Her screen after a step; where nothing changed, the screen she is still on."""
        mine = [s for s in shots if s.where == self.person.where]
        if not shots:
            message = self.recorder.screen_of(self.person)
            assert message is not None, f"nothing shown after {title!r}"
            unchanged = Shot(title, self.person.where, message.text, buttons_of(message))
            if keep and self.recorder.sections:
                self.recorder.sections[-1].shots.append(unchanged)
            shots = [unchanged]
        self.last = (mine or shots)[0]
        return self.last

    async def command(self, text: str, *, after: str = "", keep: bool = True) -> Shot:
        title = after + ARROW + text if after else text
        shots = await self.recorder.step(
            title, self.recorder.api.user_sends(self.person.user, text), keep=keep
        )
        return self._main(shots, title, keep)

    async def say(self, text: str | None, note: str, *, keep: bool = True, **content: Any) -> Shot:
        """She types (or sends, `text` None) something; the title says what, in `note`."""
        base = self.last.title if self.last is not None else ""
        title = base + ARROW + note if base else note
        update = self.recorder.api.user_sends(self.person.user, text, **content)
        return self._main(await self.recorder.step(title, update, keep=keep), title, keep)

    async def press(
        self, wanted: Callable[[str], bool], *, on: Shot | None = None, keep: bool = True
    ) -> Shot:
        """Press the first button on `on` (else the last screen) that is `wanted`."""
        shot = on or self.last
        assert shot is not None
        label, data = find(shot, wanted)
        return await self.tap(data, shot.title + ARROW + label, keep=keep)

    async def tap(self, data: str, title: str, *, keep: bool = True) -> Shot:
        """A tap with any data, forged data too, on her newest screen."""
        return self._main(await self.recorder.tap(self.person, title, data, keep=keep), title, keep)

    async def file(self, name: str, content: bytes, note: str, **document: object) -> Shot:
        base = self.last.title if self.last is not None else ""
        update = self.recorder.api.user_sends_file(self.person.user, name, content, **document)
        title = base + ARROW + note
        return self._main(await self.recorder.step(title, update), title, True)
