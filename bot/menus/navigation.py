"""Turn a position in the menus into the screen to show, reading the directory as needed.

The menus take what they use (settings, the database, the clock, a counter of choices) as
`MenuResources`, which bot.core.Core provides; they do not import the Core, which gathers the
statistics' and the desk's resources too: the user's menus depend on neither.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.directory import queries
from bot.directory.schema import EntryModel
from bot.i18n import Texts
from bot.menus import danger, fixed_screens, opening, screens, status, topics
from bot.menus.callback import Nav, Screen
from bot.menus.rows import home_of
from bot.settings import Settings
from bot.ui.view import View


class ChoiceCounter(Protocol):
    """Counts what she chose, anonymously (bot.stats.counting.UsageCounter)."""

    def count_choice(self, nav: Nav, *, by: int | None) -> None: ...

    def add(self, metric: str, key: str = "", *, by: int | None) -> None: ...

    def add_once(self, user_id: int, metric: str, key: str) -> None: ...


class MenuResources(Protocol):
    """What showing a screen needs."""

    @property
    def settings(self) -> Settings: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def today(self) -> Callable[[], dt.date]: ...

    @property
    def now(self) -> Callable[[], dt.datetime]: ...

    @property
    def counter(self) -> ChoiceCounter: ...


async def show(core: MenuResources, nav: Nav, user_id: int | None = None) -> View:
    """The screen for `nav`, finished (bot/menus/status.py). `user_id` stays in memory: it
    only makes a "did not work" report count once per person and day."""
    return status.finish(nav, await _screen(core, nav, user_id))


async def _screen(core: MenuResources, nav: Nav, user_id: int | None) -> View:
    t = Texts(nav.lang)
    _count(core.counter, nav, user_id)
    match nav.screen:
        case Screen.PLACES:
            return screens.places(t, nav)
        case Screen.NEEDS:
            return topics.needs(t, nav, talk=core.settings.relay_on)
        case Screen.TOPIC:
            return topics.topic(t, nav)
        case Screen.MORE:
            return topics.more(t, nav)
        case Screen.LIST:
            return await _list(core, t, nav)
        case Screen.REPORT:
            return await _report(core, t, nav, user_id)
        case Screen.CARD:
            return await _card(core, t, nav, user_id)
        case Screen.REPORT_ASK:
            return await _report_question(core, t, nav)
        case Screen.LANGUAGES:
            return fixed_screens.languages(t, nav)
        case Screen.SET_LANGUAGE:
            return await _screen(core, home_of(nav), None)
        case Screen.HELP:
            return fixed_screens.help_screen(t, nav)
        case Screen.ABOUT:
            return fixed_screens.about(t, nav, public_handle=core.settings.bot_public_handle)
        case Screen.SAFETY:
            return fixed_screens.safety(t, nav)
        case Screen.SAFETY_MORE:
            return fixed_screens.safety_more(t, nav)
        case Screen.AUTO_ERASE:
            return fixed_screens.auto_erase(t, nav)
        case Screen.ERASE:
            return fixed_screens.erase_question(t, nav)
        case (
            Screen.ERASE_NOW
            | Screen.STATS
            | Screen.TALK
            | Screen.TALK_START
            | Screen.TALK_LEAVE
            | Screen.TALK_END
            | Screen.TALK_KEEP
        ):
            raise ValueError(f"{nav.screen.name} is handled by its own handler")
    raise AssertionError(f"unhandled screen {nav.screen!r}")


def _count(counter: ChoiceCounter, nav: Nav, user_id: int | None) -> None:
    """Count what a tap chose. A place picked after the need (Urgent help on the first
    screen) is both choices at once, counted as the needs menu counts them one at a time."""
    if nav.screen is Screen.LIST and nav.origin is Screen.PLACES and nav.place is not None:
        counter.count_choice(nav.fresh(Screen.NEEDS, nav.place, origin=Screen.PLACES), by=user_id)
        counter.count_choice(nav.to(Screen.LIST, origin=Screen.NEEDS), by=user_id)
        return
    counter.count_choice(nav, by=user_id)


async def _visible_entry(core: MenuResources, entry_id: str) -> EntryModel | None:
    async with core.sessions() as session:
        return await queries.visible_entry(
            session, entry_id, today=core.today(), max_age_days=core.settings.verify_max_age_days
        )


async def _report(core: MenuResources, t: Texts, nav: Nav, user_id: int | None) -> View:
    """ "This contact did not work", confirmed: one more in the entry's anonymous daily count
    (once per person and day, and only for an entry users can see, so forged ids add nothing),
    then the list again, with thanks."""
    assert nav.entry is not None
    entry = await _visible_entry(core, nav.entry)
    if entry is not None and user_id is not None:
        core.counter.add_once(user_id, "not_working", entry.id)
    return await _list(core, t, nav.to(Screen.LIST, entry=None), thanks=True)


async def _report_question(core: MenuResources, t: Texts, nav: Nav) -> View:
    """Asked only about an entry users can see; one gone since gets the card's answer."""
    assert nav.entry is not None
    if await _visible_entry(core, nav.entry) is None:
        return screens.card_gone(t, nav)
    return screens.report_question(t, nav)


async def _list(core: MenuResources, t: Texts, nav: Nav, *, thanks: bool = False) -> View:
    assert nav.need is not None and nav.place is not None
    max_age = core.settings.verify_max_age_days
    now = core.now()
    async with core.sessions() as session:
        page = await queries.list_open_first(
            session,
            need=nav.need,
            place=nav.place,
            lang=nav.lang,
            page=nav.page,
            today=core.today(),
            max_age_days=max_age,
            open_now=lambda entry: opening.is_open(entry, now),
            urgent=nav.need in danger.DANGER_NEEDS,
        )
        talk = core.settings.relay_on
        if page.total and nav.need in danger.DANGER_NEEDS:
            return danger.danger_list(t, nav, page, thanks=thanks, talk=talk, now=now)
        if page.total:
            return screens.entry_list(
                t, nav, page, fallback=False, thanks=thanks, talk=talk, now=now
            )
        anywhere = await queries.list_anywhere(
            session, lang=nav.lang, page=nav.page, today=core.today(), max_age_days=max_age
        )
    return screens.entry_list(t, nav, anywhere, fallback=True, thanks=thanks, talk=talk, now=now)


async def _card(core: MenuResources, t: Texts, nav: Nav, user_id: int | None) -> View:
    assert nav.entry is not None
    entry = await _visible_entry(core, nav.entry)
    if entry is None:
        return screens.card_gone(t, nav)
    if nav.origin is Screen.LIST:  # picked from a list, not come back to
        core.counter.add("entry_opened", entry.id, by=user_id)
    return screens.card(t, nav, entry, now=core.now())


def start(nav: Nav) -> View:
    """The first screen after /start: a calm greeting and the places question."""
    first = nav.fresh(Screen.PLACES)
    return status.finish(first, screens.places(Texts(nav.lang), first, greeting=True))


async def entry_screen(core: MenuResources, nav: Nav) -> View:
    """A screen opened by a command, where nothing is known but her Telegram language and, if
    one is pending, her auto-erase choice."""
    return await show(core, entry_position(nav))


def entry_position(nav: Nav) -> Nav:
    """The position `entry_screen` shows for `nav`."""
    if nav.screen is Screen.ERASE:  # "No, go back" leads to the start
        return nav.to(Screen.ERASE, origin=Screen.PLACES)
    if nav.screen in (Screen.HELP, Screen.LANGUAGES, Screen.SAFETY, Screen.ABOUT):
        return nav
    return nav.fresh(Screen.PLACES)
