"""Her side of the bot: every screen of the menus, found by pressing every button, then what
the menus do with what she types, what erasing does, and what she sees when something is off.

The menus are walked breadth-first from /start, so each screen is titled with the shortest way
to it. A screen counts once: each place, need and page of a list, each contact as seen from
each place (the order of its ways to reach it and their tags depend on the place), and each
of the other screens. Buttons that change something (erase now, report, talk, an auto-erase
choice) are left to the scenarios after the walk, each in a chat of its own.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import deque
from collections.abc import Hashable

from bot.directory import file_format, replace
from bot.directory.schema import DirectoryFile
from bot.menus import typed
from bot.menus.callback import Nav, Screen, encode
from bot.menus.flood import FloodGuard
from bot.preview.record import ARROW, Person, Recorder, Section, Shot
from bot.preview.walk import Walker, nav_of, user_button
from bot.stats import counting
from bot.taxonomy import NEEDS
from bot.telegram.demo import demo_directory_text, recent

# Buttons the walk does not follow: they act (and are shown by the scenarios) or belong to
# another part of the page (statistics, Talk to a person) or language.
_ACTIONS = frozenset(
    {
        Screen.SET_LANGUAGE,
        Screen.ERASE_NOW,
        Screen.STATS,
        Screen.REPORT,
        Screen.TALK_START,
        Screen.TALK_LEAVE,
        Screen.TALK_END,
        Screen.TALK_KEEP,
    }
)
_WAY = (Screen.PLACES, Screen.NEEDS, Screen.TOPIC)


def screen_key(nav: Nav, lang: str) -> Hashable | None:
    """What makes a screen another one; None for a button the walk does not follow."""
    if nav.lang != lang or nav.auto != 0 or nav.screen in _ACTIONS:
        return None
    match nav.screen:
        case Screen.PLACES:
            return (nav.screen, nav.need)
        case Screen.NEEDS:
            return (nav.screen, nav.place)
        case Screen.TOPIC:
            return (nav.screen, nav.place, nav.need)
        case Screen.LIST:
            return (nav.screen, nav.place, nav.need, nav.page)
        case Screen.CARD:
            return (nav.screen, nav.place, nav.entry)
        case Screen.MORE:  # with her place known, it offers to change it
            return (nav.screen, nav.place is not None)
    return (nav.screen,)


class UserSide:
    def __init__(self, recorder: Recorder, lang: str, first_id: int) -> None:
        self.recorder = recorder
        self.lang = lang
        self._next_id = first_id
        self.cards: list[Shot] = []

    def person(self, language_code: str | None = None) -> Person:
        """A new chat: each scenario starts from nothing."""
        self._next_id += 1
        user = {
            "id": self._next_id,
            "is_bot": False,
            "first_name": "Preview",
            "language_code": language_code or self.lang,
        }
        return Person(user, "her chat")

    def walker(self) -> Walker:
        return Walker(self.recorder, self.person())

    async def menus(self) -> None:
        """Every screen of the menus, breadth-first from /start."""
        rec = self.recorder
        way = rec.section("The way to a contact", "Where she is, and what she needs.")
        lists = rec.section("Lists of contacts", "Each need in each place, and their pages.")
        cards = rec.section(
            "Contact cards",
            "Each contact as seen from each place it serves (ways to reach it are ordered and"
            " tagged for her place).",
        )
        more = rec.section(
            "More: language, help, about, safety, erase",
            "The screens under More, and the Erase question.",
        )
        her = self.walker()
        first = await her.command("/start", keep=False)
        way.shots.append(first)
        seen: set[Hashable] = {(Screen.PLACES, None)}
        waiting = deque([first])
        while waiting:
            shot = waiting.popleft()
            for row in shot.rows:
                for label, data in row:
                    nav = nav_of(data)
                    key = screen_key(nav, self.lang) if nav is not None else None
                    if nav is None or key is None or key in seen:
                        continue
                    seen.add(key)
                    found = await her.tap(data, shot.title + ARROW + label, keep=False)
                    self._file(found, nav, way, lists, cards, more)
                    waiting.append(found)

    def _file(
        self, shot: Shot, nav: Nav, way: Section, lists: Section, cards: Section, more: Section
    ) -> None:
        if nav.screen in _WAY:
            way.shots.append(shot)
        elif nav.screen is Screen.LIST:
            lists.shots.append(shot)
        elif nav.screen is Screen.CARD:
            cards.shots.append(shot)
            self.cards.append(shot)
        elif nav.screen is Screen.TALK:
            return  # shown with the rest of Talk to a person
        else:
            more.shots.append(shot)

    async def report(self, reporters: int) -> None:
        """ "This contact did not work": the question, then the list with thanks; as many
        people as put a contact at the top of the volunteers' re-check queue."""
        self.recorder.section("Reporting a contact", "Her report that a contact did not work.")
        card = self.cards[0]
        for number in range(reporters):
            her = self.walker()
            await her.command("/start", keep=False)
            await her.tap(card_data(card), card.title, keep=False)  # she is on the card
            asked = await her.press(user_button(screen=Screen.REPORT_ASK), keep=number == 0)
            await her.press(user_button(screen=Screen.REPORT), on=asked, keep=number == 0)
        core = self.recorder.bot.core
        await counting.flush(core.counter, core.sessions, everything=True)

    async def erasing(self) -> None:
        """Erase, by its button and by /erase; automatic erase, on and off."""
        self.recorder.section(
            "Erase and automatic erase",
            "Erase asks once, then deletes the chat; its Done is a short notice. Automatic"
            " erase adds one line to every screen while it is on.",
        )
        her = self.walker()
        await her.command("/start", keep=False)
        asked = await her.press(user_button(screen=Screen.ERASE))
        await her.press(user_button(screen=Screen.ERASE_NOW), on=asked)
        her = self.walker()
        await her.command("/erase")
        her = self.walker()
        start = await her.command("/start", keep=False)
        more = await her.press(user_button(screen=Screen.MORE), on=start, keep=False)
        safety = await her.press(user_button(screen=Screen.SAFETY), on=more, keep=False)
        choices = await her.press(user_button(screen=Screen.AUTO_ERASE), on=safety, keep=False)
        on = await her.press(user_button(screen=Screen.SAFETY, auto=10), on=choices)
        again = await her.press(user_button(screen=Screen.AUTO_ERASE), on=on)
        await her.press(user_button(screen=Screen.SAFETY, auto=0), on=again)

    async def typing(self) -> None:
        """What she types is answered on her screen, under a line; a few words lead to a need."""
        self.recorder.section(
            "What she types or sends",
            "Nothing she sends is read or kept: she is answered on the screen she was on.",
        )
        her = self.walker()
        await her.command("/start", keep=False)
        await her.say("Hello, I need help", "(she types a sentence)")
        for rule in typed.RULES:
            word = rule.words[self.lang][0].rstrip(typed.STEM)
            await her.say(word, f"(she types “{word}”)")
        sticker = {"file_id": "s1", "file_unique_id": "s1", "width": 512, "height": 512}
        sticker.update(is_animated=False, is_video=False, type="regular")
        await her.say(None, "(she sends a sticker)", sticker=sticker)
        core = self.recorder.bot.core
        kept = core.settings
        core.settings = kept.model_copy(update={"delete_user_messages": False})
        try:
            await her.say("Hello", "(she types a sentence, with DELETE_USER_MESSAGES=false)")
        finally:
            core.settings = kept

    async def mistakes(self) -> None:
        """Buttons that are old, forged or no longer lead anywhere; a flood; a fault."""
        self.recorder.section(
            "Old or forged buttons, floods and faults",
            "What she sees when a button is not one this bot made, a contact has gone, she"
            " taps too fast, or the database does not answer.",
        )
        her = self.walker()
        start = await her.command("/start", keep=False)
        await her.tap("2.l.xx.CN.99.0.0.-.-", start.title + ARROW + "(a forged button)")
        await her.tap("1.p.en.-.-.0", start.title + ARROW + "(a button of an older version)")
        await her.tap("v.h.en.0.-", start.title + ARROW + "(a staff button, from a user)")
        hidden = Nav(Screen.CARD, self.lang, "CN", "health", entry="example-stale-entry")
        note = "(a card whose contact is no longer shown)"
        await her.tap(encode(hidden), start.title + ARROW + note)
        await self._flood()
        await self._faults()

    async def _flood(self) -> None:
        """Taps faster than anyone taps: the flood guard, on its real clock, asks her once
        to wait (a short notice), then ignores her for a while."""
        core = self.recorder.bot.core
        kept = core.flood
        core.flood = FloodGuard()
        try:
            her = self.walker()
            start = await her.command("/start", keep=False)
            title = start.title + ARROW + "(she taps many times within a few seconds)"
            data = encode(Nav(Screen.HELP, self.lang))
            for _ in range(3 * core.flood.limit):
                shots = await self.recorder.tap(her.person, title, data, keep=False)
                warned = [shot for shot in shots if shot.notice]
                if warned:
                    self.recorder.sections[-1].shots.append(warned[0])
                    return
            raise AssertionError("the flood guard never asked her to wait")
        finally:
            core.flood = kept

    async def _faults(self) -> None:
        core = self.recorder.bot.core
        kept = core.sessions
        her = self.walker()
        start = await her.command("/start", keep=False)
        needs = await her.press(user_button(screen=Screen.NEEDS), on=start, keep=False)
        target = next(
            data for row in needs.rows for _label, data in row if _is_list(data, self.lang)
        )
        for fault, note in (
            (_Unreachable, "(the database does not answer)"),
            (_Broken, "(a fault in the bot)"),
        ):
            core.sessions = fault()  # type: ignore[assignment]
            try:
                await her.tap(target, needs.title + ARROW + note)
            finally:
                core.sessions = kept

    async def hours(self, moments: list[tuple[str, dt.datetime]], entry: str, place: str) -> None:
        """A card with opening hours at several moments of the week (the clock injected)."""
        self.recorder.section(
            "Opening hours",
            "One contact's card at different moments: open, about to open, closed until"
            " tomorrow or a later day, with its own time and the time of her place.",
        )
        core = self.recorder.bot.core
        kept = core.now
        card = next(s for s in self.cards if _card_of(s, entry, place))
        try:
            for note, moment in moments:
                core.now = functools.partial(_at, moment)
                her = self.walker()
                await her.command("/start", keep=False)
                title = f"{card.title} ({note}: {moment:%A %H:%M} UTC)"
                await her.tap(card_data(card), title)
        finally:
            core.now = kept

    async def other_directories(self) -> None:
        """What the demo directory is too small to show: lists longer than a page, and a need
        nobody serves in her place. The directory is replaced (as an import replaces it) for
        these screens only, after every other part of the walk."""
        parsed = recent(file_format.parse(demo_directory_text(), "demo_directory.yaml"))
        shown = [e for e in parsed.entries if e.status == "verified"]
        everything = [
            e.model_copy(update={"categories": list(NEEDS), "regions": ["ANY"]}) for e in shown
        ]
        self.recorder.section(
            "Lists longer than a page",
            "The demo directory with every entry serving every need everywhere, so that lists"
            " run over several pages.",
        )
        await self._replace(parsed.model_copy(update={"entries": everything}))
        her = self.walker()
        start = await her.command("/start", keep=False)
        needs = await her.press(user_button(screen=Screen.NEEDS, place="CN"), on=start, keep=False)
        urgent = await her.press(user_button(screen=Screen.LIST, need="emergency"), on=needs)
        await her.press(user_button(screen=Screen.LIST, page=1), on=urgent)
        topic = await her.press(user_button(screen=Screen.TOPIC), on=needs, keep=False)
        first = await her.press(user_button(screen=Screen.LIST), on=topic)
        second = await her.press(user_button(screen=Screen.LIST, page=1), on=first)
        await her.press(user_button(screen=Screen.LIST, page=2), on=second)
        self.recorder.section(
            "A need nobody serves here",
            "The demo directory with only the services for anywhere, each for one need: the"
            " other needs' lists say so, and offer those services.",
        )
        anywhere = [
            e.model_copy(update={"categories": ["mental_health"]})
            for e in shown
            if "ANY" in e.regions
        ]
        await self._replace(parsed.model_copy(update={"entries": anywhere}))
        her = self.walker()
        start = await her.command("/start", keep=False)
        needs = await her.press(user_button(screen=Screen.NEEDS, place="CN"), on=start, keep=False)
        await her.press(user_button(screen=Screen.LIST, need="emergency"), on=needs)

    async def _replace(self, directory: DirectoryFile) -> None:
        core = self.recorder.bot.core
        async with core.sessions() as session, session.begin():
            await replace.replace_all(session, directory)


def _at(moment: dt.datetime) -> dt.datetime:
    return moment


def card_data(card: Shot) -> str:
    """The card's own position, read off its "did not work" button."""
    for row in card.rows:
        for _label, data in row:
            nav = nav_of(data)
            if nav is not None and nav.screen is Screen.REPORT_ASK:
                return encode(nav.to(Screen.CARD))
    raise LookupError(card.title)


def _card_of(shot: Shot, entry: str, place: str) -> bool:
    nav = nav_of(card_data(shot))
    return nav is not None and nav.entry == entry and nav.place == place


def _is_list(data: str, lang: str) -> bool:
    nav = nav_of(data)
    return nav is not None and nav.screen is Screen.LIST


class _Unreachable:
    """A database that cannot be reached: each session fails as a lost connection does."""

    def __call__(self) -> object:
        raise ConnectionRefusedError("the database is not reachable")


class _Broken:
    """A fault that is nobody's: each session fails with an error the bot does not expect."""

    def __call__(self) -> object:
        raise RuntimeError("a fault")
