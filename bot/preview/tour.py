"""The whole walk, in one language: the bot started as the preview needs it, then each part.

The bot runs with the product's default settings (not this machine's .env), with Talk to a
person on (a stand-in group and key, so that its screens exist), a public handle for the About
screen, and two members of staff: an admin and a volunteer on duty. Its directory is the demo
directory and two entries only staff see (extras.py). A screen that shows only under another
setting is taken with that setting for its one step, and its title says so.
"""

from __future__ import annotations

import html
import itertools
import secrets

from pydantic import SecretStr

from bot.desk import staff
from bot.menus.flood import FloodGuard
from bot.preview import extras, hours, staff_side, talk, usage
from bot.preview.record import Person, Recorder, Section, Shot
from bot.preview.user_side import UserSide
from bot.settings import Settings
from bot.telegram.local_api import BOT_USER
from bot.telegram.local_bot import local_bot

PUBLIC_HANDLE = "@" + str(BOT_USER["username"])
RELAY_CHAT_ID = -1009000000001  # a stand-in for the volunteers' group
ADMIN_ID = 800001
VOLUNTEER_ID = 800002
FIRST_USER_ID = 900000


def preview_settings() -> Settings:
    """Defaults only, whatever the environment says: the preview shows the product."""
    return Settings.model_construct(
        relay_chat_id=RELAY_CHAT_ID,
        # A key of its own, drawn for each run and thrown away with it: none to copy.
        relay_key=SecretStr(secrets.token_urlsafe(32)),
        bot_public_handle=PUBLIC_HANDLE,
    )


def _user(user_id: int, name: str, lang: str) -> dict[str, object]:
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": lang}


def commands(recorder: Recorder, lang: str) -> None:
    """The commands Telegram lists in her menu, in her language, as the bot set them."""
    listed = recorder.api.commands.get(lang, [])
    lines = "\n".join(f"/{c['command']} — {html.escape(str(c['description']))}" for c in listed)
    section = recorder.section("Telegram's command menu", "The commands as the bot names them.")
    section.shots.append(Shot("(the menu button beside the message field)", "her chat", lines))


def _chat_names(chat_id: int) -> str:
    if chat_id == ADMIN_ID:
        return "the admin's chat"
    if chat_id == VOLUNTEER_ID:
        return "the volunteer's chat"
    if chat_id == RELAY_CHAT_ID:
        return "the volunteers' group, in the conversation's topic"
    return "her chat"


def paced() -> FloodGuard:
    """A flood guard that sees each update a second after the one before, as a person taps:
    the walk is faster than anyone, and would otherwise be asked to wait."""
    seconds = itertools.count()
    return FloodGuard(clock=lambda: float(next(seconds)))


async def take(lang: str) -> list[Section]:
    """Every screen, in the sections of the page."""
    # No Telegram to keep pace with: the group's posts go out at once.
    async with local_bot(preview_settings(), group_period=0.001) as bot:
        core = bot.core
        core.flood = paced()
        await extras.load(core.sessions)
        for member, role in ((ADMIN_ID, "admin"), (VOLUNTEER_ID, "volunteer")):
            await staff.add(core.sessions, member, role, core.today())
        core.staff_ids.forget()
        admin = Person(_user(ADMIN_ID, "Admin", lang), _chat_names(ADMIN_ID))
        volunteer = Person(_user(VOLUNTEER_ID, "Volunteer", lang), _chat_names(VOLUNTEER_ID))
        recorder = Recorder(bot, lambda chat, _message: _chat_names(chat))
        user = UserSide(recorder, lang, FIRST_USER_ID)
        await user.menus()
        await user.report(core.settings.reports_for_recheck)
        await user.erasing()
        await user.typing()
        await user.mistakes()
        await user.hours(hours.moments(core.now()), hours.ENTRY, hours.PLACE)
        reports = core.settings.reports_for_recheck
        await usage.count_reports(core.sessions, "example-safe-line", reports, core.today())
        await talk.Talk(recorder, user, volunteer, RELAY_CHAT_ID).all()
        desk = staff_side.StaffSide(recorder, lang, admin, volunteer)
        await desk.all()
        await user.other_directories()
        await desk.nothing_due()
        commands(recorder, lang)
        return recorder.sections
