"""Starting the bot for `helpline run`: reach the Bot API, then long polling or the webhook
until SIGTERM or Ctrl-C.

What can go wrong on the way is said here in the project's own words (TokenRefused,
BotApiUnreachable), so that the command line, which imports nothing of Telegram, turns each
into one line and an exit code.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.settings import Settings, SettingsError
from bot.telegram import webhook
from bot.telegram.request import AiohttpRequest

log = logging.getLogger("bot")  # the command's own lines, under the name `helpline` logs with

# Pauses between tries to reach the Bot API at start: doubled each time, up to this.
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


class TokenRefused(Exception):
    """The Bot API refused BOT_TOKEN. The message never holds the token."""


class BotApiUnreachable(Exception):
    """The Bot API could not be reached while starting: a reason that may pass."""


def _refused(settings: Settings) -> TokenRefused:
    # The library's message holds the whole token: never shown, not even chained.
    return TokenRefused(
        f"the Bot API at {settings.telegram_api_url} refused BOT_TOKEN: check the token with"
        " @BotFather, and TELEGRAM_API_URL"
    )


def _unreachable(settings: Settings, exc: NetworkError) -> BotApiUnreachable:
    return BotApiUnreachable(
        f"the Bot API at {settings.telegram_api_url} could not be reached while starting"
        f" ({reason(exc)})"
    )


def reason(exc: Exception) -> str:
    """A network error in a few words: its type, and the library's message cut short (a
    proxy's error page can be long)."""
    message = str(getattr(exc, "message", "") or exc).strip().splitlines()
    return f"{type(exc).__name__}: {message[0][:160]}" if message else type(exc).__name__


def check(settings: Settings, *, webhook_asked: bool) -> None:
    """Before anything starts: `--webhook` needs WEBHOOK_URL, and a webhook needs its secret."""
    if webhook_asked and not settings.webhook_url:
        raise SettingsError("--webhook needs WEBHOOK_URL, the public https:// address of the bot")
    if settings.webhook_url:
        webhook.require_secret(settings)


def reach_bot_api(settings: Settings, token: str) -> bool:
    """Whether the Bot API answered before SIGTERM or Ctrl-C came (see `_wait_for_bot_api`)."""
    try:
        return asyncio.run(_wait_for_bot_api(settings, token))
    except InvalidToken:
        raise _refused(settings) from None
    except NetworkError as exc:
        raise _unreachable(settings, exc) from None


def serve(settings: Settings, token: str) -> None:
    """Run the bot until it is stopped: the webhook when WEBHOOK_URL is set, else long
    polling."""
    try:
        _serve(settings, token)
    except InvalidToken:
        raise _refused(settings) from None
    except NetworkError as exc:
        raise _unreachable(settings, exc) from None


async def _wait_for_bot_api(settings: Settings, token: str) -> bool:
    """Ask the Bot API who the bot is until it answers, for up to BOT_API_WAIT_SECONDS,
    pausing longer after each try: a server that boots before its network, or a Telegram
    outage, is waited out with one line per try instead of a crash. False when SIGTERM or
    Ctrl-C came while waiting. A refused token is not tried again."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    deadline = loop.time() + settings.bot_api_wait_seconds
    pause = FIRST_PAUSE
    try:
        while True:
            try:
                await _check_token(settings, token)
                return True
            except NetworkError as exc:
                left = deadline - loop.time()
                if left < 1:
                    raise BotApiUnreachable(
                        f"the Bot API at {settings.telegram_api_url} could not be reached"
                        f" ({reason(exc)}); gave up after {settings.bot_api_wait_seconds} s"
                        " (BOT_API_WAIT_SECONDS)"
                    ) from None
                wait = int(min(pause, left))
                log.warning(
                    "the Bot API at %s could not be reached (%s); trying again in %d s",
                    settings.telegram_api_url,
                    reason(exc),
                    wait,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                if stop.is_set():
                    log.info("stopped while waiting for the Bot API")
                    return False
                pause = min(pause * 2, LONGEST_PAUSE)
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)


async def _check_token(settings: Settings, token: str) -> None:
    """Ask the Bot API who the bot is, once, on a connection closed again whatever the
    answer: a refused token is then one line, with nothing left half-open behind it for the
    event loop to complain about."""
    request = AiohttpRequest()
    bot = Bot(
        token,
        base_url=f"{settings.telegram_api_url}/bot",
        request=request,
        get_updates_request=request,
    )
    try:
        await bot.initialize()
    finally:
        await request.shutdown()


def _serve(settings: Settings, token: str) -> None:
    # Loaded only now, once the Bot API has answered: the handlers, the catalogs and the
    # chart library are not needed to wait for it.
    from bot.telegram.app import ALLOWED_UPDATES, build_application

    application = build_application(settings, token=token)
    if settings.webhook_url:
        log.info("starting (webhook)")
        asyncio.run(webhook.serve(application, settings, ALLOWED_UPDATES))
    else:
        log.info("starting (long polling)")
        # A loop of our own, closed only after the bot's connections: if start-up fails in
        # getMe, python-telegram-bot's shutdown skips them (the bot never counted as
        # initialised) and they would be left open.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            application.run_polling(
                allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False, close_loop=False
            )
        finally:
            loop.run_until_complete(application.bot.shutdown())
            loop.close()
            asyncio.set_event_loop(None)
    log.info("stopped")
