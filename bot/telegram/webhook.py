"""Webhook mode: Telegram pushes updates to a small aiohttp server behind a TLS proxy.

A custom server rather than python-telegram-bot's built-in one, for three things it lacks: the
secret header compared in constant time, a `/healthz` that says only whether the database
answers and whether the Bot API accepted the token at the last attempt, and a shutdown that
stops taking updates, finishes those in flight and saves the counts. Nothing from a request
body is ever logged, and there is no access log: the proxy's log is the place for addresses,
and it never sees the body either.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import signal
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import text
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings, SettingsError
from bot.telegram.request import BotApiStatus

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # nosec B105
MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller
HEALTH_TIMEOUT = 3.0
# /healthz asks the Bot API itself (getMe) when no call has had an outcome for this long: a
# quiet bot would otherwise keep a revoked token's last good answer for ever.
PROBE_AFTER = 5.0


class ListenError(SettingsError):
    """The webhook server cannot listen where it was told to; the message names the address.
    A setting to fix (exit 2, which the units do not restart), not a moment to wait out."""


def listen_address(settings: Settings) -> tuple[str, int]:
    host, _sep, port = settings.webhook_listen.rpartition(":")
    return host.strip("[]"), int(port)


def webhook_path(settings: Settings) -> str:
    return urlsplit(settings.webhook_url).path or "/"


def require_secret(settings: Settings) -> str:
    if settings.webhook_secret is None:
        raise SettingsError(
            "WEBHOOK_SECRET is not set: a webhook needs 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return settings.webhook_secret.get_secret_value()


class WebhookServer:
    """The HTTP side of webhook mode: `/healthz`, and the webhook path."""

    def __init__(self, application: Application, settings: Settings) -> None:  # type: ignore[type-arg]
        self.application = application
        self.settings = settings
        self.secret = require_secret(settings).encode()
        self.accepting = True
        self.in_flight = 0
        self._runner: web.AppRunner | None = None
        self._probing = asyncio.Lock()
        self.port = 0

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(webhook_path(self.settings), self.receive)
        app.router.add_get("/healthz", self.health)
        return app

    async def start(self) -> None:
        host, port = listen_address(self.settings)
        self._runner = web.AppRunner(self.web_app(), access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            reason = os.strerror(exc.errno) if exc.errno else type(exc).__name__
            raise ListenError(
                f"cannot listen on {host}:{port} ({reason}): is another process using it?"
                " (WEBHOOK_LISTEN, or the instance name of helpline@PORT)"
            ) from None
        server = site._server  # the bound port, when asked for port 0 (tests)
        sockets = getattr(server, "sockets", None) or []
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("webhook server listening on %s:%d", host, self.port)

    async def stop(self) -> None:
        """Refuse new updates (Telegram sends them again later, or to another process), then
        close the server once the requests in flight have been queued."""
        self.accepting = False
        if self._runner is not None:
            await self._runner.cleanup()

    async def receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self.secret):
            return web.Response(status=403)
        if not self.accepting:
            return web.Response(status=503)
        self.in_flight += 1
        try:
            try:
                data = await request.json(loads=json.loads)
                update = Update.de_json(data, self.application.bot)
            except Exception as exc:  # malformed: say so, and nothing about what it held
                log.warning("a webhook request could not be read (%s)", type(exc).__name__)
                return web.Response(status=400)
            if update is None:
                return web.Response(status=400)
            await self.application.update_queue.put(update)
            return web.Response(status=200)
        finally:
            self.in_flight -= 1

    async def health(self, _request: web.Request) -> web.Response:
        """200 if the database answers and the Bot API accepted the token at the last
        attempt, 503 if not; which of the two failed, and nothing else (no address, no name)."""
        database, bot_api = await asyncio.gather(self._database_answers(), self._token_accepted())
        ok = database and bot_api
        body = {"ok": ok, "database": database, "bot_api": bot_api}
        return web.json_response(body, status=200 if ok else 503)

    async def _database_answers(self) -> bool:
        engine = self.application.bot_data.get("engine")
        try:
            if engine is None:
                raise RuntimeError("not started")
            async with asyncio.timeout(HEALTH_TIMEOUT):
                async with engine.connect() as connection:
                    # A real table, so that a locked or emptied database is not "healthy".
                    await connection.execute(text("SELECT version_num FROM alembic_version"))
        except Exception as exc:
            log.warning("health check: the database does not answer (%s)", type(exc).__name__)
            return False
        return True

    async def _token_accepted(self) -> bool:
        status: BotApiStatus | None = self.application.bot_data.get("bot_api")
        if status is None:  # a bot built with another transport: nothing to go by
            return True
        async with self._probing:  # one probe at a time, however often monitoring asks
            if status.age() >= PROBE_AFTER:
                try:
                    async with asyncio.timeout(HEALTH_TIMEOUT):
                        await self.application.bot.get_me()
                except Exception as exc:  # the outcome, if any, is in `status` now
                    log.debug("health check: getMe failed (%s)", type(exc).__name__)
                    if isinstance(exc, TimeoutError):
                        status.noted(None)
        return status.accepted


async def serve(application: Application, settings: Settings, allowed_updates: list[str]) -> None:  # type: ignore[type-arg]
    """Run in webhook mode until SIGTERM or SIGINT, then stop gracefully."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    server = WebhookServer(application, settings)
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await server.start()
        await application.bot.set_webhook(
            url=settings.webhook_url,
            secret_token=server.secret.decode(),
            allowed_updates=allowed_updates,
            drop_pending_updates=False,
        )
        log.info("started (webhook)")
        await stop.wait()
        log.info("stopping: no new updates; finishing those in flight")
    finally:
        # Also after a start-up that failed half-way (the Bot API lost, the address taken):
        # whatever was opened is closed, so nothing is left for the event loop to complain of.
        # The webhook stays registered: another process may be serving it, and Telegram keeps
        # what it cannot deliver for when this one is back.
        await server.stop()
        if application.running:
            await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()
        await application.bot.shutdown()  # its connections, if initialize() failed in getMe
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
