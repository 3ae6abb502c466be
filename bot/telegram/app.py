"""Wiring: the python-telegram-bot Application, its handlers, and its resources.

Resources are opened in `post_init` and closed in `post_shutdown`, so that `helpline run`, the
demo and the tests start and stop the bot the same way. There is no PTB persistence: its
user_data and chat_data bookkeeping alone would be a list of every user.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import i18n
from bot.core import Core
from bot.db import database
from bot.desk import callback, staff
from bot.directory import file_check
from bot.i18n import Texts
from bot.settings import Settings
from bot.stats import counting, periods, publish
from bot.taxonomy import USER_LANGUAGES
from bot.telegram import relay_wiring
from bot.telegram.processing import HelplineApplication, OneChatAtATime
from bot.telegram.request import BotApiStatus, RetryingRequest
from handlers import commands, desk, errors, groups, guard, menu
from handlers import stats as stats_handlers
from handlers.context import Context

log = logging.getLogger(__name__)
FLUSH_SECONDS = 60.0

# Only what the bot handles; Telegram then sends nothing else (no edits, reactions, polls...).
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.CHANNEL_POST,
]


def _commands(lang: str) -> list[BotCommand]:
    _ = Texts(lang).gettext
    return [
        BotCommand("start", _("Begin again")),
        BotCommand("language", _("Change the language")),
        BotCommand("help", _("How to use this service")),
        BotCommand("safety", _("Staying safe with your phone")),
        BotCommand("erase", _("Erase this chat")),
        BotCommand("about", _("About this service")),
    ]


async def _open(application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
    await asyncio.to_thread(file_check.prepare)  # the desk's first file is then checked at once
    engine = database.make_engine(settings.database_url)
    await database.upgrade(engine)
    application.bot_data["engine"] = engine
    core = Core(settings, database.make_sessionmaker(engine))
    await staff.seed_admins(core.sessions, settings.admin_ids, core.today())
    application.bot_data["core"] = core
    core.group_posts.start()
    jobs = application.job_queue
    assert jobs is not None, "python-telegram-bot's job-queue extra is required"
    jobs.run_repeating(_flush_counts, interval=FLUSH_SECONDS, first=FLUSH_SECONDS, name="flush")
    jobs.run_daily(_new_day, time=dt.time(0, 0, tzinfo=dt.UTC), name="new-day")
    publish_at = (dt.datetime.min + periods.GRACE + dt.timedelta(minutes=5)).time()
    jobs.run_daily(_publish, time=publish_at.replace(tzinfo=dt.UTC), name="publish")
    digest_at = dt.time(settings.digest_hour, 0, tzinfo=dt.UTC)
    jobs.run_daily(desk.send_digest, time=digest_at, name="digest")
    relay_wiring.schedule(application, settings)
    log.debug(
        "jobs: counts flushed every %d s, a new day at 00:00 UTC, the digest at %02d:00 UTC",
        FLUSH_SECONDS,
        settings.digest_hour,
    )
    await application.bot.set_my_commands(_commands("en"))
    for lang in USER_LANGUAGES:
        await application.bot.set_my_commands(_commands(lang), language_code=lang)


async def _flush_counts(context: Context) -> None:
    """Every minute: write the counts if they mix enough people, or if their day is over."""
    core = context.core
    try:
        await counting.flush(core.counter, core.sessions)
    except Exception as exc:  # kept in memory for the next try; never lose a user's answer
        log.warning("counts could not be flushed (%s); kept for the next flush", type(exc).__name__)


async def _new_day(context: Context) -> None:
    """Midnight UTC: a new unique-user key (so days cannot be linked), yesterday's last
    counts written, then retention."""
    core = context.core
    core.counter.rotate_key()
    await _flush_counts(context)
    days = core.settings.stats_retention_days
    await counting.delete_older_than(core.sessions, core.today(), days)
    await publish.delete_published_before(core.sessions, core.today() - dt.timedelta(days=days))


async def _publish(context: Context) -> None:
    """After the grace time of a week's end: publish it (and its month), so that the
    figures are fixed before anyone looks. Any process may do it; the first one wins."""
    core = context.core
    settings = core.settings
    try:
        await publish.publish_due(
            core.sessions, core.now(), settings.stats_min_count, settings.stats_retention_days
        )
    except Exception as exc:  # tried again by the next view or the next day
        log.warning("statistics could not be published (%s)", type(exc).__name__)


async def _close(application: Application) -> None:  # type: ignore[type-arg]
    core = application.bot_data.pop("core", None)
    engine = application.bot_data.pop("engine", None)
    try:
        if core is not None:  # what waits for the group, then the counts, however few
            await core.group_posts.stop()
            await counting.flush(core.counter, core.sessions, everything=True)
    except Exception as exc:
        log.error("the last counts could not be saved at shutdown (%s)", type(exc).__name__)
    finally:
        if engine is not None:
            await engine.dispose()


def _rate_limiter(group_period: float) -> AIORateLimiter:
    """No self-imposed overall cap: PTB's default (30 requests a second, edits and deletions
    included) would answer at most about 15 people a second when the helpline is suddenly
    needed. Telegram enforces its limits with 429 "retry after": then every request waits as
    long as Telegram says and is tried again (up to three times). A group keeps its limit of
    20 posts in `group_period` seconds."""
    return AIORateLimiter(overall_max_rate=0, max_retries=3, group_time_period=group_period)


def build_application(
    settings: Settings,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    group_period: float = 60.0,
) -> Application:  # type: ignore[type-arg]
    """The bot, wired and ready for `run_polling` or a test harness; catalogs checked now.
    `group_period`: the seconds in which Telegram lets a bot post 20 messages into a group,
    shortened only by the benchmark (bench/relay.py) to run a busy hour in minutes."""
    i18n.load_all()

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        await _open(application, settings)

    api = settings.telegram_api_url
    builder = (
        ApplicationBuilder()
        .token(token or settings.token())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                protect_content=True,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .application_class(HelplineApplication)
        .context_types(ContextTypes(context=Context))
        .concurrent_updates(OneChatAtATime(64, unlimited=_relay_chats(settings)))
        .post_init(post_init)
        .post_shutdown(_close)
        .rate_limiter(_rate_limiter(group_period))
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:
        # Two connections for each update handled at once, and a patient wait for a free one
        # under load rather than a failed call; getUpdates has its own connection.
        status = BotApiStatus()  # every call's outcome, for /healthz
        builder = builder.request(
            RetryingRequest(connection_pool_size=128, pool_timeout=10.0, status=status)
        ).get_updates_request(RetryingRequest(connection_pool_size=1, status=status))
    application = builder.build()
    if request is None:
        application.bot_data["bot_api"] = status
    relay_wiring.register(application, settings)
    register(application)
    return application


def _relay_chats(settings: Settings) -> frozenset[int]:
    """The relay group: many volunteers write there at once, so it is not capped per chat."""
    chat = settings.relay_chat_id
    return frozenset({chat}) if settings.relay_on and chat is not None else frozenset()


def register(application: Application) -> None:  # type: ignore[type-arg]
    private = filters.ChatType.PRIVATE
    application.add_handler(TypeHandler(Update, guard.before_everything), group=-1)
    # The rest after the relay's (bot/telegram/relay_wiring.py), which takes her messages
    # in a conversation before the menus see them.
    application.add_handlers(_menus_and_desk(private), group=relay_wiring.MENUS_GROUP)
    application.add_error_handler(errors.on_error)


def _menus_and_desk(private: filters.BaseFilter) -> list[BaseHandler[Update, Context, None]]:
    return [
        ChatMemberHandler(groups.leave, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(~private | filters.UpdateType.CHANNEL_POSTS, groups.leave),
        CommandHandler("start", commands.start, filters=private),
        CommandHandler("help", commands.help_command, filters=private),
        CommandHandler("about", commands.about, filters=private),
        CommandHandler("language", commands.language, filters=private),
        CommandHandler("safety", commands.safety, filters=private),
        CommandHandler("erase", commands.erase, filters=private),
        CommandHandler("stats", stats_handlers.stats_command, filters=private),
        # Staff only; to anyone else these are unknown text and old buttons (handlers/desk).
        CommandHandler("volunteer", desk.volunteer_command, filters=private),
        CommandHandler("history", desk.history_command, filters=private),
        MessageHandler(private & filters.TEXT & ~filters.COMMAND, desk.on_text),
        MessageHandler(private & filters.Document.ALL, desk.on_document),
        CallbackQueryHandler(desk.on_button, pattern=callback.is_staff_data),
        MessageHandler(private, commands.anything_else),
        CallbackQueryHandler(menu.on_button),
    ]
